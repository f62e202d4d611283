"""Datasette configuration for the registry, and read-only snapshots to put online.

``publish(db_path, directory, profile=...)`` writes a Datasette configuration directory:

    registry.db         the snapshot, rollback-journal mode
    inspect-data.json   table counts and hash: ``datasette serve DIR`` opens the db immutable
    metadata.json       claims/metadata.yml for the profile, keyed to the database name ``registry``
    settings.json       SETTINGS (time limits on every query and facet)
    plugins/claims_registry.py   the claims Datasette plugin, self-contained
    templates/          its templates
    README.md           how to serve and publish it

Two profiles:

- ``public`` (the default) is the newsroom's public site. The snapshot is a new registry
  that holds only what is published: the claims with a verdict (statuses of kind
  ``verdict``), their sources (without the reviewers' notes on them), the event that set
  each verdict with its note as the verdict's public explanation (a note given with
  ``claims status ID VERDICT --note ...`` or in the same imported CSV row; the note of a
  forced verdict explains the override and stays internal), and of each article only the
  paragraphs around its published claims (``excerpt``), the claims' offsets moved to
  point into them. No reviewer names (the events' actors, the sources' ``added_by``)
  unless ``with_reviewers``; no assignees, other history, notes, suggested links, grouped
  repeats or imported fact-checks. With a publisher, each claim's ClaimReview (``claims export --format
  claimreview``) is stored in ``claim_reviews`` for the claim page's JSON-LD.
- ``desk`` is the whole registry (a ``VACUUM INTO`` copy), for a private deployment
  behind a login.

The snapshot never changes under a server: publishing again writes a new file next to
the old one and renames it into place.
"""

import json
import os
import shutil
import sqlite3
from pathlib import Path

from .registry import RegistryError, now, open_registry, write

PACKAGE = Path(__file__).parent
PLUGIN_DIR = PACKAGE / "datasette_plugin"
DATABASE = "registry"

#: Datasette settings for every way the registry is served: ``claims serve``, the
#: snapshot's settings.json. Arbitrary SQL is read-only in Datasette; this bounds its time.
SETTINGS = {
    "suggest_facets": False,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 1000,
    "allow_csv_stream": False,  # a CSV download is one page of rows, made formula-safe; claims export for all
}


def metadata_path() -> Path:
    return PACKAGE / "metadata.yml"


def datasette_metadata(database: str = DATABASE) -> dict:
    """The shipped metadata.yml, keyed to the database name Datasette will use."""
    import yaml

    metadata = yaml.safe_load(metadata_path().read_text())
    databases = metadata.get("databases", {})
    if database != DATABASE and DATABASE in databases:
        databases[database] = databases.pop(DATABASE)
    return metadata


def settings_args(settings: dict = SETTINGS) -> list[str]:
    """SETTINGS as ``datasette serve`` options."""
    args = []
    for name, value in settings.items():
        if isinstance(value, bool):
            value = "on" if value else "off"
        args += ["--setting", name, str(value)]
    return args


README = """\
# A published claims registry

A read-only snapshot of a claims registry, made by `claims publish --profile {profile}` at
{when} ({claims} claims from {articles} articles). {what} This folder is a Datasette
configuration directory.

Browse it, from this folder:

    pip install "datasette>=0.65.1,<1.0"
    datasette serve .                 # immutable, as inspect-data.json is present

Put it online, from this folder (Datasette's publishers build a container that serves the
file immutable):

    datasette publish cloudrun registry.db -m metadata.json \\
        --plugins-dir plugins --template-dir templates --service claims-registry \\
        --install "datasette>=0.65.1,<1.0" --extra-options "{options}"
    datasette package registry.db -m metadata.json --plugins-dir plugins \\
        --template-dir templates --install "datasette>=0.65.1,<1.0" \\
        --extra-options "{options}" -t claims-registry

(`--install` keeps the container on Datasette 0.65, which the metadata and plugin are for.)

Keep it current: run `claims publish {dir}` again where the registry is (it replaces
registry.db with one rename), then restart the server or publish again.
"""


LOGIN_README = """
Every page asks for a login (`allow: {{id: "*"}}` in metadata.json). Install the login
plugin where it is served, and give the server the password's hash:

    pip install datasette-auth-passwords
    export {env}="$(datasette hash-password)"   # asks for the password
    datasette serve .

then sign in at /-/login as `{user}`. More users: add `NAME_password_hash` entries under
`plugins: datasette-auth-passwords` in metadata.json. Without the plugin or the hash
nobody can sign in and every page answers 403.
"""

PROFILE_TEXT = {
    "public": "The public profile: claims with a verdict, their sources and explanations, "
              "the paragraphs around them; no unreviewed claim, internal note or whole article.",
    "desk": "The desk profile: the whole registry, internal notes and reviewers included. "
            "Serve it only behind a login (see the claims guide, docs/guide.md, \"Publishing\").",
}


def inspect_data(path: Path) -> dict:
    """What `datasette inspect` writes for ``path``, with the file named relative to its
    directory: Datasette opens the files it names immutable, with these table counts."""
    import asyncio

    from datasette.cli import inspect_

    data = asyncio.run(inspect_([str(path)], []))
    for entry in data.values():
        entry["file"] = Path(entry["file"]).name
    return data


PROFILES = ("public", "desk")
#: Between two excerpts of an article on the public site.
GAP = "\n\n[…]\n\n"
#: Tables the public profile fills; every other table of the registry stays empty there.
PUBLIC_TABLES = ("statuses", "articles", "claims", "sources", "claim_events")
#: Hidden from the table lists: counters and indexes (both profiles), and on the public
#: site the tables it leaves empty or keeps for the pages.
HIDDEN = {
    "desk": ("claim_counts", "claim_status_counts", "fact_check_vectors", "claim_reviews"),
    "public": ("claim_counts", "claim_status_counts", "fact_check_vectors", "claim_reviews",
               "claim_events", "claim_links", "fact_checks", "claim_appearances"),
}
#: Canned queries of metadata.yml for a desk's eyes only.
DESK_QUERIES = ("review_queue", "claims_without_sources", "claim_history", "reviewer_activity")


def excerpt(text: str, spans: list) -> tuple[str, list]:
    """The parts of ``text`` a public page may show: around each ``(start, end)`` of
    ``spans`` the paragraph that holds it (at most CONTEXT_CHARS either side, as the claim
    page shows it), overlapping parts merged, joined by GAP, a cut paragraph marked "…".

    Returns ``(excerpt, moved)``: ``moved[i]`` is ``spans[i]`` as offsets into the excerpt
    (None for a span that is None)."""
    from .datasette_plugin import paragraph_around

    parts = []  # [from, to, cut_before, cut_after] in text
    for span in spans:
        if span is None:
            continue
        start, end = _clamp(text, span)
        p = paragraph_around(text, start, end)
        lo, hi = start - len(p["before"]), end + len(p["after"])
        parts.append([lo, hi, p["cut_before"], p["cut_after"]])
    parts.sort()
    merged = []
    for part in parts:
        if merged and part[0] <= merged[-1][1]:
            last = merged[-1]
            if part[1] > last[1]:
                last[1], last[3] = part[1], part[3]
            continue
        merged.append(part)
    out, offsets = [], []  # offsets: (from in text, to in text, where it starts in the excerpt)
    length = 0
    for i, (lo, hi, cut_before, cut_after) in enumerate(merged):
        piece = ("… " if cut_before else "") + text[lo:hi] + (" …" if cut_after else "")
        if i:
            out.append(GAP)
            length += len(GAP)
        offsets.append((lo, hi, length + (2 if cut_before else 0)))
        out.append(piece)
        length += len(piece)
    moved = []
    for span in spans:
        if span is None:
            moved.append(None)
            continue
        start, end = _clamp(text, span)
        lo, hi, at = next(o for o in offsets if o[0] <= start and end <= o[1])
        moved.append((at + start - lo, at + end - lo))
    return "".join(out), moved


def _clamp(text: str, span) -> tuple[int, int]:
    """``span`` within ``text`` (as paragraph_around reads it)."""
    start = max(0, min(span[0], len(text)))
    return start, max(start, min(span[1], len(text)))


def _columns(conn, table) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _insert(conn, table, rows, columns):
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        table, ", ".join(f'"{c}"' for c in columns), ", ".join("?" for _ in columns))
    conn.executemany(sql, ([row[c] for c in columns] for row in rows))


def _rows(conn, sql, params=()):
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values))


def public_copy(source, target: Path, *, with_reviewers: bool = False, reviews: dict = None) -> None:
    """Write at ``target`` a new registry holding only what the public profile publishes
    from the registry ``source`` (a sqlite_utils Database; see the module docstring).
    ``reviews`` maps claim ids to their ClaimReview objects."""
    src = source.conn
    out = open_registry(target)
    conn = out.conn
    verdicts = [r[0] for r in src.execute("SELECT name FROM statuses WHERE kind = 'verdict'")]
    marks = ", ".join("?" for _ in verdicts) or "NULL"
    claims = list(_rows(src, f"SELECT * FROM claims WHERE status IN ({marks}) ORDER BY id", verdicts))
    ids = [c["id"] for c in claims]
    by_article = {}
    for c in claims:
        if c["article_id"] is not None:
            by_article.setdefault(c["article_id"], []).append(c)
    with write(out):
        conn.execute("DELETE FROM statuses")
        _insert(conn, "statuses", _rows(src, "SELECT * FROM statuses"), _columns(src, "statuses"))
        columns = _columns(src, "articles")
        for article_id, its_claims in sorted(by_article.items()):
            article = next(_rows(src, "SELECT * FROM articles WHERE id = ?", [article_id]))
            spans = [(c["start"], c["end"]) if c["start"] is not None and c["end"] is not None else None
                     for c in its_claims]
            article["text"], moved = excerpt(article["text"] or "", spans)
            for c, span in zip(its_claims, moved):
                if span is not None:
                    c["start"], c["end"] = span
            _insert(conn, "articles", [article], columns)
        for c in claims:  # who a claim is assigned to is the desk's business
            if "assignee" in c:
                c["assignee"] = None
        _insert(conn, "claims", claims, _columns(src, "claims"))
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            marks = ", ".join("?" for _ in part)
            sources = list(_rows(src, f"SELECT * FROM sources WHERE claim_id IN ({marks}) ORDER BY id", part))
            for s in sources:
                s["note"] = None  # a reviewer's note on a source is internal
                if not with_reviewers:
                    s["added_by"] = None
            _insert(conn, "sources", sources, _columns(src, "sources"))
            # The event that set each claim's verdict: the last status change to it.
            events = list(_rows(src, f"""
                SELECT e.* FROM claim_events e JOIN claims c ON c.id = e.claim_id
                WHERE e.claim_id IN ({marks}) AND e.id = (
                    SELECT max(x.id) FROM claim_events x WHERE x.claim_id = e.claim_id
                    AND x.action IN ('status', 'status-forced') AND x.new_value = c.status)
                ORDER BY e.id""", part))
            for e in events:
                if e["action"] != "status":
                    e["note"] = None  # a forced verdict's note explains the override
                if not with_reviewers:
                    e["actor"] = None
            _insert(conn, "claim_events", events, _columns(src, "claim_events"))
        conn.execute("CREATE TABLE claim_reviews (claim_id INTEGER PRIMARY KEY REFERENCES claims(id), "
                     "claimreview TEXT NOT NULL)")
        published = set(ids)
        conn.executemany("INSERT INTO claim_reviews VALUES (?, ?)",
                         [(i, json.dumps(item, ensure_ascii=False)) for i, item in (reviews or {}).items()
                          if i in published])
    conn.close()


#: The environment variable a desk copy's server reads the login's password hash from
#: (``datasette hash-password``, from datasette-auth-passwords).
PASSWORD_HASH_ENV = "CLAIMS_DESK_PASSWORD_HASH"
DESK_USER = "desk"


def profile_metadata(profile: str, publisher=None, *, login: bool = False) -> dict:
    """metadata.yml as a snapshot of ``profile`` serves it. With ``login``, every page
    needs a signed-in actor: datasette-auth-passwords' /-/login, user DESK_USER, the
    password hash read from PASSWORD_HASH_ENV when the server starts (unset: nobody can
    sign in, and nothing is shown)."""
    metadata = datasette_metadata(DATABASE)
    db_meta = metadata["databases"][DATABASE]
    tables = db_meta.setdefault("tables", {})
    for name in HIDDEN[profile]:
        tables.setdefault(name, {})["hidden"] = True
    config = metadata.setdefault("plugins", {}).setdefault("claims", {})
    config["read_only"] = True
    config["profile"] = profile
    if profile == "public":
        for name in DESK_QUERIES:
            db_meta.get("queries", {}).pop(name, None)
        tables.setdefault("claims", {})["description"] = (
            "The claims this registry has given a verdict, with their sources and the reviewers' explanations.")
        tables.setdefault("articles", {})["description"] = (
            "The articles the claims come from; text holds only the paragraphs around the checked claims.")
    if publisher is not None and publisher.name:
        config["publisher"] = {"name": publisher.name, "url": publisher.url}
    if login:
        metadata["allow"] = {"id": "*"}
        config["login"] = True
        metadata["plugins"]["datasette-auth-passwords"] = {
            f"{DESK_USER}_password_hash": {"$env": PASSWORD_HASH_ENV}}
    return metadata


#: What ``publish`` writes into its directory (the marker lists these): it never
#: touches anything else there, and refuses a directory holding files it did not write.
MARKER = ".claims-publish.json"
PUBLISHED = [f"{DATABASE}.db", "metadata.json", "settings.json", "plugins/claims_registry.py", "templates",
             "inspect-data.json", "README.md"]


def check_target(directory: Path, db_path) -> None:
    """Refuse a ``directory`` that is not empty and is not a snapshot ``publish`` wrote (its
    marker lists what it wrote; the registry.db there must be the one it wrote)."""
    if directory.exists() and not directory.is_dir():
        raise RegistryError(f"{directory} is a file, not a directory")
    if any(ch in str(directory.absolute()) for ch in "?#"):
        raise RegistryError(f"{directory}: Datasette cannot open a file whose path holds '?' or '#'; "
                            "publish into another directory")
    target = directory / f"{DATABASE}.db"
    if target.exists() and target.resolve() == Path(db_path).resolve():
        raise RegistryError(f"{target} is the registry itself; publish into another directory")
    if not directory.exists():
        return
    entries = sorted(p.name for p in directory.iterdir())
    if not entries:
        return
    marker = _read_marker(directory)
    if marker is None:
        shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
        raise RegistryError(f"{directory} is not empty and holds no snapshot written by claims publish "
                            f"({shown}); publish into a new or empty directory")
    if target.exists() and marker.get("registry") is not None:  # None: a publish stopped mid-way
        stat = target.stat()
        if [stat.st_size, stat.st_mtime_ns] != marker.get("registry"):
            raise RegistryError(f"{target} is not the snapshot claims publish wrote there (it was replaced "
                                "or changed); move it away or publish into a new directory")


def _read_marker(directory: Path):
    try:
        marker = json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def _write_marker(directory: Path, registry) -> None:
    """What publish writes here, and the size and time of the registry.db it wrote."""
    _write_text(directory / MARKER, json.dumps({"files": PUBLISHED, "registry": registry, "published_at": now()},
                                               indent=2) + "\n")


def _write_text(path: Path, text: str) -> None:
    """``path`` replaced whole or not at all: written beside it, synced, then renamed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def publish(db_path, directory, *, profile: str = "public", with_reviewers: bool = False,
            publisher=None, login: bool = None) -> dict:
    """Write a read-only snapshot of the registry at ``db_path`` into ``directory``:
    the public site (``profile="public"``) or the whole registry (``"desk"``).
    ``publisher`` (a claimreview.Publisher with name and url) puts each verdict's
    ClaimReview into its claim page. ``login`` (the default for the desk profile) makes
    every page ask for a password (see ``profile_metadata``)."""
    if profile not in PROFILES:
        raise RegistryError(f"unknown profile {profile!r}: public or desk")
    if login is None:
        login = profile == "desk"
    directory = Path(directory)
    db = open_registry(db_path, readonly=True)
    check_target(directory, db_path)  # never a directory holding files publish did not write
    try:
        return _publish(db, directory, profile, with_reviewers, publisher, login)
    except OSError as e:  # a full disk: one error; no half file under a published name
        raise RegistryError(f"cannot write {e.filename or directory}: {e.strerror or e}") from e
    except sqlite3.DatabaseError as e:
        raise RegistryError(f"cannot write the snapshot in {directory}: {e}") from e


def _publish(db, directory: Path, profile, with_reviewers, publisher, login) -> dict:
    target = directory / f"{DATABASE}.db"
    reviews = None
    if publisher is not None and (publisher.name or publisher.url):
        from . import claimreview

        claimreview.require_publisher(publisher)
        reviews = dict(claimreview.review_items(db, publisher))
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{DATABASE}.db.tmp"
    tmp.unlink(missing_ok=True)
    try:
        if profile == "desk":
            db.execute("VACUUM INTO ?", [str(tmp.absolute())])  # absolute: never read as an URI
            if reviews is not None:
                conn = sqlite3.connect(tmp.absolute())
                with conn:
                    conn.execute("CREATE TABLE claim_reviews (claim_id INTEGER PRIMARY KEY REFERENCES claims(id), "
                                 "claimreview TEXT NOT NULL)")
                    conn.executemany("INSERT INTO claim_reviews VALUES (?, ?)",
                                     [(i, json.dumps(item, ensure_ascii=False)) for i, item in reviews.items()])
                conn.close()
        else:
            building = directory / f".{DATABASE}.db.building"
            for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
                leftover.unlink(missing_ok=True)
            try:
                public_copy(db, building, with_reviewers=with_reviewers, reviews=reviews)
                conn = sqlite3.connect(building.absolute())
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("VACUUM INTO ?", [str(tmp.absolute())])  # compact, and nothing of a free page
                conn.close()
            finally:
                for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
                    leftover.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp.absolute())
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("claims", "articles")}
        finally:
            conn.close()
        if check != "ok":
            raise RegistryError(f"the snapshot failed its integrity check: {check}")
        _write_marker(directory, None)  # so that a publish stopped after the rename may run again
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    for stale in (directory / f"{DATABASE}.db-wal", directory / f"{DATABASE}.db-shm"):
        stale.unlink(missing_ok=True)

    stat = target.stat()
    _write_marker(directory, [stat.st_size, stat.st_mtime_ns])

    metadata = profile_metadata(profile, publisher, login=login)
    _write_text(directory / "metadata.json", json.dumps(metadata, indent=2) + "\n")
    _write_text(directory / "settings.json", json.dumps(SETTINGS, indent=2) + "\n")
    plugins = directory / "plugins"
    plugins.mkdir(exist_ok=True)
    _write_text(plugins / "claims_registry.py", (PLUGIN_DIR / "__init__.py").read_text(encoding="utf-8"))
    templates = directory / "templates"
    staged = directory / f".templates.{os.getpid()}.tmp"
    shutil.rmtree(staged, ignore_errors=True)
    try:
        shutil.copytree(PLUGIN_DIR / "templates", staged)
        old = directory / f".templates.{os.getpid()}.old"
        if templates.exists():
            os.replace(templates, old)
        os.replace(staged, templates)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    _write_text(directory / "inspect-data.json", json.dumps(inspect_data(target), indent=2) + "\n")

    _write_text(directory / "README.md", README.format(
        when=now()[:16].replace("T", " ") + " UTC", claims=counts["claims"], articles=counts["articles"],
        dir=directory.resolve(), options=" ".join(settings_args()), profile=profile,
        what=PROFILE_TEXT[profile],
    ) + (LOGIN_README.format(env=PASSWORD_HASH_ENV, user=DESK_USER) if login else ""))
    return {"path": str(target), "bytes": target.stat().st_size, "profile": profile,
            "claim_reviews": len(reviews) if reviews is not None else 0, **counts}

"""The registry: one SQLite file, opened, migrated, read and written here.

Every write goes through ``write(db)``: one ``BEGIN IMMEDIATE`` transaction, so a
command takes the write lock before it reads what it is about to change (no lock
upgrade deadlocks between writers), waits up to ``BUSY_TIMEOUT_MS`` for other writers,
and leaves either all of its change or none of it. Every change to a claim's status or
sources bumps its ``version`` and appends one ``claim_events`` row in that transaction.
"""

import contextlib
import datetime
import hashlib
import json
import sqlite3
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional
from urllib.parse import quote

from sqlite_utils import Database

from . import parsing
from .errors import RegistryError  # noqa: F401 (the one user-error type, imported from here by many modules)
from .migrations import SUMMARY_INSERT_TRIGGERS, migrations

BUSY_TIMEOUT_MS = 30_000
#: SQLite result codes that mean the file could not be written: a full disk, an I/O error,
#: a read-only file or directory. A write that ends in one is one error line, not a traceback.
_WRITE_FAILURES = {sqlite3.SQLITE_FULL: "the disk is full", sqlite3.SQLITE_IOERR: "an I/O error",
                   sqlite3.SQLITE_READONLY: "it is read-only", sqlite3.SQLITE_CANTOPEN: "it cannot be opened"}


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def file_uri(path, *, readonly: bool = False) -> str:
    """``path`` as an SQLite URI that names exactly that file: a registry path is a file
    path, never an URI (``-d 'file:x?mode=memory'`` is a file of that name)."""
    uri = "file:" + quote(str(Path(path).absolute()), safe="/", errors="surrogateescape")
    return uri + ("?mode=ro" if readonly else "")


def connect(path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the pragmas every registry connection needs (read-only: SQLite
    refuses every write through it, so a read command cannot change the file)."""
    conn = sqlite3.connect(
        file_uri(path, readonly=readonly), uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None, check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")
    return conn


def open_registry(path="registry.db", *, create: bool = True, readonly: bool = False,
                  warn=None) -> Database:
    """Open the registry at ``path`` and bring its schema up to date.

    Before anything is written, the file is looked at through a read-only connection: a
    file that is not a claims registry (tables but no ``claims`` migrations) is refused with
    its path; a registry written by a newer version (migrations this version does not know)
    is refused for writes, and opened for reads with a warning (``warn``, default stderr).
    ``create=False`` or ``readonly=True`` refuse a path that does not exist (nothing is
    created). ``readonly=True`` returns a read-only connection, and never switches the
    journal mode; a claims registry of an older version is still brought up to date.
    """
    path = Path(path)
    if path.is_dir():
        raise RegistryError(f"{path} is a directory, not a registry file")
    if (readonly or not create) and not path.exists():
        raise RegistryError(f"no registry at {path}")
    kind, unknown = inspect_file(path)
    if kind == "foreign":
        raise RegistryError(f"{path} is not a claims registry (it holds other tables and no claims "
                            "migrations); it was left as it is")
    if kind == "new" and readonly:
        raise RegistryError(f"{path} is empty, not a claims registry yet")
    if kind == "newer":
        names = ", ".join(unknown)
        if not readonly:
            raise RegistryError(f"{path} was written by a newer version of claims (migration {names}); "
                                "upgrade claims to write to it")
        (warn or _stderr)(f"Warning: {path} was written by a newer version of claims (migration {names}); "
                          "reading it anyway")
    try:
        if readonly and kind != "old":
            return Database(connect(path, readonly=True))
        conn = connect(path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = Database(conn)
        if migrations.pending(db):
            with write(db):
                migrations.apply(db)  # re-checks what is pending, now under the write lock
    except sqlite3.DatabaseError as e:
        if _write_failure(e):
            raise RegistryError(f"cannot write {path}: {_write_failure(e)} ({e})") from e
        raise RegistryError(f"{path} is not a usable registry: {e}") from e
    if readonly:
        conn.close()
        return Database(connect(path, readonly=True))
    return db


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def inspect_file(path) -> tuple[str, list[str]]:
    """What the file at ``path`` is, read without changing it: ``("new", [])`` (no file, or
    no tables yet), ``("ours", [])`` (a claims registry, up to date), ``("old", [])`` (one
    with migrations to apply), ``("newer", names)`` (migrations this version does not know)
    or ``("foreign", [])``."""
    path = Path(path)
    if not path.exists() or (path.stat().st_size == 0 and not Path(f"{path}-wal").exists()):
        return "new", []
    try:
        conn = connect(path, readonly=True)
    except sqlite3.DatabaseError as e:
        raise RegistryError(f"{path} cannot be opened: {e}") from e
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return "new", []
        if "_sqlite_migrations" not in tables:
            return "foreign", []
        names = [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [migrations.name])]
    except sqlite3.DatabaseError as e:
        raise RegistryError(f"{path} is not a usable registry: {e}") from e
    finally:
        conn.close()
    if not names:
        return "foreign", []
    known = [m.name for m in migrations._migrations]
    unknown = [n for n in names if n not in known]
    if unknown:
        return "newer", unknown
    return ("old" if len(set(names)) < len(known) else "ours"), []


def _write_failure(error: BaseException) -> Optional[str]:
    """Why a write failed, when it failed for the file's sake (full disk, I/O, read-only)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    return _WRITE_FAILURES.get(code & 0xFF)


def engine(path="registry.db"):
    """A SQLAlchemy engine for the SQLModel classes, with the registry's pragmas on."""
    from sqlalchemy import event
    from sqlmodel import create_engine

    eng = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(eng, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute("PRAGMA recursive_triggers = ON")
        dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    return eng


@contextlib.contextmanager
def write(db: Database):
    """One write transaction (``BEGIN IMMEDIATE``); nested calls become savepoints."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        else:
            db.conn.execute("COMMIT")
    except sqlite3.DatabaseError as e:
        why = _write_failure(e)
        if why is None:
            raise
        if db.conn.in_transaction:
            with contextlib.suppress(sqlite3.DatabaseError):
                db.conn.execute("ROLLBACK")
        raise RegistryError(f"cannot write the registry: {why}; nothing was changed ({e})") from e


# --- validation ----------------------------------------------------------------------


def validate_url(url: str) -> str:
    """http(s), a host, a valid port, no whitespace or control characters: ``parsing.validate_url``."""
    return parsing.validate_url(url)


def validate_status(db: Database, status: str) -> dict:
    row = db.execute("SELECT * FROM statuses WHERE name = ?", [status]).fetchone()
    if row is None:
        names = ", ".join(r[0] for r in db.execute("SELECT name FROM statuses ORDER BY sort_order"))
        raise RegistryError(f"unknown status {status!r}; choose one of: {names}")
    return dict(zip([d[0] for d in db.execute("SELECT * FROM statuses LIMIT 0").description], row))


def validate_choice(value: str, enum, what: str) -> str:
    choices = [m.value for m in enum]
    if value not in choices:
        raise RegistryError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")
    return value


def parse_id(value, what: str) -> int:
    """A row id typed by a user, as an int, or one clear error (``parsing.parse_id``)."""
    return parsing.parse_id(value, what)


def actor_of(by: Optional[str]) -> str:
    """Who a write is recorded under: ``by``, else ``CLAIMS_USER``, else the name saved with
    ``claims config user NAME``; refused (RegistryError) when there is none or ``by`` is blank."""
    from .config import resolve_actor  # config imports RegistryError from here

    return resolve_actor(by)


def _require_force_note(note):
    if not (note or "").strip():
        raise RegistryError("--force needs a --note saying why the verdict stands without a source")


def get_row(db: Database, table: str, row_id, what: str) -> dict:
    """The row of ``table`` with ``id = row_id``, or a RegistryError naming ``what``."""
    rows = list(db.query(f"SELECT * FROM [{table}] WHERE id = ?", [row_id]))
    if not rows:
        raise RegistryError(f"no {what} with id {row_id}")
    return rows[0]


def get_claim(db: Database, claim_id) -> dict:
    return get_row(db, "claims", parse_id(claim_id, "claim"), "claim")


def get_article(db: Database, article_id) -> dict:
    return get_row(db, "articles", parse_id(article_id, "article"), "article")


# --- writes --------------------------------------------------------------------------


def _event(db, claim_id, action, *, actor=None, old=None, new=None, note=None, at=None):
    db.execute(
        "INSERT INTO claim_events (claim_id, at, actor, action, old_value, new_value, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [claim_id, at or now(), actor, action, old, new, note],
    )


def _touch(db, claim_id, at):
    db.execute(
        "UPDATE claims SET version = version + 1, updated_at = ? WHERE id = ?", [at, claim_id]
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_key(text: str, article_sha: Optional[str] = None, start=None, end=None) -> str:
    if article_sha is None:
        return sha256("manual\0" + text)
    return sha256(f"{article_sha}\0{start}\0{end}\0{text}")


CLAIM_COLUMNS = [
    "key", "article_id", "text", "sentence", "start", "end", "claimant", "claim_type",
    "checkable", "checkworthiness", "status", "extractor", "extractor_version", "model",
    "threshold", "needs_context", "created_at", "updated_at",
]
_INSERT_CLAIM = "INSERT INTO claims ({}) VALUES ({}) ON CONFLICT(key) DO NOTHING".format(
    ", ".join(f'"{c}"' for c in CLAIM_COLUMNS), ", ".join("?" for _ in CLAIM_COLUMNS)
)


def add_article(db: Database, article: dict, claims: Iterable[dict], *, actor=None, provenance=None):
    """Store an article and its claims in one transaction.

    ``article`` holds ``text`` and optionally url/title/outlet/author/published;
    each claim holds text, sentence, start, end and the splitter's figures.
    Returns ``(article_id, added)``: ``added`` is False when the same text was
    already stored, in which case nothing is written. One article is a batch of one
    for ``add_articles``, the single write path for extracted claims.
    """
    return add_articles(db, [(article, claims)], actor=actor, provenance=provenance)[0]


BULK_BATCH_ARTICLES = 1_000
BULK_BATCH_CLAIMS = 50_000  # about 5 s of holding the write lock per batch at a million claims
BULK_MIN_CLAIMS = 2_000  # below this a batch uses the per-row index trigger
BULK_CACHE_KIB = 65_536  # page cache while bulk writing: the random-key indexes stay in memory


def add_articles(db: Database, items: Iterable[tuple[dict, Iterable[dict]]], *, actor=None,
                 provenance=None, batch_articles: Optional[int] = None,
                 batch_claims: Optional[int] = None, on_batch=None) -> list[tuple[int, bool]]:
    """Store many ``(article, claims)`` pairs: the bulk path of ``add_article``.

    ``items`` is consumed lazily, a batch at a time, outside any transaction (so slow
    extraction never holds the write lock). Each batch is written in one ``BEGIN
    IMMEDIATE`` transaction: articles, claims by ``executemany``, then one set-based
    INSERT..SELECT each for the 'created' history rows and for the search index, with
    the per-row FTS insert trigger dropped and recreated inside that same transaction
    (DDL is transactional in SQLite, and other writers wait for the lock, so every
    writer always finds the trigger in place and the index in step). A batch is
    committed whole or not at all, so every article is stored with all its claims or
    not at all. Returns ``(article_id, added)`` per item, in order; ``on_batch`` is
    called with each committed batch's results. The connection's page cache is raised to
    ``BULK_CACHE_KIB`` meanwhile (the claim key index is random-ordered: with SQLite's
    2 MB default, a million claims ingest about twice as slowly).
    """
    actor = actor_of(actor)  # before anything is read or written
    provenance = provenance or {}
    batch_articles = batch_articles or BULK_BATCH_ARTICLES
    batch_claims = batch_claims or BULK_BATCH_CLAIMS
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{int(BULK_CACHE_KIB)}")
    try:
        return _add_articles(db, items, actor, provenance, batch_articles, batch_claims, on_batch)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")


def _add_articles(db, items, actor, provenance, batch_articles, batch_claims, on_batch):
    results: list[tuple[int, bool]] = []
    batch: list = []
    n_claims = 0
    for article, claims in items:
        text = article["text"]
        if not text.strip():
            raise RegistryError("the article has no text")
        if article.get("url"):
            article = {**article, "url": validate_url(article["url"])}
        digest = sha256(text)
        rows = []
        for c in claims:
            if text[c["start"]:c["end"]] != c["sentence"]:
                raise ValueError(f"claim span {c['start']}:{c['end']} does not slice to its sentence")
            rows.append([
                claim_key(c["text"], digest, c["start"], c["end"]), None, c["text"],
                c["sentence"], c["start"], c["end"], c.get("claimant"), c.get("claim_type"),
                int(bool(c.get("checkable"))), c.get("checkworthiness"), "unreviewed",
                provenance.get("extractor"), provenance.get("extractor_version"),
                provenance.get("model"), provenance.get("threshold"),
                None if c.get("needs_context") is None else int(bool(c["needs_context"])), None, None,
            ])
        batch.append((article, digest, rows))
        n_claims += len(rows)
        if len(batch) >= batch_articles or n_claims >= batch_claims:
            done = _write_batch(db, batch, n_claims, actor)
            results.extend(done)
            if on_batch:
                on_batch(done)
            batch, n_claims = [], 0
    if batch:
        done = _write_batch(db, batch, n_claims, actor)
        results.extend(done)
        if on_batch:
            on_batch(done)
    return results


def _write_batch(db: Database, batch, n_claims: int, actor) -> list[tuple[int, bool]]:
    at = now()
    out = []
    with write(db):
        trigger, summaries = None, {}
        if n_claims >= BULK_MIN_CLAIMS:
            row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'claims_ai'").fetchone()
            if row:
                trigger = row[0]
                db.execute("DROP TRIGGER claims_ai")
            # the facet count tables too: a GROUP BY over the new rows instead of upserts per row
            for name in SUMMARY_INSERT_TRIGGERS:
                row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()
                if row:
                    summaries[name] = row[0]
                    db.execute(f"DROP TRIGGER {name}")
        before = db.execute("SELECT coalesce(max(rowid), 0) FROM claims").fetchone()[0]
        for article, digest, rows in batch:
            existing = db.execute("SELECT id FROM articles WHERE sha256 = ?", [digest]).fetchone()
            if existing:
                out.append((existing[0], False))
                continue
            article_id = db.execute(
                "INSERT INTO articles (sha256, url, title, outlet, author, published, text, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [digest, article.get("url"), article.get("title"), article.get("outlet"),
                 article.get("author"), article.get("published"), article["text"], at],
            ).lastrowid
            for r in rows:
                r[1], r[-2], r[-1] = article_id, at, at
            db.conn.executemany(_INSERT_CLAIM, rows)
            out.append((article_id, True))
        db.execute(
            "INSERT INTO claim_events (claim_id, at, actor, action, new_value) "
            "SELECT id, ?, ?, 'created', status FROM claims WHERE id > ?",
            [at, actor, before],
        )
        for name, sql in summaries.items():
            SUMMARY_INSERT_TRIGGERS[name](db, since_id=before)
            db.execute(sql)
        if trigger:
            cols = ", ".join(f'"{r[1]}"' for r in db.execute("PRAGMA table_info(claims_fts)"))
            db.execute(
                f"INSERT INTO claims_fts (rowid, {cols}) SELECT rowid, {cols} FROM claims WHERE rowid > ?",
                [before],
            )
            db.execute(trigger)
    return out


def add_claim(db: Database, text: str, *, article_id=None, claimant=None, sources=(),
              status=None, note=None, actor=None, force=False, score: bool = True) -> tuple[int, bool]:
    """Add a claim by hand. Returns ``(claim_id, added)``; the same text added twice is one claim.

    The claim is scored as ``claims extract`` scores a claim (``splitter.score``:
    ``checkable``, ``checkworthiness``, ``claim_type``, and the model's name and threshold),
    so it takes its place in the review queue; ``score=False`` leaves those empty."""
    actor = actor_of(actor)
    text = (text or "").strip()
    if not text:
        raise RegistryError("the claim text is empty")
    if "\x00" in text:
        raise RegistryError("the claim text contains a NUL character")
    urls = [validate_url(u) for u in sources]
    if article_id is not None:
        get_article(db, article_id)
    figures = {}
    if score and not db.execute("SELECT 1 FROM claims WHERE key = ?", [claim_key(text)]).fetchone():
        from . import splitter  # the model loads only when a claim is added

        figures = {**splitter.score(text), **{k: v for k, v in splitter.provenance().items()
                                               if k in ("model", "threshold")}}
        figures["checkable"] = int(bool(figures["checkable"]))
    at = now()
    with write(db):
        key = claim_key(text)
        existing = db.execute("SELECT id FROM claims WHERE key = ?", [key]).fetchone()
        if existing:
            unapplied = _would_change(db, existing[0], article_id=article_id, claimant=claimant, urls=urls,
                                      status=status, note=note)
            if unapplied:
                raise RegistryError(
                    f"claim {existing[0]} already holds this text; {', '.join(unapplied)} not applied and nothing "
                    f"changed: use `claims status {existing[0]} STATUS --note ...` or `claims source "
                    f"{existing[0]} URL` to change it")
            return existing[0], False
        cursor = db.execute(
            "INSERT INTO claims (key, article_id, text, claimant, status, extractor, checkable, checkworthiness, "
            "claim_type, model, threshold, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'unreviewed', 'manual', ?, ?, ?, ?, ?, ?, ?)",
            [key, article_id, text, claimant, figures.get("checkable"), figures.get("checkworthiness"),
             figures.get("claim_type"), figures.get("model"), figures.get("threshold"), at, at],
        )
        claim_id = cursor.lastrowid
        _event(db, claim_id, "created", actor=actor, new="unreviewed", at=at)
        for url in urls:
            add_source(db, claim_id, url, actor=actor)
        if status and status != "unreviewed":
            set_status(db, claim_id, status, note=note, actor=actor, force=force)
    return claim_id, True


def _would_change(db, claim_id, *, article_id, claimant, urls, status, note) -> list[str]:
    """The options of an ``add`` of a text already stored that would change its claim."""
    claim = get_claim(db, claim_id)
    out = []
    if article_id is not None and article_id != claim["article_id"]:
        out.append("--article")
    if claimant is not None and claimant != claim["claimant"]:
        out.append("--claimant")
    if set(urls) - {r[0] for r in db.execute("SELECT url FROM sources WHERE claim_id = ?", [claim_id])}:
        out.append("--source")
    if status and status != claim["status"]:
        out.append("--status")
    if (note or "").strip() and not db.execute("SELECT 1 FROM claim_events WHERE claim_id = ? AND note = ?",
                                               [claim_id, note]).fetchone():
        out.append("--note")
    return out


def set_status(db: Database, claim_id, status: str, *, note=None, actor=None, force=False) -> dict:
    """Change a claim's status. A verdict that needs a source is refused without one,
    unless ``force`` with a ``note`` (the override is recorded in the history). The same
    verdict again with a ``note`` records that note as its new explanation; otherwise the
    same status again changes nothing."""
    actor = actor_of(actor)
    claim = get_claim(db, claim_id)
    wanted = validate_status(db, status)
    with write(db):
        claim = get_claim(db, claim_id)  # re-read under the write lock
        if claim["status"] == status and not (note and wanted.get("kind") == "verdict"):
            if (note or "").strip():  # the status stands; the reviewer's words are kept
                _event(db, claim["id"], "note", actor=actor, note=note.strip())
            return claim
        n = None
        if wanted["needs_source"]:
            n = db.execute("SELECT count(*) FROM sources WHERE claim_id = ?", [claim["id"]]).fetchone()[0]
            if n == 0:
                if not force:
                    raise RegistryError(
                        f"claim {claim['id']} has no sources: add one with `claims source {claim['id']} URL` "
                        f"before setting {status!r} (or --force with a --note)"
                    )
                _require_force_note(note)
        at = now()
        db.execute("UPDATE claims SET status = ? WHERE id = ?", [status, claim["id"]])
        _touch(db, claim["id"], at)
        action = "status-forced" if n == 0 else "status"
        _event(db, claim["id"], action, actor=actor, old=claim["status"], new=status, note=note, at=at)
    return get_claim(db, claim["id"])


def add_source(db: Database, claim_id, url: str, *, title=None, kind="other", stance="context",
               note=None, actor=None) -> int:
    actor = actor_of(actor)
    url = validate_url(url)
    from .models import SourceKind, Stance  # here, not at the top: SQLModel costs every command 0.25 s to import

    validate_choice(kind, SourceKind, "source kind")
    validate_choice(stance, Stance, "stance")
    claim = get_claim(db, claim_id)
    at = now()
    with write(db):
        cursor = db.execute(
            "INSERT INTO sources (claim_id, url, title, kind, stance, note, added_by, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [claim["id"], url, title, kind, stance, note, actor, at],
        )
        _touch(db, claim["id"], at)
        _event(db, claim["id"], "source-added", actor=actor, new=url, note=note, at=at)
    return cursor.lastrowid


def remove_source(db: Database, source_id, *, claim_id=None, actor=None, note=None, force=False) -> dict:
    """Remove a source (the removal is recorded in the claim's history).

    With ``claim_id``, the source must belong to that claim. Removing the last source of
    a claim whose verdict needs one is refused, unless ``force`` with a ``note``.
    """
    actor = actor_of(actor)
    source_id = parse_id(source_id, "source")
    if claim_id is not None:
        get_claim(db, claim_id)
    at = now()
    with write(db):
        source = get_row(db, "sources", source_id, "source")
        if claim_id is not None and source["claim_id"] != int(claim_id):
            raise RegistryError(f"source {source_id} belongs to claim {source['claim_id']}, not claim {claim_id}")
        claim = get_claim(db, source["claim_id"])
        needs = db.execute("SELECT needs_source FROM statuses WHERE name = ?", [claim["status"]]).fetchone()[0]
        left = db.execute("SELECT count(*) FROM sources WHERE claim_id = ?", [claim["id"]]).fetchone()[0] - 1
        if needs and left == 0:
            if not force:
                raise RegistryError(
                    f"source {source_id} is the last source of claim {claim['id']}, whose verdict "
                    f"{claim['status']!r} needs one: add another source first (or --force with a --note)"
                )
            _require_force_note(note)
        db.execute("DELETE FROM sources WHERE id = ?", [source["id"]])
        _touch(db, source["claim_id"], at)
        action = "source-removed-forced" if needs and left == 0 else "source-removed"
        _event(db, source["claim_id"], action, actor=actor,
               old=json.dumps({k: source[k] for k in ("url", "title", "kind", "stance")}),
               note=note, at=at)
    return source


MAX_CLAIM_CHARS = 2_000  # an edited claim's text; a claim is a sentence or two, not an article
MAX_CLAIMANT_CHARS = 300
NOT_A_CLAIM = "not a claim"
#: Fields an edit can change, and the claim_events action recorded for each.
EDIT_ACTIONS = {"text": "edit-text", "claimant": "edit-claimant", "claim_type": "edit-claim-type",
                "checkable": "edit-checkable"}


def check_edit(claim: dict, *, text=None, claimant=None, claim_type=None, not_a_claim=False,
               what=("--text", "--claimant", "--claim-type")) -> dict:
    """What an edit of ``claim`` would change, as ``{field: (old, new)}`` (fields whose value
    stays the same are left out), or RegistryError for a bad value. ``None`` leaves a field
    as it is; an empty ``claimant`` clears it. The claim's ``sentence`` and span never change."""
    from .claimtypes import TYPES

    wanted = {}
    if text is not None:
        text = text.replace("\r\n", "\n").strip()
        if not text:
            raise RegistryError(f"{what[0]} is empty: a claim needs its text")
        if "\x00" in text:
            raise RegistryError(f"{what[0]} contains a NUL character")
        if len(text) > MAX_CLAIM_CHARS:
            raise RegistryError(f"{what[0]} is {len(text):,} characters; a claim is at most {MAX_CLAIM_CHARS:,}")
        wanted["text"] = text
    if claimant is not None:
        claimant = " ".join(claimant.split())
        if len(claimant) > MAX_CLAIMANT_CHARS or "\x00" in claimant:
            raise RegistryError(f"{what[1]} must be a name of at most {MAX_CLAIMANT_CHARS} characters")
        wanted["claimant"] = claimant or None
    if claim_type is not None:
        claim_type = claim_type.strip().lower()
        if claim_type not in TYPES:
            raise RegistryError(f"unknown claim type {claim_type!r}; choose one of: {', '.join(TYPES)}")
        if not_a_claim and claim_type != NOT_A_CLAIM:
            raise RegistryError(f"--not-a-claim and {what[2]} {claim_type!r} contradict each other")
    if not_a_claim:
        claim_type = NOT_A_CLAIM
    if claim_type is not None:
        wanted["claim_type"] = claim_type
        wanted["checkable"] = 0 if claim_type == NOT_A_CLAIM else 1
    return {k: (claim[k], v) for k, v in wanted.items() if claim[k] != v}


def edit_claim(db: Database, claim_id, *, text=None, claimant=None, claim_type=None, not_a_claim=False,
               note=None, actor=None) -> tuple[dict, dict]:
    """Correct a claim's text, claimant or type (``not_a_claim``: type "not a claim", not
    checkable). Each changed field is one ``edit-*`` event (old and new value) and the
    version goes up by one; the search index follows through its triggers. Returns
    ``(claim, changes)``; an edit that changes nothing writes nothing."""
    actor = actor_of(actor)
    if text is None and claimant is None and claim_type is None and not not_a_claim:
        raise RegistryError("nothing to edit: give --text, --claimant, --claim-type or --not-a-claim")
    note = (note or "").strip() or None
    check_edit(get_claim(db, claim_id), text=text, claimant=claimant, claim_type=claim_type,
               not_a_claim=not_a_claim)  # bad values are refused before the write lock
    with write(db):
        claim = get_claim(db, claim_id)
        changes = check_edit(claim, text=text, claimant=claimant, claim_type=claim_type, not_a_claim=not_a_claim)
        apply_edit(db, claim["id"], changes, actor=actor, note=note)
    return get_claim(db, claim["id"]), changes


def apply_edit(db: Database, claim_id: int, changes: dict, *, actor, note=None, at=None) -> None:
    """Write ``changes`` from ``check_edit`` (inside the caller's transaction)."""
    if not changes:
        return
    actor = actor_of(actor)
    at = at or now()
    db.execute("UPDATE claims SET {} WHERE id = ?".format(", ".join(f"{k} = ?" for k in changes)),
               [new for _, new in changes.values()] + [claim_id])
    _touch(db, claim_id, at)
    for field, (old, new) in changes.items():
        _event(db, claim_id, EDIT_ACTIONS[field], actor=actor, note=note, at=at,
               old=None if old is None else str(old), new=None if new is None else str(new))


def assign(db: Database, claim_ids, to: Optional[str], *, actor=None, note=None) -> list[tuple[int, Optional[str]]]:
    """Give claims to a reviewer (``to``), or to nobody (``to=None``): one ``assigned``
    event per claim whose assignee changes (old and new name), all in one transaction.
    Like a note, an assignment is no change to the claim: its version stays. Returns
    ``(claim_id, previous assignee)`` for each claim that changed."""
    actor = actor_of(actor)
    if to is not None:
        from .config import check_name

        to = check_name(to, "--to")
    ids = [parse_id(c, "claim") for c in claim_ids]
    if not ids:
        raise RegistryError("give at least one claim id")
    for claim_id in ids:
        get_claim(db, claim_id)  # every id checked before anything is written
    note = (note or "").strip() or None
    changed = []
    at = now()
    with write(db):
        for claim_id in dict.fromkeys(ids):
            before = get_claim(db, claim_id)["assignee"]
            if before == to:
                continue
            db.execute("UPDATE claims SET assignee = ? WHERE id = ?", [to, claim_id])
            _event(db, claim_id, "assigned", actor=actor, old=before, new=to, note=note, at=at)
            changed.append((claim_id, before))
    return changed


ARTICLE_FIELDS = ("url", "title", "outlet", "author", "published")


def update_article(db: Database, article_id, **fields) -> dict:
    """Correct an article's details (url, title, outlet, author, published); ``None`` leaves a
    field as it is. The URL must be http(s), the date ISO 8601. Returns the article."""
    article_id = parse_id(article_id, "article")
    unknown = set(fields) - set(ARTICLE_FIELDS)
    if unknown:
        raise RegistryError(f"unknown article fields: {', '.join(sorted(unknown))}")
    changes = {k: v.strip() for k, v in fields.items() if v is not None}
    if changes.get("url"):
        changes["url"] = validate_url(changes["url"])
    if changes.get("published"):
        changes["published"] = parsing.parse_date(changes["published"], "the publication date")
    changes = {k: (v or None) for k, v in changes.items()}  # an empty value clears the field
    get_article(db, article_id)
    if changes:
        with write(db):
            db.execute("UPDATE articles SET {} WHERE id = ?".format(", ".join(f"{k} = ?" for k in changes)),
                       [*changes.values(), article_id])
    return get_article(db, article_id)


def add_note(db: Database, claim_id, note: str, *, actor=None, action="note", old=None, new=None) -> None:
    """Record a note in a claim's history. Notes do not change the claim or its version."""
    actor = actor_of(actor)
    note = (note or "").strip()
    if not note:
        raise RegistryError("the note is empty")
    claim = get_claim(db, claim_id)
    with write(db):
        _event(db, claim["id"], action, actor=actor, old=old, new=new, note=note)


# --- reads ---------------------------------------------------------------------------


def fts_query(q: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word a quoted term, all required."""
    q = "".join(ch if ch.isprintable() else " " for ch in q.replace('"', " "))  # a NUL ends an FTS5 string
    words = [w for w in q.split() if w.strip()]
    return " ".join(f'"{w}"' for w in words)


def iter_claims(db: Database, *, limit=None, offset=0, **filters) -> Iterator[dict]:
    """Claims matching the filters (``claims.filters.ClaimFilter`` options: statuses,
    article_id, claim_type, min_checkworthiness, since, claimant, assigned, search, sort,
    reverse), streamed from the cursor."""
    from .filters import ClaimFilter

    chosen = ClaimFilter.of(**filters)
    where, params = chosen.where(db, "claims")
    sql = ("SELECT claims.*, 1 + (SELECT count(*) FROM claim_appearances ap WHERE ap.claim_id = claims.id "
           "AND ap.state = 'grouped') AS seen FROM claims")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {chosen.order_by('claims')}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return db.query(sql, params)


def claim_ids_of_articles(db: Database, article_ids) -> list[int]:
    """The ids of every claim of these articles, in id order."""
    article_ids, ids = list(article_ids), []
    for s in range(0, len(article_ids), 500):
        chunk = article_ids[s:s + 500]
        ids += [r[0] for r in db.execute("SELECT id FROM claims WHERE article_id IN ({}) ORDER BY id".format(
            ", ".join("?" * len(chunk))), chunk)]
    return ids


def search(db: Database, q: str, limit: int = 20) -> Iterator[dict]:
    """Full-text search over claim text and sentence, best match first."""
    query = fts_query(q)
    if not query:
        return iter(())
    # Rank inside the index first, then fetch only the claims shown: joining every match to
    # its claims row before sorting costs a third more at a million claims.
    return db.query(
        "SELECT claims.*, f.rank, 1 + (SELECT count(*) FROM claim_appearances ap WHERE ap.claim_id = claims.id "
        "AND ap.state = 'grouped') AS seen FROM (SELECT rowid, rank FROM claims_fts "
        "WHERE claims_fts MATCH ? ORDER BY rank LIMIT ?) AS f "
        "JOIN claims ON claims.rowid = f.rowid ORDER BY f.rank",
        [query, limit],
    )


def sources_for(db: Database, claim_id) -> list[dict]:
    return list(db.query("SELECT * FROM sources WHERE claim_id = ? ORDER BY id", [claim_id]))


def history(db: Database, claim_id) -> list[dict]:
    get_claim(db, claim_id)
    return list(db.query("SELECT * FROM claim_events WHERE claim_id = ? ORDER BY id", [claim_id]))


def context(db: Database, claim: dict, chars: int = 300) -> Optional[dict]:
    """The article text around a claim's span: before, the span itself, after."""
    if claim.get("article_id") is None or claim.get("start") is None:
        return None
    text = get_article(db, claim["article_id"])["text"]
    s, e = claim["start"], claim["end"]
    return {"before": text[max(0, s - chars):s], "span": text[s:e], "after": text[e:e + chars]}

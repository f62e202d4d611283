"""Datasette configuration for the registry, and read-only snapshots to put online.

``publish(db_path, directory)`` writes a Datasette configuration directory:

    registry.db         a VACUUM INTO copy of the registry, rollback-journal mode
    inspect-data.json   table counts and hash: ``datasette serve DIR`` opens the db immutable
    metadata.json       claims/metadata.yml, keyed to the database name ``registry``
    settings.json       SETTINGS (time limits on every query and facet)
    plugins/claims_registry.py   the claims Datasette plugin, self-contained
    templates/          its templates
    README.md           how to serve and publish it

The snapshot never changes under a server: publishing again writes a new file next to
the old one and renames it into place.
"""

import json
import os
import shutil
import sqlite3
from pathlib import Path

from .registry import RegistryError, now, open_registry

PACKAGE = Path(__file__).parent
PLUGIN_DIR = PACKAGE / "datasette_plugin"
DATABASE = "registry"

#: Datasette settings for every way the registry is served: ``claims serve``, the
#: snapshot's settings.json. Arbitrary SQL is read-only in Datasette; this bounds its time.
SETTINGS = {
    "suggest_facets": False,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 1000,
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

A read-only snapshot of a claims registry, made by `claims publish` at {when}
({claims} claims from {articles} articles). This folder is a Datasette configuration
directory.

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


def inspect_data(path: Path) -> dict:
    """What `datasette inspect` writes for ``path``, with the file named relative to its
    directory: Datasette opens the files it names immutable, with these table counts."""
    import asyncio

    from datasette.cli import inspect_

    data = asyncio.run(inspect_([str(path)], []))
    for entry in data.values():
        entry["file"] = Path(entry["file"]).name
    return data


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


def publish(db_path, directory) -> dict:
    """Write a read-only snapshot of the registry at ``db_path`` into ``directory``.

    A full disk (or any write error) is one RegistryError: no half-written file is left
    under a published name, and the previous registry.db stays until the new one is whole.
    """
    directory = Path(directory)
    db = open_registry(db_path, readonly=True)
    check_target(directory, db_path)
    try:
        return _publish(db, db_path, directory)
    except OSError as e:
        raise RegistryError(f"cannot write {e.filename or directory}: {e.strerror or e}") from e
    except sqlite3.DatabaseError as e:
        raise RegistryError(f"cannot write the snapshot in {directory}: {e}") from e


def _publish(db, db_path, directory: Path) -> dict:
    target = directory / f"{DATABASE}.db"
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{DATABASE}.db.tmp"
    tmp.unlink(missing_ok=True)
    try:
        db.execute("VACUUM INTO ?", [str(tmp.absolute())])  # absolute: never read as an URI
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

    metadata = datasette_metadata(DATABASE)
    metadata.setdefault("plugins", {}).setdefault("claims", {})["read_only"] = True
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
        dir=directory.resolve(), options=" ".join(settings_args()),
    ))
    return {"path": str(target), "bytes": target.stat().st_size, **counts}

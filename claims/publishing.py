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


def publish(db_path, directory) -> dict:
    """Write a read-only snapshot of the registry at ``db_path`` into ``directory``."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise RegistryError(f"{directory} is a file, not a directory")
    db = open_registry(db_path, create=False)
    target = directory / f"{DATABASE}.db"
    if target.exists() and target.resolve() == Path(db_path).resolve():
        raise RegistryError(f"{target} is the registry itself; publish into another directory")
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{DATABASE}.db.tmp"
    tmp.unlink(missing_ok=True)
    try:
        db.execute("VACUUM INTO ?", [str(tmp)])
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("claims", "articles")}
        finally:
            conn.close()
        if check != "ok":
            raise RegistryError(f"the snapshot failed its integrity check: {check}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    for stale in (directory / f"{DATABASE}.db-wal", directory / f"{DATABASE}.db-shm"):
        stale.unlink(missing_ok=True)

    metadata = datasette_metadata(DATABASE)
    metadata.setdefault("plugins", {}).setdefault("claims", {})["read_only"] = True
    (directory / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    (directory / "settings.json").write_text(json.dumps(SETTINGS, indent=2) + "\n")
    plugins = directory / "plugins"
    plugins.mkdir(exist_ok=True)
    shutil.copyfile(PLUGIN_DIR / "__init__.py", plugins / "claims_registry.py")
    templates = directory / "templates"
    if templates.exists():
        shutil.rmtree(templates)
    shutil.copytree(PLUGIN_DIR / "templates", templates)
    (directory / "inspect-data.json").write_text(json.dumps(inspect_data(target), indent=2) + "\n")

    (directory / "README.md").write_text(README.format(
        when=now()[:16].replace("T", " ") + " UTC", claims=counts["claims"], articles=counts["articles"],
        dir=directory.resolve(), options=" ".join(settings_args()),
    ))
    return {"path": str(target), "bytes": target.stat().st_size, **counts}

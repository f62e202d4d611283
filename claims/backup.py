"""A consistent copy of a live registry, safe while others write to it.

``VACUUM INTO`` reads the registry inside one read transaction: in WAL mode writers go on
committing meanwhile, and the copy is exactly the registry as of the moment the read
began, compacted, as a single self-contained file (no -wal beside it). The copy is written
under a temporary name beside the destination and renamed when it is complete and its
``PRAGMA integrity_check`` passes, so a crash or a full disk never leaves a half backup
under the real name.
"""

import os
import sqlite3
from pathlib import Path

from . import registry
from .registry import RegistryError


def backup(db_path, dest, *, overwrite: bool = False) -> dict:
    """Copy the registry at ``db_path`` to ``dest``; returns what the copy holds."""
    src, dest = Path(db_path), Path(dest)
    if not src.exists():
        raise RegistryError(f"no registry at {src}")
    if dest.is_dir():
        dest = dest / src.name
    if dest.exists() and not overwrite:
        raise RegistryError(f"{dest} already exists (pass --replace to overwrite it)")
    if dest.resolve() == src.resolve():
        raise RegistryError("the backup must go to another file than the registry itself")
    if not dest.parent.exists():
        raise RegistryError(f"{dest.parent}: no such directory")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = registry.connect(src)
    try:
        conn.execute("VACUUM INTO ?", [str(tmp.absolute())])  # absolute: never read as an URI
    except sqlite3.DatabaseError as e:
        tmp.unlink(missing_ok=True)
        raise RegistryError(f"backup of {src} failed: {e}") from e
    finally:
        conn.close()
    copy = sqlite3.connect(tmp.absolute())
    try:
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
        counts = {t: copy.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
                  for t in ("articles", "claims", "sources", "claim_events")}
    finally:
        copy.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise RegistryError(f"the copy failed its integrity check: {ok}")
    os.replace(tmp, dest)
    return {"path": str(dest), "bytes": dest.stat().st_size, **counts}

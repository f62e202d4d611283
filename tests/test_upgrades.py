"""Upgrades from the first released schema, and `claims backup` while writers run."""

import sqlite3
import subprocess
import sys
import time

import pytest
from sqlite_utils import Database

from claims import registry
from claims.migrations import migrations
from conftest import dump

FIRST = "m001_initial"


def first_schema_registry(path) -> Database:
    """A registry as the first release made it: only the first migration applied."""
    db = Database(registry.connect(path))
    migrations.apply(db, stop_before=[name for name in _names() if name != FIRST])
    return db


def _names():
    """Every migration's name, in order, from a fresh in-memory database."""
    db = Database(memory=True)
    migrations.apply(db)
    return [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]


def test_upgrade_from_first_schema_loses_nothing(tmp_path):
    path = tmp_path / "old.db"
    db = first_schema_registry(path)
    applied = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == [FIRST]
    # data written the way the first release wrote it
    text = "The council spent $4 million on roads in 2023. Taxes rose 3% last year, the mayor said."
    db.execute("INSERT INTO articles (sha256, url, title, text, added_at) VALUES (?, ?, ?, ?, ?)",
               [registry.sha256(text), "https://example.com/a", "Roads", text, "2024-01-01T00:00:00.000+00:00"])
    s1, s2 = "The council spent $4 million on roads in 2023.", "Taxes rose 3% last year, the mayor said."
    for start, sentence in ((0, s1), (len(s1) + 1, s2)):
        db.execute(
            'INSERT INTO claims (key, article_id, text, sentence, start, "end", status, created_at, updated_at) '
            "VALUES (?, 1, ?, ?, ?, ?, 'unreviewed', '2024-01-01', '2024-01-01')",
            [registry.claim_key(sentence, registry.sha256(text), start, start + len(sentence)), sentence, sentence,
             start, start + len(sentence)])
    db.execute("INSERT INTO claims (key, text, status, created_at, updated_at) "
               "VALUES ('manual', 'Crime fell 10% since 2019.', 'in-review', '2024-01-02', '2024-01-02')")
    db.execute("INSERT INTO sources (claim_id, url, kind, stance, added_at) "
               "VALUES (3, 'https://data.example.gov/crime', 'dataset', 'supports', '2024-01-02')")
    for cid, action, new in ((1, "created", "unreviewed"), (2, "created", "unreviewed"), (3, "created", "unreviewed"),
                             (3, "status", "in-review"), (3, "source-added", "https://data.example.gov/crime")):
        db.execute("INSERT INTO claim_events (claim_id, at, action, new_value) VALUES (?, '2024-01-02', ?, ?)",
                   [cid, action, new])
    db.conn.commit()
    db.conn.close()
    before = {t: list(sqlite3.connect(path).execute(f"SELECT * FROM {t} ORDER BY rowid"))
              for t in ("articles", "claims", "sources", "claim_events", "statuses")}

    db = registry.open_registry(path)  # the current code upgrades it
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == _names() and len(names) > 1
    for table, rows in before.items():
        columns = [d[0] for d in sqlite3.connect(path).execute(f"SELECT * FROM {table} LIMIT 0").description]
        now = list(db.execute(f"SELECT * FROM {table} ORDER BY rowid"))
        assert [r[:len(rows[0])] for r in now] == rows, table  # same rows (new columns may be added at the end)
        assert len(columns) >= len(rows[0])
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r["id"] for r in registry.search(db, "council roads")] == [1]
    registry.set_status(db, 1, "in-review", actor="after-upgrade")
    assert registry.get_claim(db, 1)["version"] == 2
    again = dump(path)
    registry.open_registry(path)  # opening an up-to-date registry changes nothing
    assert dump(path) == again


WRITER = """
import sys
from claims import registry
db = registry.open_registry(sys.argv[1])
for i in range(int(sys.argv[2])):
    with registry.write(db):  # one transaction: a copy holds all three changes or none
        cid, _ = registry.add_claim(db, f"Writer {sys.argv[3]} claim {i}: prices rose {i}% in 2020.", actor="w")
        registry.add_source(db, cid, f"https://example.org/{sys.argv[3]}/{i}", actor="w")
        registry.set_status(db, cid, "true", actor="w")
"""


@pytest.mark.slow
def test_backup_while_writers_run(tmp_path, run, db_path):
    registry.open_registry(db_path).conn.close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db_path, "150", str(n)]) for n in range(2)]
    copies = []
    try:
        while any(w.poll() is None for w in writers) or len(copies) < 3:
            dest = tmp_path / f"copy{len(copies)}.db"
            result = run("backup", str(dest))
            assert result.exit_code == 0, result.output
            copies.append(dest)
            time.sleep(0.2)
    finally:
        codes = [w.wait(timeout=120) for w in writers]
    assert codes == [0, 0]
    sizes = set()
    for dest in copies:
        assert not (tmp_path / (dest.name + "-wal")).exists()  # one self-contained file
        conn = sqlite3.connect(dest)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # a consistent moment: every claim has all of its rows or none (3 events, 1 source, version 3)
        claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM claims_fts").fetchone()[0] == claims
        assert conn.execute("SELECT count(*) FROM claim_events").fetchone()[0] == 3 * claims
        assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == claims
        assert conn.execute("SELECT count(*) FROM claims WHERE status != 'true' OR version != 3").fetchone()[0] == 0
        sizes.add(claims)
        conn.close()
        registry.open_registry(dest)  # opens as a registry
    assert len(sizes) > 1  # the copies were taken while the writers were writing
    assert max(sizes) <= 300


def test_backup_refuses_to_overwrite(tmp_path, example_db, run):
    dest = tmp_path / "copy.db"
    dest.write_text("keep me")
    result = run("backup", str(dest))
    assert result.exit_code == 1 and "already exists" in result.output
    assert dest.read_text() == "keep me"
    result = run("backup", str(dest), "--replace")
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(dest).execute("SELECT count(*) FROM claims").fetchone()[0] > 0

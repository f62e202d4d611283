"""Many writers at once while a real Datasette server reads: nothing lost, no lock error.

Runs scripts/many-writers with small numbers (4 processes x 30 operations: claims add,
source, status and extract through the CLI, with `claims serve` answering requests on
127.0.0.1), then checks the registry here as well, from the writers' own logs.
"""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # four writer processes and a server

SCRIPT = Path(__file__).parent.parent / "scripts" / "many-writers"


def test_many_writers_lose_nothing(tmp_path):
    db = tmp_path / "writers.db"
    result = subprocess.run([sys.executable, str(SCRIPT), "--processes", "4", "--ops", "30", "--db", str(db)],
                            capture_output=True, text=True, timeout=600)
    summary = json.loads(result.stdout)
    assert result.returncode == 0 and summary["ok"], summary["problems"] or result.stderr[-2000:]
    assert summary["failed"] == 0
    assert summary["datasette_answers"].get("200", 0) > 0 and set(summary["datasette_answers"]) == {"200"}

    records = [json.loads(line) for p in sorted((tmp_path / "writers-logs").glob("w*.jsonl"))
               for line in p.read_text().splitlines()]
    assert len(records) == 4 * 30
    assert not [r for r in records if "locked" in r.get("error", "")]
    conn = sqlite3.connect(db)
    added = [r for r in records if r["kind"] == "add"]
    assert added and all(
        conn.execute("SELECT text FROM claims WHERE id = ?", [r["claim_id"]]).fetchone() == (r["text"],) for r in added
    )
    for r in records:
        if r["kind"] == "status":
            # every status change left its history row
            assert conn.execute(
                "SELECT count(*) FROM claim_events WHERE claim_id = ? AND new_value = ? AND note = ?",
                [r["claim_id"], r["status"], f"op {r['op']}"],
            ).fetchone()[0] == 1
        if r["kind"] == "source":
            assert conn.execute("SELECT count(*) FROM sources WHERE claim_id = ? AND url = ?",
                                [r["claim_id"], r["url"]]).fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM claim_events WHERE claim_id = ? AND action = 'source-added' "
                                "AND new_value = ?", [r["claim_id"], r["url"]]).fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM claims").fetchone() == conn.execute(
        "SELECT count(*) FROM claims_fts").fetchone()

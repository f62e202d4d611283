"""SIGKILL at random points: the registry opens, is intact, and nothing is half-written.

`claims extract` of many articles is killed while it ingests (small batches so that
commits happen throughout, half the runs with the bulk path's trigger drop and recreate
forced on); every article must then be wholly present, with all its claims, their history
rows and their search-index rows, or absent. `claims import` of a large reviewer CSV is
killed likewise: all of its rows are applied, or none.
"""

import csv
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from claims import articles, registry, splitter

pytestmark = pytest.mark.slow  # kills of real processes at random points

# Runs the real CLI in a child process, with the registry's batch knobs turned down.
CHILD = (
    "import sys; from claims import registry; "
    "registry.BULK_BATCH_ARTICLES = int(sys.argv[1]); registry.BULK_MIN_CLAIMS = int(sys.argv[2]); "
    "from claims.cli import cli; cli(sys.argv[3:])"
)

TOPICS = ["the city budget", "hospital waiting times", "the school levy", "bus fares", "police overtime",
          "water prices", "the housing plan", "farm subsidies"]


def make_articles(folder, n=40, seed=5):
    rnd = random.Random(seed)
    paths = []
    for i in range(n):
        topic = rnd.choice(TOPICS)
        body = " ".join(
            f"Officials said {topic} rose {rnd.randint(2, 90)}% in {2000 + k} to ${rnd.randint(2, 900)} million, "
            f"according to report {i}-{k}." for k in range(rnd.randint(4, 10))
        )
        path = folder / f"article-{i:03}.txt"
        path.write_text(f"Report {i} on {topic}\n\n{body}\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def kill_at_random(args, delay, after_lines=0):
    """Run the CLI; after it has printed ``after_lines`` lines (one per article committed), wait
    ``delay`` seconds and SIGKILL it."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    for _ in range(after_lines):
        if not proc.stdout.readline():
            break
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    return proc.returncode


def check_intact(db_path):
    db = registry.open_registry(db_path)  # opens and migrates after the crash
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("INSERT INTO claims_fts (claims_fts, rank) VALUES ('integrity-check', 1)")  # raises if not
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"claims_ai", "claims_ad", "claims_au"} <= triggers
    assert db.execute("SELECT count(*) FROM claims").fetchone() == db.execute("SELECT count(*) FROM claims_fts").fetchone()
    return db


def test_extract_killed_at_random_points(tmp_path):
    db_path = str(tmp_path / "registry.db")
    registry.open_registry(db_path).conn.close()
    rnd = random.Random(11)
    expected = {}  # article text sha256 -> number of claims the splitter gives it
    partial_runs = 0
    for attempt in range(5):
        folder = tmp_path / f"run{attempt}"
        folder.mkdir()
        paths = make_articles(folder, n=40, seed=attempt)
        mine = set()
        for p in paths:
            extraction = splitter.extract(articles.read_article(p).text)
            sha = registry.sha256(extraction.text)
            expected[sha] = len(extraction.claims())
            mine.add(sha)
        bulk_min = "1" if attempt % 2 else "2000"  # odd runs: drop/recreate the FTS trigger every batch
        kill_at_random(["3", bulk_min, "extract", *paths, "--db", db_path], rnd.uniform(0, 0.15),
                       after_lines=rnd.randint(1, 25))
        db = check_intact(db_path)
        stored = set()
        for article_id, sha in db.execute("SELECT id, sha256 FROM articles"):
            n = db.execute("SELECT count(*) FROM claims WHERE article_id = ?", [article_id]).fetchone()[0]
            assert n == expected[sha], f"article {article_id}: {n} of {expected[sha]} claims"
            created = db.execute(
                "SELECT count(*) FROM claim_events e JOIN claims c ON c.id = e.claim_id "
                "WHERE c.article_id = ? AND e.action = 'created'", [article_id]).fetchone()[0]
            assert created == n
            stored.add(sha)
        partial_runs += 0 < len(stored & mine) < len(mine)
        db.conn.close()
    assert partial_runs, "no run was killed in the middle of ingesting"
    paths = [str(p) for p in sorted(tmp_path.glob("run*/*.txt"))]
    result = subprocess.run([sys.executable, "-c", CHILD, "3", "1", "extract", *paths, "--db", db_path],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    db = check_intact(db_path)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(expected)
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == sum(expected.values())


@pytest.fixture
def review_csv(tmp_path):
    """A registry of 3,000 claims and a reviewer's CSV that puts every one in review."""
    db_path = str(tmp_path / "registry.db")
    db = registry.open_registry(db_path)
    items = []
    for a in range(30):
        sentences = [f"Spending on item {a}-{k} rose {k + 3}% to ${a + k + 10} million in {1990 + k}." for k in range(100)]
        text = " ".join(sentences)
        claims, pos = [], 0
        for s in sentences:
            claims.append({"text": s, "sentence": s, "start": pos, "end": pos + len(s), "checkable": 1,
                           "checkworthiness": 0.7, "claim_type": "quantity"})
            pos += len(s) + 1
        items.append(({"text": text, "title": f"Budget {a}"}, claims))
    registry.add_articles(db, items, provenance=splitter.provenance())
    db.conn.close()
    export = tmp_path / "review.csv"
    subprocess.run([sys.executable, "-m", "claims", "export", "-o", str(export), "--db", db_path], check=True,
                   capture_output=True)
    with open(export, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        row["new_status"], row["note"], row["reviewer"] = "in-review", "picked up", "rita"
    with open(export, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return db_path, str(export), len(rows)


def test_import_killed_at_random_points(review_csv):
    db_path, path, n = review_csv
    assert n == 3000
    rnd = random.Random(3)
    # how long a whole import takes here, on a copy: the kills land across that span
    copy = db_path + ".copy"
    shutil.copy(db_path, copy)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "claims", "import", path, "--db", copy], check=True, capture_output=True)
    duration = time.perf_counter() - t
    for _ in range(5):
        kill_at_random(["500", "2000", "import", path, "--db", db_path], rnd.uniform(0.4, 1.0) * duration)
        db = check_intact(db_path)
        in_review = db.execute("SELECT count(*) FROM claims WHERE status = 'in-review'").fetchone()[0]
        events = db.execute("SELECT count(*) FROM claim_events WHERE new_value = 'in-review'").fetchone()[0]
        assert in_review in (0, n), f"{in_review} of {n} rows applied: the import was not atomic"
        assert events == in_review
        db.conn.close()
        if in_review:
            break
    result = subprocess.run([sys.executable, "-m", "claims", "import", path, "--db", db_path],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    db = check_intact(db_path)
    assert db.execute("SELECT count(*) FROM claims WHERE status = 'in-review'").fetchone()[0] == n
    assert db.execute("SELECT count(*) FROM claim_events WHERE new_value = 'in-review'").fetchone()[0] == n

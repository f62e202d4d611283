"""claim_counts (migration m004): the per-value counts of the claims table's facet columns,
kept in step by triggers, which the Datasette plugin serves as the unfiltered facets."""

from claims import registry
from claims.migrations import COUNTED_COLUMNS, PER_STATUS_COLUMNS, refresh_claim_counts, refresh_claim_status_counts


def stored(db) -> dict:
    """claim_counts and claim_status_counts (m005) as one dict."""
    out = {(f, v): n for f, v, n in db.execute("select facet, value, n from claim_counts")}
    out.update({(s, f, v): n for s, f, v, n in db.execute("select status, facet, value, n from claim_status_counts")})
    return out


def recounted(db) -> dict:
    out = {}
    for col in COUNTED_COLUMNS:
        for v, n in db.execute(f"select {col}, count(*) from claims where {col} is not null group by {col}"):
            out[(col, v)] = n
    for col in PER_STATUS_COLUMNS:
        for s, v, n in db.execute(f"select status, {col}, count(*) from claims where {col} is not null group by 1, 2"):
            out[(s, col, v)] = n
    return out


def article(i, n):
    text = " ".join(f"Sentence {i} number {j} says the rate rose {j}%." for j in range(n))
    claims, pos = [], 0
    for j in range(n):
        s = f"Sentence {i} number {j} says the rate rose {j}%."
        claims.append({"text": s, "sentence": s, "start": pos, "end": pos + len(s),
                       "claimant": None if j % 3 else f"Person {j % 2}", "claim_type": "quantity",
                       "checkable": 1, "checkworthiness": 0.7})
        pos += len(s) + 1
    return {"title": f"Article {i}", "text": text}, claims


def test_counts_follow_every_write(db):
    assert stored(db) == recounted(db) and stored(db)
    claim_id, _ = registry.add_claim(db, "Unemployment fell to 3.5% in 2019", claimant="A. Senator")
    assert stored(db)[("claimant", "A. Senator")] == 1
    assert stored(db) == recounted(db)
    registry.set_status(db, claim_id, "in-review", actor="alice")
    registry.set_status(db, claim_id, "unproven", actor="alice")
    assert stored(db) == recounted(db)
    assert stored(db)[("status", "unproven")] == 1
    assert stored(db)[("unproven", "claimant", "A. Senator")] == 1
    assert ("in-review", "claimant", "A. Senator") not in stored(db)
    db.execute("update claims set claimant = 'Someone else', claim_type = null where id = ?", [claim_id])
    counts = stored(db)
    assert counts == recounted(db)
    assert ("claimant", "A. Senator") not in counts  # a value that reaches 0 is dropped
    assert counts[("article_id", 1)] == db.execute("select count(*) from claims where article_id = 1").fetchone()[0]
    with db.conn:
        db.execute("pragma foreign_keys = off")
        db.execute("delete from claims where id = ?", [claim_id])
    assert stored(db) == recounted(db)
    assert ("claimant", "Someone else") not in stored(db)


def test_bulk_path_keeps_counts(tmp_path):
    db = registry.open_registry(str(tmp_path / "bulk.db"))
    # 2,400 claims in one batch: over registry.BULK_MIN_CLAIMS, the set-based path
    assert registry.BULK_MIN_CLAIMS <= 2400
    results = registry.add_articles(db, [article(i, 40) for i in range(60)])
    assert len(results) == 60
    assert db.execute("select count(*) from claims").fetchone()[0] == 2400
    assert stored(db) == recounted(db)
    assert stored(db)[("status", "unreviewed")] == 2400
    # the insert trigger is back after the bulk batch: a single claim still counts
    registry.add_claim(db, "Crime fell by 12% last year", claimant="Person 0")
    assert stored(db) == recounted(db)
    assert {r[0] for r in db.execute("select name from sqlite_master where type = 'trigger'")} >= {
        "claim_counts_ai", "claim_counts_au", "claim_counts_ad",
        "claim_status_counts_ai", "claim_status_counts_au", "claim_status_counts_ad"}


def test_refresh_rebuilds_from_claims(db):
    want = recounted(db)
    db.execute("update claim_counts set n = n + 5")
    db.execute("update claim_status_counts set n = n + 5")
    refresh_claim_counts(db)
    refresh_claim_status_counts(db)
    assert stored(db) == want


def test_migration_counts_existing_claims(tmp_path):
    """A registry made before m004 gets its counts when it is opened."""
    path = str(tmp_path / "old.db")
    db = registry.open_registry(path)
    registry.add_claim(db, "Taxes rose 4% in 2020", claimant="The mayor")
    for table in ("claim_counts", "claim_status_counts"):
        db.execute(f"drop table {table}")
        for name in ("ai", "au", "ad"):
            db.execute(f"drop trigger {table}_{name}")
    db.execute("delete from _sqlite_migrations where name in ('m004_claim_counts', 'm005_claim_status_counts')")
    db.conn.commit()
    db.conn.close()
    db = registry.open_registry(path)
    assert stored(db) == recounted(db)
    assert stored(db)[("claimant", "The mayor")] == 1
    assert stored(db)[("unreviewed", "claimant", "The mayor")] == 1

import sqlite3

import pytest
from sqlmodel import Session, SQLModel, select

from claims import models, registry
from claims.migrations import migrations


def test_models_match_migrated_tables(db_path):
    db = registry.open_registry(db_path)
    for table in SQLModel.metadata.sorted_tables:
        assert db[table.name].exists(), table.name
        assert set(db[table.name].columns_dict) == {c.name for c in table.columns}, table.name


def test_foreign_keys(db_path):
    db = registry.open_registry(db_path)
    fks = {(fk.table, fk.column, fk.other_table) for t in ("claims", "sources", "claim_events") for fk in db[t].foreign_keys}
    assert ("claims", "article_id", "articles") in fks
    assert ("claims", "status", "statuses") in fks
    assert ("sources", "claim_id", "claims") in fks
    assert ("claim_events", "claim_id", "claims") in fks


def test_wal_and_migrations_recorded(db_path):
    db = registry.open_registry(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = [m.name for m in migrations.applied(db)]
    assert applied[0] == "m001_initial"
    assert migrations.pending(db) == []
    # opening again applies nothing twice
    registry.open_registry(db_path)
    assert [m.name for m in migrations.applied(db)] == applied


def test_statuses_vocabulary(db_path):
    db = registry.open_registry(db_path)
    names = [r["name"] for r in db.query("select name from statuses order by sort_order")]
    for required in ["unreviewed", "in-review", "true", "mostly-true", "misleading", "mostly-false",
                     "false", "unproven", "not-checkable"]:
        assert required in names
    assert names[0] == "unreviewed"


def test_unknown_status_refused_by_the_database(db):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE claims SET status = 'bogus' WHERE id = 1")


def test_history_is_append_only(db):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE claim_events SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM claim_events")


def test_fts_triggers_keep_search_in_step(db):
    assert db["claims"].detect_fts() == "claims_fts"
    triggers = {t.name for t in db.triggers}
    assert {"claims_ai", "claims_ad", "claims_au"} <= triggers
    claim_id, _ = registry.add_claim(db, "Zanzibar exports cloves")
    assert [r["id"] for r in registry.search(db, "zanzibar")] == [claim_id]
    with registry.write(db):
        db.execute("UPDATE claims SET text = 'Quokkas live on Rottnest' WHERE id = ?", [claim_id])
    assert list(registry.search(db, "zanzibar")) == []
    assert [r["id"] for r in registry.search(db, "quokkas")] == [claim_id]


def test_sqlmodel_reads_the_registry(example_db):
    with Session(registry.engine(example_db)) as session:
        claim = session.exec(select(models.Claim).where(models.Claim.status == "unreviewed")).first()
        assert claim is not None and claim.text
        assert session.exec(select(models.Status).where(models.Status.name == "false")).one().rating_value == 1

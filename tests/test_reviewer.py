"""Every change has a name: --by, else CLAIMS_USER, else `claims config user NAME`, else refused."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from claims import config, matching, registry, repeats
from claims.cli import cli
from conftest import EXAMPLE, dump

COURT = "https://www.courtlistener.com/docket/1/"


@pytest.fixture
def nobody(monkeypatch, tmp_path):
    """No CLAIMS_USER and an empty config folder: no name is available."""
    monkeypatch.delenv("CLAIMS_USER", raising=False)
    monkeypatch.setenv("CLAIMS_CONFIG_DIR", str(tmp_path / "config"))


def _link(db_path) -> int:
    conn = sqlite3.connect(db_path)
    with conn:
        cur = conn.execute("INSERT INTO claim_links (claim_id, match_kind, match_id, score, created_at) "
                           "VALUES (1, 'claim', 2, 0.9, '2026-01-01T00:00:00.000+00:00')")
    conn.close()
    return cur.lastrowid


def _review_csv(run, tmp_path, **cells) -> str:
    out = tmp_path / "review.csv"
    assert run("export", "-o", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO("\n".join(lines) + "\n")))
    rows[0].update(cells)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return str(out)


WRITES = [
    ("status", ["status", "2", "in-review"]),
    ("source add", ["source", "2", COURT]),
    ("source remove", ["source", "2", "--remove", "1"]),
    ("add", ["add", "Unemployment fell to 3.5% in 2019"]),
    ("link confirm", ["link", "confirm", "LINK"]),
    ("link reject", ["link", "reject", "LINK"]),
    ("edit", ["edit", "2", "--claimant", "The judge"]),
    ("assign", ["assign", "2", "--to", "bob"]),
    ("extract", ["extract", "ARTICLE2"]),
]


@pytest.mark.parametrize("name,args", WRITES, ids=[w[0] for w in WRITES])
def test_a_write_with_no_name_is_refused(example_db, run, nobody, tmp_path, name, args):
    registry.open_registry(example_db)  # migrated: a refusal must leave the file exactly as it is
    if name == "source remove":  # a source to remove, added with a name
        registry.add_source(registry.open_registry(example_db), 2, COURT, actor="alice")
    link_id = _link(example_db) if name.startswith("link") else None
    second = tmp_path / "second.txt"
    second.write_text("The council spent £4m on the bridge in 2019, the mayor said.\n")
    args = [str(link_id) if a == "LINK" else str(second) if a == "ARTICLE2" else a for a in args]
    before = dump(example_db)
    result = run(*args)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "--by NAME" in errors[0] and "claims config user" in errors[0], result.output
    assert "CLAIMS_USER" in errors[0]
    assert dump(example_db) == before


def test_an_import_with_no_name_is_refused(example_db, run, nobody, tmp_path):
    path = _review_csv(run, tmp_path, new_status="in-review")
    before = dump(example_db)
    result = run("import", path)
    assert result.exit_code == 1
    assert "claims config user NAME" in result.output
    assert dump(example_db) == before
    # the reviewer column names it
    path = _review_csv(run, tmp_path, new_status="in-review", reviewer="carol")
    assert run("import", path).exit_code == 0
    assert registry.history(registry.open_registry(example_db), 1)[-1]["actor"] == "carol"


@pytest.mark.parametrize("args", [
    ["status", "2", "in-review", "--by", "  "],
    ["source", "2", COURT, "--by", ""],
    ["add", "Crime fell by 12% last year", "--by", " "],
    ["edit", "2", "--claimant", "The judge", "--by", ""],
    ["import", "REVIEW", "--by", " "],
])
def test_a_blank_by_is_an_error_even_with_a_name_available(example_db, run, tmp_path, args):
    registry.open_registry(example_db)
    if "REVIEW" in args:
        args = [_review_csv(run, tmp_path, new_status="in-review") if a == "REVIEW" else a for a in args]
    before = dump(example_db)
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: --by is blank")
    assert dump(example_db) == before


def test_the_saved_name_then_the_environment_then_by(example_db, run, nobody, monkeypatch):
    def cfg(*args):
        return CliRunner().invoke(cli, ["config", "user", *args])

    assert cfg().exit_code == 1  # nothing saved yet
    result = cfg("  Alice Example ")
    assert result.exit_code == 0, result.output
    assert config.config_path().exists()
    assert json.loads(config.config_path().read_text())["user"] == "Alice Example"
    assert "Alice Example" in cfg().output
    assert run("status", "2", "in-review").exit_code == 0
    monkeypatch.setenv("CLAIMS_USER", "env-bob")
    assert run("status", "2", "unproven").exit_code == 0
    assert run("status", "2", "in-review", "--by", "carol").exit_code == 0
    actors = [e["actor"] for e in registry.history(registry.open_registry(example_db), 2)]
    assert actors[1:] == ["Alice Example", "env-bob", "carol"]
    assert cfg(" ").exit_code == 1  # a blank name is not saved
    assert "env-bob" in cfg().output  # the environment wins, and says so


def test_a_broken_config_file_is_one_error(example_db, run, nobody):
    config.config_path().parent.mkdir(parents=True)
    config.config_path().write_text("{not json")
    result = run("status", "2", "in-review")
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "config.json" in result.output


def test_library_writes_follow_the_same_rule(example_db, nobody):
    db = registry.open_registry(example_db)
    with pytest.raises(registry.RegistryError, match="who is making this change"):
        registry.set_status(db, 2, "in-review")
    with pytest.raises(registry.RegistryError, match="who is making this change"):
        registry.add_note(db, 2, "a note")
    with pytest.raises(registry.RegistryError, match="who is making this change"):
        registry.add_articles(db, [({"text": "Another text."}, [])])
    with pytest.raises(registry.RegistryError, match="who is making this change"):
        matching.decide_link(db, _link(example_db), "confirmed")
    with pytest.raises(registry.RegistryError, match="who is making this change"):
        repeats.split(db, 2)
    with pytest.raises(registry.RegistryError, match="who is making this change"):
        repeats.group_new_claims(db, [2])


def test_every_history_row_has_an_actor(example_db, run, tmp_path):
    run("status", "2", "in-review")
    run("source", "3", COURT, "--stance", "supports")
    run("status", "3", "true")
    run("add", "Unemployment fell to 3.5% in 2019")
    run("extract", str(EXAMPLE), "--title", "again")  # the same text: nothing new
    conn = sqlite3.connect(example_db)
    actors = [r[0] for r in conn.execute("SELECT actor FROM claim_events")]
    assert actors and all(a == "tester" for a in actors)
    assert conn.execute("SELECT count(*) FROM sources WHERE added_by IS NULL").fetchone()[0] == 0

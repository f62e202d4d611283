"""Triage: one filter builder for list, export and ClaimReview; sorting; tables that wrap;
read-only commands that refuse a missing registry; hand-added claims scored; assignment."""

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from claims import registry, splitter
from claims.cli import cli
from conftest import dump

COURT = "https://www.courtlistener.com/docket/1/"
PUBLISHER = ["--publisher-name", "Example Fact Check", "--publisher-url", "https://factcheck.example.org"]


def listed(run, *args) -> list[int]:
    result = run("list", *args)
    assert result.exit_code == 0, result.output
    return [r["id"] for r in json.loads(result.output)]


def exported(run, *args) -> list[int]:
    result = run("export", *args)
    assert result.exit_code == 0, result.output
    return [int(r["id"]) for r in csv.DictReader(io.StringIO(result.output))]


def _claimant_of(db_path, claim_id):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT claimant FROM claims WHERE id = ?", [claim_id]).fetchone()[0]
    finally:
        conn.close()


def _prepare(example_db, run):
    run("assign", "3", "5", "7", "--to", "bob")
    run("status", "5", "in-review")
    run("source", "3", COURT, "--stance", "refutes")
    run("status", "3", "false")
    run("source", "7", COURT, "--stance", "supports")
    run("status", "7", "true")


FILTERS = [
    [],
    ["--sort", "checkworthiness"],
    ["--sort", "checkworthiness", "--reverse"],
    ["--sort", "added", "--reverse"],
    ["--sort", "updated"],
    ["--status", "false", "--status", "true"],
    ["--assigned", "bob", "--sort", "updated"],
    ["--claim-type", "quantity", "--sort", "checkworthiness"],
    ["--min-checkworthiness", "0.9"],
    ["--since", "2000-01-01", "--article", "1"],
    ["--claimant", "CLAIMANT"],
]


@pytest.mark.parametrize("args", FILTERS, ids=[" ".join(a) or "none" for a in FILTERS])
def test_list_and_export_choose_the_same_claims_in_the_same_order(example_db, run, args):
    _prepare(example_db, run)
    args = [_claimant_of(example_db, 12) or "nobody" if a == "CLAIMANT" else a for a in args]
    ids = listed(run, *args)
    assert ids == exported(run, *args)
    assert ids == [int(i) for i in (json.loads(run("export", "--format", "json", *args).output) and
                                    [r["id"] for r in json.loads(run("export", "--format", "json", *args).output)])]
    # ClaimReview: the verdicts among them, in the same order
    reviews = json.loads(run("export", "--format", "claimreview", *PUBLISHER, *args).output)
    verdicts = {3, 7}
    assert [int(r["url"].rsplit("/", 1)[1]) for r in reviews] == [i for i in ids if i in verdicts]


def test_sorts_and_filters_mean_what_they_say(example_db, run):
    _prepare(example_db, run)
    db = registry.open_registry(example_db)
    rows = {r["id"]: r for r in db.query("SELECT * FROM claims")}
    by_score = listed(run, "--sort", "checkworthiness")
    scores = [rows[i]["checkworthiness"] for i in by_score]
    assert scores == sorted(scores, reverse=True) and len(by_score) == len(rows)
    assert listed(run, "--sort", "checkworthiness", "--reverse") == by_score[::-1]
    assert listed(run, "--sort", "updated")[:3] == [7, 3, 5]  # the latest changed first
    assert listed(run, "--assigned", "bob") == [3, 5, 7]
    assert listed(run, "--assigned", "nobody-at-all") == []
    claimant = _claimant_of(example_db, 12)
    assert claimant
    assert listed(run, "--claimant", claimant.upper()) == sorted(i for i, r in rows.items() if r["claimant"] == claimant)
    assert all(rows[i]["checkworthiness"] >= 0.9 for i in listed(run, "--min-checkworthiness", "0.9"))


@pytest.mark.parametrize("args,message", [
    (["--claim-type", "opinion"], "unknown claim type 'opinion'"),
    (["--min-checkworthiness", "2"], "between 0 and 1"),
    (["--since", "last week"], "--since must be a date"),
    (["--status", "done"], "unknown status 'done'"),
])
@pytest.mark.parametrize("command", ["list", "export"])
def test_bad_filters_are_one_error(example_db, run, command, args, message):
    result = run(command, *args)
    assert result.exit_code == 1 and message in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: ")


def test_table_wraps_long_text_instead_of_cutting_it(example_db, run):
    text = registry.get_claim(registry.open_registry(example_db), 2)["text"]
    assert len(text) > 80
    table = run("list", "--table", "--width", "30").output
    assert "…" not in table
    assert " ".join(table.split()).count(" ".join(text.split()[:3])) >= 1
    # every word of the claim is in the table, and no line of its column is over 30 characters
    words = set(" ".join(table.split()).split())
    assert set(text.split()) <= words


@pytest.mark.parametrize("args", [["list"], ["show", "1"], ["history", "1"], ["search", "judge"], ["export"],
                                  ["lint", *PUBLISHER], ["status", "1", "in-review"], ["edit", "1", "--text", "x"],
                                  ["source", "1", "--list"]])
def test_commands_refuse_a_registry_that_does_not_exist(tmp_path, args):
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(cli, [*args, "--db", str(missing)])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1] == f"Error: no registry at {missing}"
    assert not missing.exists()


def test_a_hand_added_claim_is_scored_as_extract_scores_it(run, db_path):
    text = "Unemployment fell to 3.5% in 2019"
    assert run("add", text).exit_code == 0
    row = registry.get_claim(registry.open_registry(db_path), 1)
    expected = splitter.score(text)
    assert row["checkworthiness"] == pytest.approx(expected["checkworthiness"])
    assert row["claim_type"] == expected["claim_type"] and row["checkable"] == int(expected["checkable"])
    assert row["model"] == splitter.provenance()["model"] and row["extractor"] == "manual"


def test_show_prints_a_page(example_db, run):
    run("source", "2", COURT, "--title", "The order")
    run("assign", "2", "--to", "bob")
    page = run("show", "2", "--width", "60").output
    claim = registry.get_claim(registry.open_registry(example_db), 2)
    assert page.startswith("Claim 2  [unreviewed]")
    assert "»" in page and "«" in page  # the claim's sentence marked in its context
    assert COURT in page and "Assigned to: bob" in page
    assert "tester  created" in page and "assigned" in page
    assert all(len(line) <= 60 for line in page.splitlines() if "http" not in line), page
    assert claim["text"].split()[0] in page


# --- assignment ----------------------------------------------------------------------------


def test_assign_records_history_and_shows_everywhere(example_db, run, tmp_path):
    result = run("assign", "3", "4", "--to", "bob", "--by", "alice", "--note", "yours")
    assert result.exit_code == 0 and "2 claims assigned to bob" in result.output
    assert listed(run, "--assigned", "bob") == [3, 4]
    claim = json.loads(run("show", "3", "--json").output)
    assert claim["assignee"] == "bob" and claim["version"] == 1  # an assignment is no change to the claim
    assert [(e["action"], e["old_value"], e["new_value"], e["actor"], e["note"]) for e in claim["history"]][-1] == (
        "assigned", None, "bob", "alice", "yours")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(run("export").output))}
    assert rows["3"]["assignee"] == "bob" and rows["5"]["assignee"] == ""
    again = run("assign", "3", "--to", "carol")
    assert again.exit_code == 0
    assert registry.history(registry.open_registry(example_db), 3)[-1]["old_value"] == "bob"
    assert run("assign", "3", "--unassign").exit_code == 0
    assert registry.get_claim(registry.open_registry(example_db), 3)["assignee"] is None

    import asyncio

    from datasette.app import Datasette

    async def page():
        return await Datasette([example_db]).client.get("/registry/claims/4")

    assert "Assigned to <strong>bob</strong>" in asyncio.run(page()).text


@pytest.mark.parametrize("args,message", [
    (["assign", "3", "999", "--to", "bob"], "no claim with id 999"),
    (["assign", "3", "--to", " "], "--to is blank"),
])
def test_bad_assignments_write_nothing(example_db, run, args, message):
    registry.open_registry(example_db)
    before = dump(example_db)
    result = run(*args)
    assert result.exit_code == 1 and message in result.output
    assert dump(example_db) == before

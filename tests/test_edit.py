"""Corrections with history: claims edit, and the new_claim/new_claimant/new_claim_type CSV columns."""

import csv
import json
import sqlite3

import pytest

from claims import registry
from conftest import dump

COURT = "https://www.courtlistener.com/docket/1/"
PUBLISHER = ["--publisher-name", "Example Fact Check", "--publisher-url", "https://factcheck.example.org"]


def shown(run, claim_id) -> dict:
    result = run("show", str(claim_id), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def fts_ids(db_path, word) -> set:
    conn = sqlite3.connect(db_path)
    try:
        return {r[0] for r in conn.execute("SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?", [word])}
    finally:
        conn.close()


def test_edit_records_each_change_and_keeps_the_sentence(example_db, run):
    before = shown(run, 2)
    result = run("edit", "2", "--claimant", "Judge Dabney Friedrich", "--text", "A zebrafish ruling was issued",
                 "--note", "the order names her", "--by", "alice")
    assert result.exit_code == 0, result.output
    after = shown(run, 2)
    assert after["text"] == "A zebrafish ruling was issued" and after["claimant"] == "Judge Dabney Friedrich"
    assert after["version"] == before["version"] + 1  # one edit, one version
    assert (after["sentence"], after["start"], after["end"]) == (before["sentence"], before["start"], before["end"])
    assert after["context"]["span"] == after["sentence"]
    events = [(e["action"], e["old_value"], e["new_value"], e["actor"], e["note"]) for e in after["history"][1:]]
    assert events == [
        ("edit-text", before["text"], "A zebrafish ruling was issued", "alice", "the order names her"),
        ("edit-claimant", before["claimant"], "Judge Dabney Friedrich", "alice", "the order names her"),
    ]
    assert fts_ids(example_db, "zebrafish") == {2}  # the search index follows the new text
    found = json.loads(run("search", "zebrafish").output)
    assert [r["id"] for r in found] == [2]
    # the same edit again changes nothing
    again = run("edit", "2", "--claimant", "Judge Dabney Friedrich", "--by", "alice")
    assert "nothing changed" in again.output and shown(run, 2)["version"] == after["version"]


def test_not_a_claim_and_claim_type(example_db, run):
    assert run("edit", "3", "--not-a-claim", "--note", "a headline").exit_code == 0
    c = shown(run, 3)
    assert (c["claim_type"], c["checkable"]) == ("not a claim", 0)
    assert run("edit", "3", "--claim-type", "Quantity").exit_code == 0
    c = shown(run, 3)
    assert (c["claim_type"], c["checkable"]) == ("quantity", 1)
    actions = [e["action"] for e in c["history"]]
    assert actions.count("edit-claim-type") == 2 and actions.count("edit-checkable") == 2
    assert run("edit", "3", "--claimant", "").exit_code == 0  # an empty claimant clears it
    assert shown(run, 3)["claimant"] is None


@pytest.mark.parametrize("args,message", [
    (["edit", "999", "--text", "x"], "no claim with id 999"),
    (["edit", "abc", "--text", "x"], "claim id must be a number"),
    (["edit", "2", "--text", "   "], "--text is empty"),
    (["edit", "2", "--text", "x" * 2001], "at most 2,000"),
    (["edit", "2", "--claim-type", "opinion"], "unknown claim type 'opinion'"),
    (["edit", "2", "--claimant", "A judge", "--by", " "], "--by is blank"),
    (["edit", "2", "--not-a-claim", "--claim-type", "quantity"], "contradict"),
    (["edit", "2"], "nothing to edit"),
])
def test_bad_edits_write_nothing(example_db, run, args, message):
    registry.open_registry(example_db)
    before = dump(example_db)
    result = run(*args)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output
    assert dump(example_db) == before


def test_edit_of_a_missing_registry_creates_none(tmp_path, run):
    from click.testing import CliRunner
    from claims.cli import cli

    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(cli, ["edit", "1", "--text", "x", "--db", str(missing)])
    assert result.exit_code == 1 and str(missing) in result.output
    assert not missing.exists()


# --- the CSV -----------------------------------------------------------------------------


def _export(run, path):
    assert run("export", "-o", str(path)).exit_code == 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def _write(path, fields, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_csv_corrections_are_applied_with_history(example_db, run, tmp_path):
    fields, rows = _export(run, tmp_path / "review.csv")
    assert {"new_claim", "new_claimant", "new_claim_type", "assignee"} <= set(fields)
    old = shown(run, 4)
    rows[3].update(new_claim="The memo covers 7 million quokkas", new_claimant="The IRS",
                   new_claim_type="quantity", note="shorter", reviewer="carol")
    path = _write(tmp_path / "edited.csv", fields, rows)
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert "1 corrections" in result.output
    c = shown(run, 4)
    assert (c["text"], c["claimant"], c["claim_type"]) == ("The memo covers 7 million quokkas", "The IRS", "quantity")
    assert c["version"] == old["version"] + 1 and c["sentence"] == old["sentence"]
    edits = [(e["action"], e["old_value"], e["new_value"], e["actor"], e["note"]) for e in c["history"]
             if e["action"].startswith("edit-")]
    assert ("edit-text", old["text"], "The memo covers 7 million quokkas", "carol", "shorter") in edits
    assert ("edit-claimant", old["claimant"], "The IRS", "carol", "shorter") in edits
    assert not [e for e in c["history"] if e["action"] == "note"]  # the note went with the edits
    assert fts_ids(example_db, "quokkas") == {4}
    # importing the same file again changes nothing
    again = run("import", path)
    assert again.exit_code == 0 and "0 claims changed" in again.output
    assert shown(run, 4)["version"] == c["version"]


def test_csv_correction_of_a_claim_changed_since_is_a_conflict(example_db, run, tmp_path):
    fields, rows = _export(run, tmp_path / "review.csv")
    assert run("edit", "4", "--claimant", "Someone else").exit_code == 0  # after the export
    rows[3].update(new_claimant="The IRS", reviewer="carol")
    path = _write(tmp_path / "edited.csv", fields, rows)
    before = dump(example_db)
    result = run("import", path)
    assert result.exit_code == 1 and "1 rows conflict" in result.output
    assert dump(example_db) == before
    assert run("import", path, "--force").exit_code == 0
    assert shown(run, 4)["claimant"] == "The IRS"


@pytest.mark.parametrize("cells,message", [
    ({"new_claim": "   "}, "column new_claim: new_claim is blank"),
    ({"new_claim": "y" * 2001}, "column new_claim: new_claim is 2,001 characters"),
    ({"new_claim_type": "opinion"}, "column new_claim_type: unknown claim type 'opinion'"),
])
def test_bad_csv_corrections_import_nothing(example_db, run, tmp_path, cells, message):
    fields, rows = _export(run, tmp_path / "review.csv")
    rows[0].update(new_status="in-review", reviewer="carol")  # a good row: not applied either
    rows[1].update(cells, reviewer="carol")
    path = _write(tmp_path / "bad.csv", fields, rows)
    before = dump(example_db)
    result = run("import", path)
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert [line for line in result.output.splitlines() if line.startswith("Error:")].__len__() == 1
    assert dump(example_db) == before


def test_claimreview_and_claim_page_use_corrected_values(example_db, run):
    assert run("source", "2", COURT, "--stance", "refutes").exit_code == 0
    assert run("status", "2", "false").exit_code == 0
    assert run("edit", "2", "--text", "The IRS gave ICE the data", "--claimant", "Department of Homeland Security"
               ).exit_code == 0
    items = json.loads(run("export", "--format", "claimreview", *PUBLISHER).output)
    item = next(i for i in items if i["url"].endswith("/claims/2"))
    assert item["claimReviewed"] == "The IRS gave ICE the data"
    assert item["itemReviewed"]["author"] == {"@type": "Organization", "name": "Department of Homeland Security"}

    import asyncio

    from datasette.app import Datasette

    async def page():
        ds = Datasette([example_db])
        return await ds.client.get("/registry/claims/2")

    html = asyncio.run(page()).text
    assert "The IRS gave ICE the data" in html and "Department of Homeland Security" in html

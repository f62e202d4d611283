"""Verdicts, sources and history: claims source --list/--remove, URL checks on every
write path, the export's filters and formats, the rating scale in Datasette."""

import asyncio
import csv
import io
import json

import pytest

from claims import exporting, registry
from conftest import EXAMPLE, dump

COURT = "https://www.courtlistener.com/docket/1/"


def _csv(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def test_source_list_and_remove_are_recorded(example_db, run):
    assert run("source", "2", COURT, "--stance", "supports", "--by", "alice").exit_code == 0
    assert run("source", "2", "https://www.irs.gov/x", "--kind", "official document", "--by", "alice").exit_code == 0
    listed = json.loads(run("source", "2", "--list").output)
    assert [(s["url"], s["stance"], s["added_by"]) for s in listed] == [
        (COURT, "supports", "alice"), ("https://www.irs.gov/x", "context", "alice")]
    table = run("source", "2", "--list", "--table").output
    assert "courtlistener" in table

    result = run("source", "2", "--remove", str(listed[1]["id"]), "--note", "Dead link", "--by", "bob")
    assert result.exit_code == 0, result.output
    assert [s["url"] for s in json.loads(run("source", "2", "--list").output)] == [COURT]
    history = json.loads(run("history", "2").output)
    removed = history[-1]
    assert (removed["action"], removed["actor"], removed["note"]) == ("source-removed", "bob", "Dead link")
    assert json.loads(removed["old_value"])["url"] == "https://www.irs.gov/x"
    assert json.loads(run("show", "2", "--json").output)["version"] == 4  # two adds and a removal


def test_source_usage_errors(example_db, run):
    assert run("source", "2").exit_code == 2
    assert run("source", "2", COURT, "--list").exit_code == 2


@pytest.mark.parametrize("args,message", [
    (["source", "2", "--remove", "99"], "no source with id 99"),
    (["source", "2", "--remove", "x"], "must be a number"),
    (["source", "3", "--remove", "1"], "belongs to claim 2"),
    (["source", "99", "--list"], "no claim with id 99"),
    (["source", "2", "--remove", "1"], "last source of claim 2"),
    (["source", "2", "--remove", "1", "--force"], "--note"),
])
def test_source_refusals_leave_registry_unchanged(example_db, run, args, message):
    run("source", "2", COURT, "--by", "alice")
    run("status", "2", "true", "--by", "alice")
    before = dump(example_db)
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert dump(example_db) == before


def test_forced_removal_of_last_source_is_recorded(example_db, run):
    run("source", "2", COURT, "--by", "alice")
    run("status", "2", "true", "--by", "alice")
    result = run("source", "2", "--remove", "1", "--force", "--note", "Court sealed the docket", "--by", "carol")
    assert result.exit_code == 0, result.output
    last = json.loads(run("history", "2").output)[-1]
    assert (last["action"], last["actor"], last["note"]) == ("source-removed-forced", "carol", "Court sealed the docket")


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "www.example.com", "https://", "http://exa mple.com/",
                                 "file:///etc/passwd", "mailto:someone@example.com"])
def test_every_write_path_validates_urls(example_db, run, db, bad):
    before = dump(example_db)
    for args in (["source", "1", bad], ["add", "A hand-added claim", "--source", bad]):
        result = run(*args)
        assert result.exit_code == 1 and "not a valid http(s) URL" in result.output, (args, result.output)
    with pytest.raises(registry.RegistryError):
        registry.add_article(db, {"text": "Another article. It says 5% of 20 things.", "url": bad}, [])
    result = run("extract", str(EXAMPLE), "--url", bad)  # same text: would be a no-op, but the URL is checked
    assert result.exit_code == 1, result.output
    assert dump(example_db) == before


def test_extract_refuses_a_bad_article_url(run, db_path, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("The council raised parking fees by 40% in March, the mayor said.\n")
    result = run("extract", str(story), "--url", "not a url")
    assert result.exit_code == 1 and "not a valid http(s) URL" in result.output
    assert run("extract", str(story), "--url", "https://news.example.com/a").exit_code == 0


def test_export_filters(example_db, run, db):
    all_rows = _csv(run("export").output)
    assert len(all_rows) == db["claims"].count
    assert [int(r["version"]) for r in all_rows] == [1] * len(all_rows)

    run("status", "3", "in-review")
    rows = _csv(run("export", "--status", "in-review").output)
    assert [(r["id"], r["status"], r["version"]) for r in rows] == [("3", "in-review", "2")]

    scores = sorted(float(r["checkworthiness"]) for r in all_rows)
    cut = scores[len(scores) // 2]
    worthy = _csv(run("export", "--min-checkworthiness", str(cut)).output)
    assert worthy and all(float(r["checkworthiness"]) >= cut for r in worthy)
    assert len(worthy) == sum(s >= cut for s in scores)

    kind = all_rows[0]["claim_type"]
    typed = _csv(run("export", "--claim-type", kind).output)
    assert typed and {r["claim_type"] for r in typed} == {kind}
    assert len(typed) == sum(r["claim_type"] == kind for r in all_rows)

    assert len(_csv(run("export", "--article", "1").output)) == len(all_rows)
    assert _csv(run("export", "--article", "2").output) == []

    assert len(_csv(run("export", "--since", "2000-01-01").output)) == len(all_rows)
    assert _csv(run("export", "--since", "2999-01-01").output) == []
    created = db.execute("SELECT min(created_at) FROM claims").fetchone()[0]
    assert len(_csv(run("export", "--since", created).output)) == len(all_rows)


@pytest.mark.parametrize("args,message", [
    (["--since", "last week"], "--since"),
    (["--min-checkworthiness", "3"], "between 0 and 1"),
    (["--status", "bogus"], "unknown status"),
])
def test_export_bad_filters_write_no_file(example_db, run, tmp_path, args, message):
    out = tmp_path / "out.csv"
    result = run("export", "-o", str(out), *args)
    assert result.exit_code == 1 and message in result.output
    assert not out.exists() and list(tmp_path.glob(".out.csv*")) == []


def test_export_json_has_sources_as_objects(example_db, run):
    run("source", "2", COURT, "--stance", "supports", "--title", "Order")
    rows = json.loads(run("export", "--format", "json").output)
    two = next(r for r in rows if r["id"] == 2)
    assert two["version"] == 2
    assert [(s["url"], s["title"], s["stance"]) for s in two["sources"]] == [(COURT, "Order", "supports")]
    assert next(r for r in rows if r["id"] == 1)["sources"] == []
    assert "new_status" not in two


def test_export_csv_joins_sources_and_has_every_column(example_db, run):
    run("source", "2", COURT)
    run("source", "2", "https://www.irs.gov/x")
    rows = _csv(run("export").output)
    assert list(rows[0]) == exporting.EXPORT_COLUMNS
    assert next(r for r in rows if r["id"] == "2")["sources"] == f"{COURT} https://www.irs.gov/x"


@pytest.mark.parametrize("value,written", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-5%", "'-5%"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"), ("''-y", "'''-y"),
    ("'Tis true", "'Tis true"), ("plain", "plain"), ("'", "'"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise_is_undone_exactly(value, written):
    assert exporting.neutralise(value) == written
    assert exporting.unneutralise(written) == value


def test_history_is_oldest_first_and_append_only(example_db, run, db):
    run("status", "4", "in-review", "--by", "alice")
    run("source", "4", COURT, "--by", "bob")
    run("status", "4", "false", "--note", "Docket says otherwise", "--by", "alice")
    events = json.loads(run("history", "4").output)
    assert [(e["action"], e["actor"]) for e in events] == [
        ("created", "tester"), ("status", "alice"), ("source-added", "bob"), ("status", "alice")]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    import sqlite3

    for sql in ("UPDATE claim_events SET actor = 'mallory'", "DELETE FROM claim_events"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)


def test_rating_scale_is_documented_and_visible_in_datasette(example_db):
    from datasette.app import Datasette

    from claims.cli import datasette_metadata

    ds = Datasette([example_db], metadata=datasette_metadata("registry"), settings={"suggest_facets": False})
    page = asyncio.run(ds.client.get("/registry/statuses"))
    assert page.status_code == 200
    assert "1 = false" in page.text and "5 = true" in page.text
    rows = asyncio.run(ds.client.get("/registry/statuses.json?_shape=array")).json()
    ratings = {r["name"]: (r["rating_value"], r["best_rating"], r["worst_rating"], r["alternate_name"]) for r in rows}
    assert ratings["true"] == (5, 5, 1, "True")
    assert ratings["false"] == (1, 5, 1, "False")
    assert ratings["unproven"][0] is None
    verdicts = [r for r in rows if r["rating_value"] is not None]
    assert all(1 <= r["rating_value"] <= 5 for r in verdicts)
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "1-5" in readme and "ratingValue" in readme


def test_datasette_shows_who_changed_what(example_db, run):
    from datasette.app import Datasette

    from claims.cli import datasette_metadata

    run("source", "2", COURT, "--by", "alice")
    run("status", "2", "true", "--by", "alice")
    run("status", "3", "in-review", "--by", "bob")
    ds = Datasette([example_db], metadata=datasette_metadata("registry"), settings={"suggest_facets": False})
    alice = asyncio.run(ds.client.get("/registry/reviewer_activity.json?actor=alice&_shape=array")).json()
    assert [(r["claim_id"], r["action"], r["new_value"]) for r in alice] == [(2, "status", "true"), (2, "source-added", COURT)]
    everyone = asyncio.run(ds.client.get("/registry/reviewer_activity.json?actor=&_shape=array")).json()
    assert {r["actor"] for r in everyone} == {"alice", "bob"}
    assert asyncio.run(ds.client.get("/registry/reviewer_activity")).status_code == 200

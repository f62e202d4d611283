"""Repeated claims: a claim stored again from another article is an appearance of the first."""

import json

import pytest

from claims import registry, repeats
from conftest import dump

COURT = "https://www.courtlistener.com/docket/1/"
PUBLISHER = ["--publisher-name", "Example Fact Check", "--publisher-url", "https://factcheck.example.org"]
MEMORANDUM = ("An earlier memorandum of understanding between DHS and the IRS outlines a process to ensure that "
              "sensitive taxpayer data information is protected while allowing law enforcement to pursue criminal "
              "violations, a senior Treasury Department official said at the time the deal was reached in April.")
SECOND = f"Treasury deal under fire\n\n{MEMORANDUM}\n\nThe city council approved a new budget of $4 million for parks on Tuesday.\n"


def _memorandum_claims(db_path) -> list[int]:
    db = registry.open_registry(db_path)
    return [r["id"] for r in db.query("SELECT id FROM claims WHERE sentence = ? ORDER BY id", [MEMORANDUM])]


@pytest.fixture
def repeated(example_db, run, tmp_path):
    second = tmp_path / "second.txt"
    second.write_text(SECOND)
    result = run("extract", str(second), "--url", "https://www.example.org/second", "--outlet", "Other News",
                 "--published", "2025-05-20", "--by", "rita")
    assert result.exit_code == 0, result.output
    first, repeat = _memorandum_claims(example_db)
    assert f"claim {repeat} repeats claim {first}" in result.output
    return first, repeat


def test_a_second_article_repeating_a_sentence_gives_one_claim_seen_twice(example_db, run, repeated):
    first, repeat = repeated
    shown = json.loads(run("show", str(first), "--json").output)
    assert shown["seen"] == 2 and shown["repeat_of"] is None
    assert [(a["claim_id"], a["article_url"]) for a in shown["appearances"]] == [
        (first, "https://www.example.com/irs-dhs"), (repeat, "https://www.example.org/second")]
    listed = {r["id"]: r for r in json.loads(run("list").output)}
    assert listed[first]["seen"] == 2
    assert repeat not in listed  # reviewers work on the first claim
    assert repeat in {r["id"] for r in json.loads(run("list", "--repeats").output)}
    assert str(repeat) not in {r.split(",")[0] for r in run("export").output.splitlines()[1:]}
    other = json.loads(run("show", str(repeat), "--json").output)
    assert other["repeat_of"] == first and other["appearances"] == []
    # each side has an appearance event, under the name of who extracted it
    for claim_id, other_id in ((first, repeat), (repeat, first)):
        events = [e for e in registry.history(registry.open_registry(example_db), claim_id) if e["action"] == "appearance"]
        assert [(e["actor"], e["new_value"]) for e in events] == [("rita", str(other_id))]
    page = run("show", str(first)).output
    assert "Seen 2 times" in page and "Treasury deal under fire" in page

    import asyncio

    from datasette.app import Datasette

    async def pages():
        ds = Datasette([example_db])
        return (await ds.client.get(f"/registry/claims/{first}")).text, (await ds.client.get(f"/registry/claims/{repeat}")).text

    first_page, repeat_page = asyncio.run(pages())
    assert "Seen 2 times" in first_page and "https://www.example.org/second" in first_page
    assert f"Grouped as a repeat of <a href=\"/registry/claims/{first}\">claim {first}</a>" in repeat_page


def test_claimreview_lists_every_appearance(example_db, run, repeated):
    first, repeat = repeated
    assert run("source", str(first), COURT, "--stance", "supports").exit_code == 0
    assert run("status", str(first), "true").exit_code == 0
    items = json.loads(run("export", "--format", "claimreview", *PUBLISHER).output)
    assert [i["url"].rsplit("/", 1)[1] for i in items] == [str(first)]  # one review, the verdict shared
    appearance = items[0]["itemReviewed"]["appearance"]
    assert [a["url"] for a in appearance] == ["https://www.example.com/irs-dhs", "https://www.example.org/second"]
    assert appearance[1]["datePublished"] == "2025-05-20"
    assert appearance[1]["publisher"] == {"@type": "Organization", "name": "Other News"}
    lint = run("lint", *PUBLISHER)
    assert "appearance" not in lint.output


def test_a_reviewer_can_split_a_wrong_grouping(example_db, run, repeated):
    first, repeat = repeated
    result = run("ungroup", str(repeat), "--note", "another deal", "--by", "alice")
    assert result.exit_code == 0, result.output
    assert repeat in {r["id"] for r in json.loads(run("list").output)}
    assert json.loads(run("show", str(first), "--json").output)["seen"] == 1
    for claim_id, other in ((first, repeat), (repeat, first)):
        last = registry.history(registry.open_registry(example_db), claim_id)[-1]
        assert (last["action"], last["old_value"], last["actor"], last["note"]) == (
            "appearance-split", str(other), "alice", "another deal")
    # split stays split: the same pair is not grouped again
    db = registry.open_registry(example_db)
    assert repeats.group_new_claims(db, [repeat]) == []
    before = dump(example_db)
    again = run("ungroup", str(repeat))
    assert again.exit_code == 1 and f"claim {repeat} is not grouped" in again.output
    assert dump(example_db) == before


def test_different_figures_are_not_grouped(run, tmp_path, db_path):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("Bridge story\n\nThe council spent £4m on the new bridge in 2019, the auditor said.\n")
    two.write_text("Another bridge story\n\nThe council spent £4bn on the new bridge in 2019, the auditor said.\n")
    assert run("extract", str(one)).exit_code == 0
    result = run("extract", str(two))
    assert result.exit_code == 0 and "repeats claim" not in result.output
    assert all(r["seen"] == 1 for r in json.loads(run("list").output))


def test_a_hand_added_claim_that_repeats_one_is_grouped(example_db, run):
    (first,) = _memorandum_claims(example_db)
    text = registry.get_claim(registry.open_registry(example_db), first)["text"]
    result = run("add", text + " ")  # the same words, added by hand
    assert result.exit_code == 0, result.output
    assert f"repeats claim {first}" in result.output


def test_same_claim_rule():
    match = {"score": 0.97, "text": "We're the highest taxed nation in the world.",
             "why": {"meaning": 0.98, "names": []}}
    assert repeats.same_claim("We're the highest taxed nation in the world.", match)
    assert not repeats.same_claim("We're the highest taxed nation in the world.", {**match, "score": 0.8})
    assert not repeats.same_claim("We're the highest taxed nation in the world.",
                                  {**match, "why": {"meaning": 0.98, "disagree": ["4m vs 4bn"]}})
    assert not repeats.same_claim("We're the highest taxed nation in the world.", {**match, "why": {"meaning": 0.9}})
    assert not repeats.same_claim("Crime in the city rose sharply over the summer months, police said.", match)
    # without the embedding model: nearly the same words
    lexical = {"score": 0.9, "text": "We are the highest taxed nation in the world", "why": {}}
    assert repeats.same_claim("We are the highest taxed nation in the world.", lexical)

"""ClaimReview JSON-LD export and claims lint."""

import copy
import datetime
import json

import pytest

from claims import claimreview, registry
from conftest import EXAMPLE, dump

PUBLISHER = ["--publisher-name", "Example Fact Check", "--publisher-url", "https://www.factcheck.example.org"]
COURT = "https://www.courtlistener.com/docket/1/"


class Reviewed:
    """The example article (with a URL and date) and three verdicts on claims of it."""

    def __init__(self, db, true, misleading, unproven):
        self.db, self.true, self.misleading, self.unproven = db, true, misleading, unproven


@pytest.fixture
def reviewed(run, db_path):
    result = run("extract", str(EXAMPLE), "--url", "https://www.example.com/irs-dhs", "--outlet", "Fox News",
                 "--published", "2025-05-12")
    assert result.exit_code == 0, result.output
    db = registry.open_registry(db_path)
    # Claims added by hand to the article, so the test does not hang on what the splitter finds.
    true, _ = registry.add_claim(db, "A judge denied the injunction on Monday", article_id=1, sources=[COURT])
    misleading, _ = registry.add_claim(db, "The IRS will hand ICE every taxpayer's address", article_id=1,
                                       claimant="Tricia McLaughlin")
    unproven, _ = registry.add_claim(db, "The memo covers 7 million people", article_id=1,
                                     claimant="Department of Homeland Security")
    registry.set_status(db, true, "true", actor="alice")
    registry.add_source(db, misleading, COURT, stance="refutes", actor="alice")
    registry.set_status(db, misleading, "misleading", actor="alice")
    registry.set_status(db, unproven, "unproven", actor="bob")
    registry.set_status(db, 1, "in-review", actor="bob")  # not verdicts: not published
    registry.set_status(db, 2, "not-checkable", actor="bob")
    return Reviewed(db, true, misleading, unproven)


def _export(run, *args):
    result = run("export", "--format", "claimreview", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_verdict_becomes_a_claim_review(reviewed, run):
    r = reviewed
    items = _export(run, *PUBLISHER)
    assert [i["url"] for i in items] == [f"https://www.factcheck.example.org/claims/{n}"
                                         for n in (r.true, r.misleading, r.unproven)]
    by_id = {int(i["url"].rsplit("/", 1)[1]): i for i in items}
    true = by_id[r.true]
    claim = registry.get_claim(r.db, r.true)
    assert true["@context"] == "https://schema.org" and true["@type"] == "ClaimReview"
    assert true["claimReviewed"] == claim["text"]
    assert true["reviewRating"] == {"@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1,
                                    "alternateName": "True"}
    misleading = by_id[r.misleading]
    assert misleading["reviewRating"]["ratingValue"] == 2 and misleading["reviewRating"]["alternateName"] == "Misleading"
    assert by_id[r.unproven]["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}  # no number
    assert true["author"] == {"@type": "Organization", "name": "Example Fact Check",
                              "url": "https://www.factcheck.example.org"}
    verdict_at = registry.history(r.db, r.true)[-1]["at"]
    assert true["datePublished"] == verdict_at[:10]
    reviewed_item = true["itemReviewed"]
    assert reviewed_item["@type"] == "Claim" and reviewed_item["datePublished"] == "2025-05-12"
    assert reviewed_item["appearance"]["url"] == "https://www.example.com/irs-dhs"
    assert reviewed_item["appearance"]["@type"] == "CreativeWork"
    # No claimant: the article speaks in its own voice, so the outlet made the claim.
    assert reviewed_item["author"] == {"@type": "Organization", "name": "Fox News"}
    assert misleading["itemReviewed"]["author"] == {"@type": "Person", "name": "Tricia McLaughlin"}
    assert by_id[r.unproven]["itemReviewed"]["author"] == {"@type": "Organization",
                                                           "name": "Department of Homeland Security"}


def test_the_export_passes_lint(reviewed, run, tmp_path):
    out = tmp_path / "claimreview.json"
    assert run("export", "--format", "claimreview", *PUBLISHER, "-o", str(out), "--check").exit_code == 0
    result = run("lint", str(out), "--strict")  # complete data: not even a warning
    assert result.exit_code == 0, result.output
    assert "3 claim reviews checked: 0 errors, 0 warnings" in result.output
    # The same from the registry directly.
    direct = run("lint", "--strict", *PUBLISHER)
    assert direct.exit_code == 0 and "3 claim reviews checked: 0 errors, 0 warnings" in direct.output


def test_complete_short_claims_pass_strict_lint(run, db_path):
    run("extract", str(EXAMPLE), "--url", "https://www.example.com/irs-dhs", "--published", "2025-05-12")
    db = registry.open_registry(db_path)
    claim_id, _ = registry.add_claim(db, "ICE may use IRS data to find 7 million people", article_id=1,
                                     claimant="A. Senator", sources=[COURT])
    registry.set_status(db, claim_id, "mostly-false", actor="alice")
    items = list(claimreview.review_items(db, claimreview.Publisher("Example Fact Check", "https://factcheck.example.org")))
    assert [claimreview.lint(item) for _, item in items] == [[]]
    result = run("lint", "--strict", *PUBLISHER)
    assert result.exit_code == 0, result.output
    assert "1 claim reviews checked: 0 errors, 0 warnings" in result.output


def test_publisher_from_a_config_file_and_options_win(reviewed, run, tmp_path):
    config = tmp_path / "claims.toml"
    config.write_text('[publisher]\nname = "Config Checks"\nurl = "https://checks.example.net"\n'
                      'logo = "https://checks.example.net/logo.png"\nreview_url = "https://checks.example.net/fc/{id}.html"\n')
    items = _export(run, "--config", str(config))
    assert items[0]["author"] == {"@type": "Organization", "name": "Config Checks", "url": "https://checks.example.net",
                                  "logo": {"@type": "ImageObject", "url": "https://checks.example.net/logo.png"}}
    assert items[0]["url"] == f"https://checks.example.net/fc/{reviewed.true}.html"
    items = _export(run, "--config", str(config), "--publisher-name", "Override")
    assert items[0]["author"]["name"] == "Override"


@pytest.mark.parametrize("args,message", [
    ([], "ClaimReview needs the publishing organisation"),
    (["--publisher-name", "X"], "ClaimReview needs the publishing organisation"),
    (["--publisher-name", "X", "--publisher-url", "factcheck.example.org"], "not a valid http(s) URL"),
    (PUBLISHER + ["--review-url", "https://www.factcheck.example.org/claims/"], "needs {id}"),
    (PUBLISHER + ["--review-url", "https://www.factcheck.example.org/{claim}/{id}"], "may only use {id}"),
    (["--config", "nope.toml"], "no such config file"),
])
def test_claimreview_export_refusals_write_nothing(reviewed, run, tmp_path, db_path, args, message):
    out = tmp_path / "cr.json"
    before = dump(db_path)
    result = run("export", "--format", "claimreview", "-o", str(out), *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert not out.exists()
    assert dump(db_path) == before


def test_bad_config_file(reviewed, run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[publisher\nname = 1")
    assert "not a readable TOML config file" in run("lint", "--config", str(bad)).output
    bad.write_text('[publisher]\nnmae = "typo"\n')
    assert "unknown [publisher] keys: nmae" in run("lint", "--config", str(bad)).output


def test_filters_apply_to_claimreview(reviewed, run):
    only = _export(run, *PUBLISHER, "--status", "misleading")
    assert [i["url"].rsplit("/", 1)[1] for i in only] == [str(reviewed.misleading)]
    assert _export(run, *PUBLISHER, "--status", "in-review") == []  # not a verdict


# --- lint ----------------------------------------------------------------------------


GOOD = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/claims/1",
    "claimReviewed": "Unemployment fell to 3.5% in 2019",
    "datePublished": "2026-01-02",
    "author": {"@type": "Organization", "name": "Example Fact Check", "url": "https://www.factcheck.example.org"},
    "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1, "alternateName": "Mostly true"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Senator"}, "datePublished": "2025-12-30",
                     "appearance": {"@type": "CreativeWork", "url": "https://news.example.com/a"}},
}


def _without(path):
    item = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = item
    for p in parents:
        node = node[p]
    del node[last]
    return item


def _with(path, value):
    item = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = item
    for p in parents:
        node = node[p]
    node[last] = value
    return item


def _findings(item, **kw):
    return {(f.level, f.field) for f in claimreview.lint(item, **kw)}


def test_a_complete_item_is_clean():
    assert claimreview.lint(GOOD) == []


@pytest.mark.parametrize("item,expected", [
    (_without("claimReviewed"), ("error", "claimReviewed")),
    (_with("claimReviewed", "  "), ("error", "claimReviewed")),
    (_without("reviewRating"), ("error", "reviewRating")),
    (_without("reviewRating.alternateName"), ("error", "reviewRating.alternateName")),
    (_without("url"), ("error", "url")),
    (_with("url", "factcheck.example.org/claims/1"), ("error", "url")),
    (_without("author"), ("error", "author")),
    (_with("@type", "Review"), ("error", "@type")),
    (_with("reviewRating.ratingValue", 9), ("error", "reviewRating.ratingValue")),
    (_with("reviewRating.ratingValue", "high"), ("error", "reviewRating.ratingValue")),
    (_without("reviewRating.bestRating"), ("warning", "reviewRating")),
    (_with("url", "https://elsewhere.example.com/claims/1"), ("error", "url")),
    (_with("url", "https://notfactcheck.example.org/claims/1"), ("error", "url")),
    (_with("claimReviewed", "x" * 76), ("warning", "claimReviewed")),
    (_with("claimReviewed", "Unemployment fell, which is FALSE"), ("warning", "claimReviewed")),
    (_with("claimReviewed", "Mostly true: unemployment fell"), ("warning", "claimReviewed")),
    (_without("datePublished"), ("warning", "datePublished")),
    (_with("datePublished", "last Tuesday"), ("warning", "datePublished")),
    (_without("itemReviewed"), ("warning", "itemReviewed")),
    (_without("itemReviewed.author"), ("warning", "itemReviewed.author")),
    (_without("itemReviewed.appearance"), ("warning", "itemReviewed.appearance")),
    (_with("itemReviewed.appearance", {"url": "not a url"}), ("error", "itemReviewed.appearance.url")),
    (_without("itemReviewed.datePublished"), ("warning", "itemReviewed.datePublished")),
], ids=lambda v: str(v) if isinstance(v, tuple) else None)
def test_lint_finds(item, expected):
    found = _findings(item)
    assert expected in found
    assert len(found) == 1, found


def test_review_url_on_a_subdomain_is_fine_and_publisher_option_wins():
    assert claimreview.lint(_with("url", "https://checks.factcheck.example.org/1")) == []
    assert ("error", "url") in _findings(GOOD, publisher_url="https://other.example.net")
    assert claimreview.lint(GOOD, publisher_url="https://factcheck.example.org") == []


def test_exactly_75_characters_is_fine():
    assert claimreview.lint(_with("claimReviewed", "y" * 75)) == []
    assert _findings(_with("claimReviewed", "y" * 76)) == {("warning", "claimReviewed")}


def test_verdict_words_are_whole_words():
    assert claimreview.lint(_with("claimReviewed", "Untrue statistics and falsehoods rose")) == []
    assert claimreview.lint(_with("claimReviewed", "The hoaxes cost $3bn")) == []


def test_lint_cli_on_a_file(run, tmp_path):
    bad = [GOOD, _without("url"), _with("claimReviewed", "x" * 80)]
    path = tmp_path / "cr.json"
    path.write_text(json.dumps(bad))
    result = run("lint", str(path))
    assert result.exit_code == 1
    assert "item 2: error: url: missing" in result.output
    assert "item 3 (https://factcheck.example.org/claims/1): warning: claimReviewed: 80 characters" in result.output
    assert "3 claim reviews checked: 1 errors, 1 warnings" in result.output
    path.write_text("\n".join(json.dumps(i) for i in [GOOD, _with("claimReviewed", "x" * 80)]))  # JSON lines
    assert run("lint", str(path)).exit_code == 0
    assert run("lint", str(path), "--strict").exit_code == 1
    path.write_text("{not json")
    result = run("lint", str(path))
    assert result.exit_code == 1 and "not JSON" in result.output


def test_lint_from_the_registry_without_a_publisher_reports_errors(reviewed, run):
    result = run("lint")
    assert result.exit_code == 1
    n = reviewed.true
    assert f"claim {n}: error: url: missing" in result.output and f"claim {n}: error: author: missing" in result.output


def test_export_check_reports_off_domain_review_urls(reviewed, run, tmp_path):
    out = tmp_path / "cr.json"
    result = run("export", "--format", "claimreview", *PUBLISHER, "--review-url", "https://elsewhere.org/{id}",
                 "-o", str(out), "--check")
    assert result.exit_code == 1
    assert (f"claim {reviewed.true}: error: url: elsewhere.org is not on the publisher's domain "
            "factcheck.example.org") in result.output
    assert json.loads(out.read_text())  # the file is still written, for a human to look at


def test_organisation_or_person():
    assert claimreview.person_or_organisation("Department of Homeland Security") == "Organization"
    assert claimreview.person_or_organisation("the IRS") == "Organization"
    assert claimreview.person_or_organisation("Tricia McLaughlin") == "Person"


def test_dates():
    assert claimreview._iso_date("2025-05-12T10:00:00+00:00") == "2025-05-12"
    assert claimreview._iso_date("May 12") is None
    assert claimreview._iso_date(datetime.date(2025, 5, 12).isoformat()) == "2025-05-12"


def test_completing_an_article_completes_its_claim_reviews(run, db_path):
    """The demo stores the example without a URL or date; claims article fills them in."""
    run("extract", str(EXAMPLE), "--outlet", "Fox News")
    db = registry.open_registry(db_path)
    claim_id, _ = registry.add_claim(db, "A judge denied the injunction on Monday", article_id=1, sources=[COURT])
    registry.set_status(db, claim_id, "true", actor="alice")
    before = run("lint", *PUBLISHER).output
    assert "itemReviewed.appearance: missing" in before and "itemReviewed.datePublished: missing" in before

    result = run("article", "1", "--url", "https://www.example.com/irs-dhs", "--published", "2025-05-12")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["url"], shown["published"], shown["outlet"]) == ("https://www.example.com/irs-dhs", "2025-05-12", "Fox News")
    assert json.loads(run("article", "1").output) == shown  # no options: show it
    after = run("lint", "--strict", *PUBLISHER)
    assert after.exit_code == 0 and "0 errors, 0 warnings" in after.output, after.output


@pytest.mark.parametrize("args,message", [
    (["article", "1", "--url", "example.com/story"], "not a valid http(s) URL"),
    (["article", "1", "--published", "12 May 2025"], "ISO 8601"),
    (["article", "9", "--title", "X"], "no article with id 9"),
    (["article", "x"], "must be a number"),
])
def test_article_refusals_leave_registry_unchanged(example_db, run, args, message):
    before = dump(example_db)
    result = run(*args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert dump(example_db) == before

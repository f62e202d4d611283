import json

import pytest

from claims import embeddings, matching, registry

FACT_CHECKS = [
    {"id": "fc-1", "text": "The council spent £4m on the new Riverside bridge in 2019.",
     "title": "Bridge cost claim checked", "rating": "true", "speaker": "Jane Doe",
     "date": "2020-01-05", "url": "https://example.org/fc-1"},
    {"id": "fc-2", "text": "Vaccines cause autism in young children.", "rating": "false",
     "speaker": "A blog", "url": "https://example.org/fc-2"},
    {"id": "fc-3", "text": "Unemployment fell to 3.5% in 2019, the lowest rate in fifty years.",
     "rating": "mostly-true", "speaker": "A. Senator"},
    {"id": "fc-4", "text": "Drinking coffee every morning doubles the risk of heart attacks.",
     "rating": "false"},
    {"id": "fc-5", "text": "The city planted 10,000 trees along the motorway last spring.",
     "rating": "half-true"},
]

MODES = ["lexical"] + (["model", "full"] if embeddings.available() else [])
FLAGS = {"lexical": ["--lexical"], "model": [], "full": ["--full"]}
EMBED = {"lexical": "off", "model": "auto", "full": "full"}


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    # the static embedding table is cached per model; keep the tests' copy out of $HOME
    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "claims-cache"))


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.fixture
def imported(tmp_path, run, db_path):
    path = write_jsonl(tmp_path / "fc.jsonl", FACT_CHECKS)
    result = run("factchecks", "import", path, "--publisher", "Example Checks")
    assert result.exit_code == 0, result.output
    return db_path


def rows(db_path, sql, params=()):
    return list(registry.open_registry(db_path).query(sql, params))


def test_import_jsonl_keeps_ref_and_fields(imported):
    got = rows(imported, "select * from fact_checks order by id")
    assert [r["ref"] for r in got] == ["fc-1", "fc-2", "fc-3", "fc-4", "fc-5"]
    first = got[0]
    assert first["publisher"] == "Example Checks"
    assert first["rating"] == "true" and first["speaker"] == "Jane Doe"
    assert first["title"] == "Bridge cost claim checked" and first["url"] == "https://example.org/fc-1"
    assert rows(imported, "select rowid from fact_checks_fts where fact_checks_fts match 'autism'")


def test_reimport_updates_never_duplicates(tmp_path, imported, run):
    again = run("factchecks", "import", write_jsonl(tmp_path / "fc.jsonl", FACT_CHECKS), "--publisher", "Example Checks")
    assert "0 added, 0 updated, 5 unchanged" in again.output
    changed = [dict(FACT_CHECKS[1], rating="pants-fire")] + FACT_CHECKS[2:]
    result = run("factchecks", "import", write_jsonl(tmp_path / "fc2.jsonl", changed), "--publisher", "Example Checks")
    assert "0 added, 1 updated, 3 unchanged" in result.output, result.output
    assert rows(imported, "select count(*) n from fact_checks")[0]["n"] == 5
    assert rows(imported, "select rating from fact_checks where ref = 'fc-2'")[0]["rating"] == "pants-fire"
    # the search index followed the update and holds no stale copies
    assert len(rows(imported, "select rowid from fact_checks_fts where fact_checks_fts match 'autism'")) == 1


CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "@id": "https://checks.example/review/77",
    "url": "https://checks.example/review/77",
    "datePublished": "2021-03-02",
    "name": "No, the moon landing was not staged",
    "claimReviewed": "The 1969 moon landing was filmed in a studio.",
    "author": {"@type": "Organization", "name": "Checks Example"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Some Influencer"}},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                     "alternateName": "False"},
}


@pytest.mark.parametrize("shape", ["list", "graph", "single"])
def test_import_claim_review(tmp_path, run, db_path, shape):
    other = dict(CLAIM_REVIEW, **{"@id": "https://checks.example/review/78",
                                  "claimReviewed": "Bananas are radioactive."})
    doc = {"list": [CLAIM_REVIEW, other],
           "graph": {"@context": "https://schema.org", "@graph": [CLAIM_REVIEW, other, {"@type": "Organization", "name": "x"}]},
           "single": CLAIM_REVIEW}[shape]
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    result = run("factchecks", "import", str(path))
    assert result.exit_code == 0, result.output
    got = rows(db_path, "select * from fact_checks order by id")
    assert len(got) == (1 if shape == "single" else 2)
    fc = got[0]
    assert fc["ref"] == "https://checks.example/review/77"
    assert fc["text"] == "The 1969 moon landing was filmed in a studio."
    assert fc["rating"] == "False" and fc["speaker"] == "Some Influencer"
    assert fc["publisher"] == "Checks Example" and fc["date"] == "2021-03-02"
    assert fc["url"] == "https://checks.example/review/77"
    assert json.loads(fc["extra"])["ratingValue"] == 1
    # importing the same file again changes nothing
    assert "0 added, 0 updated" in run("factchecks", "import", str(path)).output


def test_bad_import_stores_nothing(tmp_path, run, db_path, imported):
    bad = FACT_CHECKS[:2] + [{"id": "fc-9", "title": "no text"}]
    result = run("factchecks", "import", write_jsonl(tmp_path / "bad.jsonl", [dict(r, rating="x") for r in bad]))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "line 3" in result.output and "no claim text" in result.output
    assert [r["rating"] for r in rows(db_path, "select rating from fact_checks order by id")][:2] == ["true", "false"]
    (tmp_path / "broken.jsonl").write_text('{"id": "a", "text": "b"}\n{not json\n')
    assert run("factchecks", "import", str(tmp_path / "broken.jsonl")).exit_code == 1


@pytest.mark.parametrize("mode", MODES)
def test_similar_finds_a_paraphrase(imported, run, mode):
    args = ["similar", "Is it true that childhood vaccinations lead to autism?", "--json"]
    result = run(*args, *FLAGS[mode])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    best = out["matches"][0]
    assert best["kind"] == "fact_check" and best["ref"] == "fc-2" and best["rating"] == "false"
    assert "autism" in best["why"]["words"]
    if mode != "lexical":
        assert best["why"]["meaning"] > 0.5


@pytest.mark.parametrize("mode", MODES)
def test_number_and_year_mismatch_lower_the_score_and_show_in_why(imported, mode):
    db = registry.open_registry(imported)
    embed = EMBED[mode]
    same = matching.similar(db, "The council spent £4m on the new Riverside bridge in 2019", embed=embed)[0]
    other = matching.similar(db, "The council spent £4bn on the new Riverside bridge in 2019", embed=embed)[0]
    year = matching.similar(db, "The council spent £4m on the new Riverside bridge in 2020", embed=embed)[0]
    assert same["ref"] == other["ref"] == year["ref"] == "fc-1"
    assert "£4m" in same["why"]["numbers"] and "disagree" not in same["why"]
    assert other["score"] <= same["score"] - 0.03  # the exact match is capped at 1.0
    assert other["why"]["disagree"] == ["£4bn vs £4m"]
    assert year["score"] < same["score"]
    assert year["why"]["disagree"] == ["2020 vs 2019"]


def test_a_mismatch_names_the_figure_said_of_the_same_thing():
    q = matching.features("The average bridge in Missouri is 58 years old.")
    c = matching.features("The average bridge in Missouri is 48 years old; most were designed to last 50 years.")
    assert matching.compare(q, c)["number_mismatch"] == ["58 vs 48"]  # not 50, the nearer figure


@pytest.mark.parametrize("query, candidate, disagree", [
    ("The ban took effect on March 3, 2020.", "The ban took effect on March 5, 2020.", ["March 3 vs March 5"]),
    ("The ban took effect in March 2020.", "The ban took effect in April 2020.", ["March vs April"]),
    ("The ban took effect in March 2020.", "The ban took effect in March 2021.", []),  # the year says it
    ("Sales rose 5% in May.", "Sales rose 5% in May last year.", []),
    ("Theresa May cut the tax in June.", "Theresa May cut the tax in June.", []),  # a name, not a month
    ("He stayed at Mar-a-Lago in April.", "He stayed at the resort in April.", []),
])
def test_dates_must_agree(query, candidate, disagree):
    agree = matching.compare(matching.features(query), matching.features(candidate))
    assert agree["date_mismatch"] == disagree
    assert not agree["number_mismatch"]  # the day of a date is not a figure ("3 vs 5")
    assert (matching.figure_mismatch_cost(agree) > 0) == bool(disagree or agree["year_mismatch"])


def test_numbers_dates_names_read_from_text():
    f = matching.features("Donald Trump said unemployment fell to 3.5% in 2019 and £2 billion was spent")
    assert {(n.value, n.unit) for n in f.numbers} == {(3.5, "%"), (2e9, "GBP")}
    assert f.years == {2019}
    assert {"donald", "trump"} <= set(f.names)
    tweet = "Republicans want this https://t.co/abc — Paul W (@PaulW) February 25, 2016"
    assert matching.features(tweet).years == set()  # a pasted tweet's date is not part of the claim


def test_similar_file_gives_one_json_line_per_query_in_order(imported, run, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("coffee and heart attacks\n\nthe motorway trees\nnothing whatsoever matches zzzz\n")
    result = run("similar", "--file", str(queries), "--limit", "2", "--lexical")
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["query"] for x in lines] == ["coffee and heart attacks", "the motorway trees", "nothing whatsoever matches zzzz"]
    assert lines[0]["matches"][0]["ref"] == "fc-4"
    assert lines[1]["matches"][0]["ref"] == "fc-5"
    assert len(lines[0]["matches"]) <= 2 and lines[2]["matches"] == []
    assert run("similar").exit_code == 2
    empty = run("similar", "  ")
    assert empty.exit_code == 1 and empty.output.startswith("Error: the query text is empty")


def test_add_suggests_links_and_decisions_go_to_history(imported, run):
    result = run("add", "Vaccines given to young children cause autism", "--by", "alice")
    assert result.exit_code == 0, result.output
    shown = json.loads(run("show", "1", "--json").output)
    links = shown["links"]
    assert links and links[0]["match_kind"] == "fact_check" and links[0]["state"] == "suggested"
    assert links[0]["match"]["ref"] == "fc-2"
    link_id = links[0]["id"]
    assert run("link", "confirm", str(link_id), "--by", "bob", "--note", "same claim").exit_code == 0
    shown = json.loads(run("show", "1", "--json").output)
    assert shown["links"][0]["state"] == "confirmed" and shown["links"][0]["decided_by"] == "bob"
    event = shown["history"][-1]
    assert event["action"] == "link-confirmed" and event["actor"] == "bob" and event["note"] == "same claim"
    assert run("link", "reject", str(link_id), "--by", "carol").exit_code == 0
    history = json.loads(run("show", "1", "--json").output)["history"]
    assert [e["action"] for e in history][-2:] == ["link-confirmed", "link-rejected"]
    assert history[-1]["old_value"] == "confirmed"
    bad = run("link", "confirm", "999")
    assert bad.exit_code == 1 and bad.output.startswith("Error: no link with id 999")


def test_extract_suggests_links_to_earlier_checks(tmp_path, run, db_path):
    fc = [{"id": "old-1", "text": "The Supreme Court blocked the IRS from sharing taxpayer data with immigration authorities.",
           "rating": "false"}]
    run("factchecks", "import", write_jsonl(tmp_path / "fc.jsonl", fc))
    article = tmp_path / "a.txt"
    article.write_text("Court ruling on data.\n\nA federal judge blocked the IRS from sharing taxpayer data "
                       "with immigration authorities on Friday, the court said.\n")
    assert run("extract", str(article)).exit_code == 0
    links = rows(db_path, "select * from claim_links")
    assert links and {(link["match_kind"], link["match_id"], link["state"]) for link in links} == {("fact_check", 1, "suggested")}
    assert run("extract", str(tmp_path / "a.txt"), "--no-links").exit_code == 0


def test_claim_page_in_datasette_shows_suggested_links(imported, run):
    import asyncio

    from datasette.app import Datasette

    from claims.cli import datasette_metadata

    run("add", "Vaccines given to young children cause autism")
    ds = Datasette([imported], metadata=datasette_metadata("registry"), settings={"suggest_facets": False})
    page = asyncio.run(ds.client.get("/registry/claims/1"))
    assert page.status_code == 200
    assert "Checked before?" in page.text and "Vaccines cause autism in young children." in page.text
    assert "claims link confirm 1" in page.text
    fc = asyncio.run(ds.client.get("/registry/fact_checks?_search=autism"))
    assert fc.status_code == 200 and "fc-2" in fc.text


@pytest.mark.model
@pytest.mark.skipif(not embeddings.available(), reason="the embedding model is not installed")
def test_dense_retrieval_finds_a_paraphrase_with_no_shared_words(tmp_path, run, db_path):
    # Many fact-checks share the query's words; the right one shares none of them.
    records = [{"id": f"noise-{i}", "text": f"The mayor said the {w} budget grew last year in the city."}
               for i, w in enumerate(["school", "road", "police", "park", "library", "water", "bus", "housing"])]
    records.append({"id": "target", "text": "Drinking coffee every morning doubles the risk of heart attacks.",
                    "rating": "false"})
    result = run("factchecks", "import", write_jsonl(tmp_path / "fc.jsonl", records))
    assert result.exit_code == 0, result.output
    assert "9 fact-check vectors stored" in result.output
    db = registry.open_registry(db_path)
    assert db.execute("select count(*) from fact_check_vectors").fetchone()[0] == 9
    query = "A daily espresso makes cardiac arrest twice as likely."
    assert not rows(db_path, "select rowid from fact_checks_fts where fact_checks_fts match ?",
                    [" OR ".join(f'"{w}"' for w in matching.features(query).terms)])
    without = matching.Searcher(db, dense=False).similar(query, limit=3, kinds=("fact_check",))
    assert "target" not in [m["ref"] for m in without]
    found = matching.Searcher(db).similar(query, limit=3, kinds=("fact_check",))
    assert found[0]["ref"] == "target", found
    assert found[0]["why"]["meaning"] > 0.5

    # A changed text drops its vector; `claims factchecks embed` computes it again.
    records[-1]["text"] = "Drinking tea every morning doubles the risk of heart attacks."
    result = run("factchecks", "import", write_jsonl(tmp_path / "fc.jsonl", records))
    assert "1 updated" in result.output and "1 fact-check vectors stored" in result.output
    db.execute("delete from fact_check_vectors")
    result = run("factchecks", "embed")
    assert result.exit_code == 0 and "9 fact-check vectors stored" in result.output
    assert "every fact-check has its vector" in run("factchecks", "embed").output


def test_without_vectors_similar_stays_lexical(imported, run):
    db = registry.open_registry(imported)
    db.execute("delete from fact_check_vectors")
    result = run("similar", "--only", "fact_check", "--json", "--lexical", "vaccines autism")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["matches"][0]["ref"] == "fc-2"
    assert matching.Searcher(db).dense_index() is None


@pytest.mark.model
@pytest.mark.skipif(not embeddings.available(), reason="the embedding model is not installed")
def test_import_no_embed_leaves_vectors_for_later(tmp_path, run, db_path):
    records = [{"id": "a", "text": "The city budget grew by 4% last year."},
               {"id": "b", "text": "Coffee doubles the risk of heart attacks."}]
    result = run("factchecks", "import", write_jsonl(tmp_path / "fc.jsonl", records), "--no-embed")
    assert result.exit_code == 0, result.output
    assert "vectors stored" not in result.output
    assert rows(db_path, "select count(*) as n from fact_check_vectors") == [{"n": 0}]
    result = run("factchecks", "embed")
    assert result.exit_code == 0 and "2 fact-check vectors stored" in result.output

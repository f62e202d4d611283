import json

from claims import splitter
from conftest import EXAMPLE

FURNITURE = ["Uncategorized", "See also", "CLICK HERE", "Share this article", "Share on Facebook",
             "Tweet about this", "JUSTICE DEPARTMENT TELLS"]


def test_example_claims(db):
    texts = [r["text"] for r in db.query("select text from claims")]
    joined = "\n".join(texts)
    assert any("denied an injunction" in t for t in texts)
    assert any("Memorandum only allows sharing information for criminal investigations" in t for t in texts)
    assert any("Centro de Trabajadores Unidos" in t and "brought the lawsuit" in t for t in texts)
    for junk in FURNITURE:
        assert junk not in joined
    assert not any(t.strip() in ("Facebook", "Twitter") for t in texts)


def test_article_stored_once_with_clean_text(db):
    article = db["articles"].get(1)
    assert article["title"] == "Federal judge allows IRS to share illegal alien data with DHS in court win for Trump"
    for junk in FURNITURE + ["\nFacebook", "\nTwitter"]:
        assert junk not in article["text"]
    assert db["articles"].count == 1


def test_offsets_slice_the_article_text(db):
    text = db["articles"].get(1)["text"]
    rows = list(db.query("select sentence, start, [end] from claims"))
    assert rows
    for r in rows:
        assert text[r["start"]:r["end"]] == r["sentence"]


def test_claims_carry_provenance_and_history(db):
    row = next(db.query("select * from claims limit 1"))
    assert row["extractor"] == splitter.NAME and row["extractor_version"] == splitter.VERSION
    assert row["status"] == "unreviewed"
    n_claims = db["claims"].count
    assert db.execute("select count(*) from claim_events where action = 'created'").fetchone()[0] == n_claims


def test_extract_twice_is_a_no_op(example_db, run, db_path):
    from conftest import dump

    before = dump(db_path)
    result = run("extract", str(EXAMPLE))
    assert result.exit_code == 0
    assert "already in the registry" in result.output
    assert dump(db_path) == before


def test_dry_run_json_shape(run, db_path):
    import os

    result = run("extract", str(EXAMPLE), "--dry-run", "--all")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    text = out["article"]["text"]
    assert out["article"]["title"].startswith("Federal judge")
    assert out["claims"]
    for c in out["claims"]:
        assert set(c) >= {"text", "sentence", "start", "end", "checkable", "checkworthiness", "claim_type", "claimant"}
        assert text[c["start"]:c["end"]] == c["sentence"]
        assert 0 <= c["checkworthiness"] <= 1
    assert any(not c["checkable"] for c in out["claims"]) or len(out["claims"]) > 0
    assert not os.path.exists(db_path)


def test_all_includes_every_sentence_in_order(run):
    every = json.loads(run("extract", str(EXAMPLE), "--dry-run", "--all").output)["claims"]
    checkable = json.loads(run("extract", str(EXAMPLE), "--dry-run").output)["claims"]
    assert len(every) >= len(checkable)
    assert [c["start"] for c in every] == sorted(c["start"] for c in every)
    assert all(c["checkable"] for c in checkable)


def test_extract_from_stdin(run, db_path):
    result = run("extract", "-", "--title", "Stdin story", input="The council raised parking fees by 20% in March, the mayor said.\n")
    assert result.exit_code == 0, result.output
    from claims import registry

    db = registry.open_registry(db_path)
    assert db["articles"].get(1)["title"] == "Stdin story"
    claim = db["claims"].get(1)
    assert "20%" in claim["text"]
    assert claim["claimant"] == "the mayor"


def test_markdown_byline_fills_author_and_date(run, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("# Council spends £4m on bridge\n\n*By Jo Reporter, 3 March 2024*\n\n"
                     "The council spent **£4m** on the new bridge in 2023, the finance officer said.\n")
    out = json.loads(run("extract", str(story), "--dry-run").output)
    assert (out["article"]["author"], out["article"]["published"]) == ("Jo Reporter", "2024-03-03")
    assert out["article"]["title"] == "Council spends £4m on bridge"
    assert "By Jo Reporter" not in out["article"]["text"] and "*" not in out["article"]["text"]
    # the user's date wins; a sentence that starts with "By" is no byline
    out = json.loads(run("extract", str(story), "--dry-run", "--published", "2024-03-04").output)
    assert out["article"]["published"] == "2024-03-04"
    plain = tmp_path / "plain.txt"
    plain.write_text("By Monday, the council had spent £4m on the new bridge.\n\nThe mayor said it was worth it.\n")
    out = json.loads(run("extract", str(plain), "--dry-run").output)
    assert out["article"]["author"] is None and out["article"]["published"] is None
    plain.write_text("By Jane Doe | March 3, 2024\n\nThe council spent £4m on the new bridge, the mayor said.\n")
    out = json.loads(run("extract", str(plain), "--dry-run").output)["article"]
    assert (out["title"], out["author"], out["published"]) == (None, "Jane Doe", "2024-03-03")  # no headline


def test_extract_html(run, db_path, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Bridge closes</title><script>alert('x')</script></head><body>"
        "<nav>Home | News | Sport</nav><article><h1>Bridge closes</h1>"
        "<p>The city closed the Elm Street bridge on Tuesday after inspectors found cracks in two of its supports.</p>"
        "<p>Repairs will cost $4 million and take six months, the transport department said.</p></article>"
        "<footer>Share on Facebook</footer></body></html>"
    )
    result = run("extract", str(page), "--dry-run")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert "alert" not in out["article"]["text"]
    assert "Elm Street bridge" in out["article"]["text"]
    assert any("$4 million" in c["text"] for c in out["claims"])


def test_claimants_in_example():
    extraction = splitter.extract(EXAMPLE.read_text())
    by_start = {s["sentence"][:40]: s["claimant"] for s in extraction.sentences}
    assert by_start["In a statement to Fox News Digital, Tric"] == "Tricia McLaughlin"
    assert any(c == "a senior Treasury Department official" for c in by_start.values())
    assert by_start["A federal judge on Monday denied an inju"] is None


def test_score_command(run):
    result = run("score", input="Unemployment fell to 3.5% in 2019.\n\nWhat a wonderful night!\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [row["text"] for row in lines] == ["Unemployment fell to 3.5% in 2019.", "What a wonderful night!"]
    assert lines[0]["checkable"] is True and lines[0]["checkworthiness"] >= 0.5
    assert lines[1]["checkable"] is False and lines[1]["checkworthiness"] < 0.5
    assert lines[0]["claim_type"] == "quantity"

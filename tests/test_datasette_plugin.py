"""The claims Datasette plugin, through Datasette's in-process client on a real registry."""

import asyncio
import html
import re
import sqlite3

import pytest
from datasette.app import Datasette
from hypothesis import given
from hypothesis import strategies as st

from claims import registry
from claims.cli import datasette_metadata
from claims.datasette_plugin import add_day_deltas, highlight_segments, paragraph_around, safe_url, timeline

XSS = 'Crime fell 40% <script>alert("x")</script> & rose'


@pytest.fixture
def reviewed_db(example_db):
    """The example registry with a verdict, a source, a hand-added claim with markup in it."""
    db = registry.open_registry(example_db)
    registry.add_source(db, 3, "https://www.courtlistener.com/docket/1/", title="The order <b>", kind="court filing",
                        stance="supports", note="Page 3 <i>says</i> so", actor="alice")
    registry.set_status(db, 3, "true", note="Matches the order", actor="alice")
    registry.set_status(db, 5, "in-review", actor="bob")
    claim_id, _ = registry.add_claim(db, XSS, claimant="<b>Mallory</b>", actor="mallory")
    registry.add_source(db, claim_id, "https://example.org/x", title="<img src=x onerror=alert(1)>", stance="refutes")
    db.conn.close()
    return example_db


@pytest.fixture
def ds(reviewed_db):
    return Datasette([reviewed_db], metadata=datasette_metadata("registry"), settings={"suggest_facets": False})


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def scalar(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def n_extracted(path):
    """Claims the splitter took from the example article (the splitter may change)."""
    return scalar(path, "select count(*) from claims where article_id = 1")


def hostile_id(path):
    return scalar(path, "select id from claims where text = ?", [XSS])


def claim_row(path, claim_id):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        claim = conn.execute("select * from claims where id = ?", [claim_id]).fetchone()
        text = conn.execute("select text from articles where id = ?", [claim["article_id"]]).fetchone()
        return dict(claim), text[0] if text else None
    finally:
        conn.close()


def test_plugin_is_loaded_from_the_entry_point(ds):
    plugins = get(ds, "/-/plugins.json").json()
    # Datasette names an installed plugin by its distribution: claims-registry
    claims = [p for p in plugins if p["name"] == "claims-registry"]
    assert claims and claims[0]["templates"] is True
    assert {"render_cell", "extra_template_vars", "register_routes"} <= set(claims[0]["hooks"])


def test_every_page_and_canned_query_answers(ds, reviewed_db):
    queries = datasette_metadata("registry")["databases"]["registry"]["queries"]
    paths = ["/", "/registry", "/registry/claims", "/registry/articles", "/registry/sources",
             "/registry/statuses", "/registry/claim_events", "/registry/claims/1", "/registry/claims/3",
             f"/registry/claims/{hostile_id(reviewed_db)}", "/registry/articles/1", "/registry/statuses/true", "/registry/sources/1",
             "/-/claims/registry.css", "/registry/claims?_search=judge", "/registry/claims?status=true"]
    paths += [f"/registry/{name}" + ("?claim_id=3" if ":claim_id" in q["sql"] else "") for name, q in queries.items()]
    for path in paths:
        response = get(ds, path)
        assert response.status_code == 200, (path, response.text[:500])


def test_claim_page_highlights_the_span_in_its_paragraph(ds, reviewed_db):
    claim, article_text = claim_row(reviewed_db, 3)
    page = get(ds, "/registry/claims/3").text
    span = article_text[claim["start"]:claim["end"]]
    marked = re.search(r'<mark class="claims-mark claims-s-true" id="claim-span">(.*?)</mark>', page, re.S)
    assert marked, "no highlighted span"
    assert html.unescape(marked.group(1)) == span
    context = re.search(r'<p class="claims-context">(.*?)</p>', page, re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", context)) in article_text


def test_claim_page_shows_status_meaning_sources_and_history(ds):
    page = get(ds, "/registry/claims/3").text
    assert 'class="claims-badge claims-badge-big claims-s-true">True</span>' in page
    assert "Accurate, with nothing significant missing." in page  # statuses.description
    assert "ClaimReview rating 5 of 5" in page
    assert '<a href="https://www.courtlistener.com/docket/1/" rel="nofollow noopener">The order &lt;b&gt;</a>' in page
    assert 'claims-stance-supports">supports</span>' in page and ">court filing</span>" in page
    assert "Page 3 &lt;i&gt;says&lt;/i&gt; so" in page
    history = re.search(r'<table class="claims-history">(.*?)</table>', page, re.S).group(1)
    assert [a for a in re.findall(r"<td>(created|source-added|status)</td>", history)] == [
        "created", "source-added", "status"]
    assert "unreviewed → true" in history and "Matches the order" in history


def test_markup_in_a_claim_is_shown_as_text(ds, reviewed_db):
    page = get(ds, f"/registry/claims/{hostile_id(reviewed_db)}").text
    assert "<script>alert" not in page and "<b>Mallory" not in page and "<img src=x" not in page
    assert "Crime fell 40% &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; rose" in page
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page
    assert "Added by hand, not taken from an article." in page
    table = get(ds, "/registry/claims?_search=crime").text
    assert "<script>alert" not in table and "&lt;script&gt;" in table


def test_only_http_links_become_links(ds, reviewed_db):
    conn = sqlite3.connect(reviewed_db)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("insert into sources (claim_id, url, kind, stance, added_at) "
                 "values (3, 'javascript:alert(1)', 'other', 'context', '2025-01-01')")
    conn.commit()
    conn.close()
    page = get(ds, "/registry/claims/3").text
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page
    assert safe_url("javascript:alert(1)") is None and safe_url(" https://x.org/ ") == "https://x.org/"


def test_article_page_marks_every_claim_by_status(ds, reviewed_db):
    conn = sqlite3.connect(reviewed_db)
    # a second claim from claim 1's sentence, as an atomic-claim splitter stores it
    conn.execute(
        "insert into claims (key, article_id, text, sentence, start, \"end\", status, created_at, updated_at) "
        "select 'second-of-1', article_id, 'ICE may access taxpayer information', sentence, start, \"end\", "
        "'misleading', created_at, updated_at from claims where id = 1")
    conn.commit()
    rows = conn.execute('select id, status, start, "end" from claims where article_id = 1').fetchall()
    text = conn.execute("select text from articles where id = 1").fetchone()[0]
    conn.close()
    page = get(ds, "/registry/articles/1").text
    body = re.search(r'<div class="claims-article-text">(.*?)</div>', page, re.S).group(1)
    by_id = {i: (status, s, e) for i, status, s, e in rows}
    links = [(int(i), css) for css, i in re.findall(
        r'<a class="(?:claims-mark|claims-badge) (claims-s-[a-z-]+)[^"]*"(?: id="claim-\d+")? href="/registry/claims/(\d+)"', body)]
    assert sorted(i for i, _ in links) == sorted(by_id), "every claim linked exactly once"
    assert all(css == f"claims-s-{by_id[i][0]}" for i, css in links)
    for css, claim_id, inner in re.findall(
            r'<a class="claims-mark (claims-s-[a-z-]+)[^"]*"(?: id="claim-\d+")? href="/registry/claims/(\d+)"[^>]*>(.*?)</a>', body, re.S):
        _, s, e = by_id[int(claim_id)]
        assert html.unescape(inner) == text[s:e]
    # the shared sentence is one highlight with two numbered links after it
    shared = re.search(r'<mark class="claims-mark claims-s-mixed[^"]*"[^>]*>(.*?)</mark>((?:<sup.*?</sup>)+)', body, re.S)
    assert shared and html.unescape(shared.group(1)) == text[by_id[1][1]:by_id[1][2]]
    assert re.findall(r'href="/registry/claims/(\d+)"', shared.group(2)) == ["1", str(max(by_id))]
    # the whole text is there, in order, with the references taken out
    plain = re.sub(r"<sup class=\"claims-ref\">.*?</sup>", "", body, flags=re.S)
    assert html.unescape(re.sub(r"<[^>]+>", "", plain)) == text
    assert "claims-s-true" in body and "claims-s-in-review" in body
    # and each claim page points to the other
    assert f'Also claimed in this sentence: <a href="/registry/claims/{max(by_id)}">' in get(ds, "/registry/claims/1").text
    assert 'Also claimed in this sentence: <a href="/registry/claims/1">' in get(ds, f"/registry/claims/{max(by_id)}").text
    assert "Also claimed" not in get(ds, "/registry/claims/3").text


def test_claims_table_links_canned_queries_and_totals(ds):
    page = get(ds, "/registry/claims").text
    nav = re.search(r'<nav class="claims-nav"[^>]*>(.*?)</nav>', page, re.S).group(1)
    for href in ["/registry/review_queue", "/registry/claims_without_sources",
                 "/registry/status_counts_per_article", "/registry#claims-charts"]:
        assert f'href="{href}"' in nav
    assert re.search(r'href="[^"]*/registry/claims\?[^"]*status=true"><span class="claims-badge claims-s-true">True</span> 1<', page)
    # the bar follows the page's filter: on ?status=true it is one segment
    filtered = get(ds, "/registry/claims?status=true").text
    overview = re.search(r'<div class="claims-overview">(.*?)</div>', filtered, re.S).group(1)
    assert re.findall(r"<title>(.*?)</title>", overview) == ["1 True"]
    assert re.search(r'<a class="claims-badge-link" href="/registry/statuses/in-review"><span class="claims-badge claims-s-in-review">In review</span></a>', page)


def test_facets_and_search(ds, reviewed_db):
    n = n_extracted(reviewed_db)
    data = get(ds, "/registry/claims.json?_facet=status&_facet=claim_type&_facet=claimant&_facet=article_id").json()
    facets = data["facet_results"]
    assert {r["value"]: r["count"] for r in facets["status"]["results"]} == {"unreviewed": n - 1, "true": 1, "in-review": 1}
    assert sum(r["count"] for r in facets["article_id"]["results"]) == n
    assert sum(r["count"] for r in facets["claim_type"]["results"]) <= n + 1
    assert any(r["value"] == "<b>Mallory</b>" for r in facets["claimant"]["results"])
    true_only = get(ds, "/registry/claims.json?status=true&_shape=array").json()
    assert [r["id"] for r in true_only] == [3]
    found = get(ds, "/registry/claims.json?_search=injunction&_shape=array").json()
    assert found and all("injunct" in (r["text"] + r["sentence"]).lower() for r in found)  # porter stems
    scores = [r["checkworthiness"] for r in get(ds, "/registry/claims.json?_shape=array&_size=100").json()
              if r["checkworthiness"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_database_page_draws_the_charts(ds, reviewed_db):
    n = n_extracted(reviewed_db)
    page = get(ds, "/registry").text
    assert 'id="claims-charts"' in page
    table = re.search(r'<table class="claims-chart-table">(.*?)</table>', page, re.S).group(1)
    assert 'href="/registry/articles/1"' in table
    assert "<title>1 True</title>" in table and "<title>1 In review</title>" in table
    assert f"<title>{n - 2} Unreviewed</title>" in table
    assert "Added by hand (no article)" in table
    time_chart = re.search(r'<figure class="claims-time">(.*?)</figure>', page, re.S).group(1)
    assert f"{n + 1} claims" in time_chart and "<script" not in page.split('id="claims-charts"')[1].split("</section>")[0]


def test_other_databases_are_left_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("create table claims (id integer primary key, status text, text text)")
    conn.execute("insert into claims values (1, 'true', '<b>x</b>')")
    conn.commit()
    conn.close()
    ds = Datasette([str(path)])
    page = get(ds, "/other/claims/1").text
    assert "claims-page" not in page and "claims-badge" not in page
    assert "claims-nav" not in get(ds, "/other/claims").text


def test_paragraph_around():
    text = "First para.\n\nSecond one. The claim here. After it.\n\nThird."
    start = text.index("The claim")
    ctx = paragraph_around(text, start, start + len("The claim here."))
    assert ctx == {"before": "Second one. ", "span": "The claim here.", "after": " After it.",
                   "cut_before": False, "cut_after": False}
    long = "x" * 1000 + "CLAIM" + "y" * 1000
    ctx = paragraph_around(long, 1000, 1005, limit=10)
    assert ctx["before"] == "x" * 10 and ctx["after"] == "y" * 10 and ctx["cut_before"] and ctx["cut_after"]


def test_highlight_segments_cover_the_text_once():
    text = "aaa bbb ccc ddd"
    one, two, three, four = ({"id": 1, "start": 0, "end": 3}, {"id": 2, "start": 8, "end": 11},
                             {"id": 3, "start": 9, "end": 15}, {"id": 4, "start": 0, "end": 3})
    segments = highlight_segments(text, [two, one, three])
    assert "".join(s["text"] for s in segments) == text
    simple = [(s["text"], [c["id"] for c in s["claims"]], s["link"] and s["link"]["id"], [c["id"] for c in s["ends"]])
              for s in segments]
    assert simple == [("aaa", [1], 1, []), (" bbb ", [], None, []), ("c", [2], None, []),
                      ("cc", [2, 3], None, [2]), (" ddd", [3], None, [3])]
    shared = highlight_segments(text, [four, one])
    assert [(s["text"], s["link"], [c["id"] for c in s["ends"]]) for s in shared] == [
        ("aaa", None, [1, 4]), (" bbb ccc ddd", None, [])]


@given(st.integers(0, 40).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=6))))
def test_highlight_segments_against_every_character(case):
    n, pairs = case
    text = "".join(chr(97 + i % 26) for i in range(n))
    claims = [{"id": i, "start": min(a, b), "end": max(a, b)} for i, (a, b) in enumerate(pairs)]
    segments = highlight_segments(text, claims)
    assert "".join(s["text"] for s in segments) == text
    covered = [tuple(c["id"] for c in s["claims"]) for s in segments for _ in s["text"]]
    assert covered == [tuple(c["id"] for c in claims if c["start"] <= i < c["end"]) for i in range(n)]
    linked = [s["link"]["id"] for s in segments if s["link"]] + [c["id"] for s in segments for c in s["ends"]]
    assert sorted(linked) == [c["id"] for c in claims if c["end"] > c["start"]]


def test_timeline_counts_statuses_at_the_end_of_each_day():
    rows = [("2025-01-01", None, "unreviewed", 2), ("2025-01-03", "unreviewed", "in-review", 1),
            ("2025-01-03", "in-review", "true", 1)]
    buckets, unit = timeline(add_day_deltas({}, rows))
    assert unit == "day"
    assert buckets == [
        {"key": "2025-01-01", "counts": {"unreviewed": 2}},
        {"key": "2025-01-02", "counts": {"unreviewed": 2}},
        {"key": "2025-01-03", "counts": {"unreviewed": 1, "true": 1}},
    ]
    long = [("2025-01-01", None, "unreviewed", 1), ("2025-06-01", "unreviewed", "false", 1)]
    buckets, unit = timeline(add_day_deltas({}, long))
    assert unit == "month" and buckets[0] == {"key": "2025-01", "counts": {"unreviewed": 1}}
    assert buckets[-1] == {"key": "2025-06", "counts": {"false": 1}} and len(buckets) == 6
    assert timeline({}) == ([], "day")


def test_time_chart_follows_new_history(ds, reviewed_db):
    def last_bar(page):
        chart = re.search(r'<figure class="claims-time">(.*?)</figure>', page, re.S).group(1)
        return re.findall(r"<g><title>(.*?)</title>", chart)[-1]

    n = n_extracted(reviewed_db)
    assert last_bar(get(ds, "/registry").text).endswith(f"{n - 1} Unreviewed, 1 In review, 1 True")
    db = registry.open_registry(reviewed_db)
    registry.set_status(db, 7, "unproven")
    registry.set_status(db, 5, "not-checkable")
    db.conn.close()
    assert last_bar(get(ds, "/registry").text).endswith(f"{n - 2} Unreviewed, 1 True, 1 Unproven, 1 Not checkable")


def test_the_history_is_read_at_startup(reviewed_db):
    import threading

    from claims.datasette_plugin import _timeline_cache

    ds = Datasette([reviewed_db], metadata=datasette_metadata("registry"))
    asyncio.run(ds.invoke_startup())
    for thread in threading.enumerate():
        if thread.name == "claims-timeline":
            thread.join(30)
    state = _timeline_cache[ds]["registry"]
    assert state["last_id"] == scalar(reviewed_db, "select max(id) from claim_events")
    assert sum(sum(day.values()) for day in state["deltas"].values()) == scalar(reviewed_db, "select count(*) from claims")


def test_a_registry_under_another_name(reviewed_db, tmp_path):
    other = tmp_path / "newsroom.db"
    conn = sqlite3.connect(reviewed_db)
    conn.execute("VACUUM INTO ?", [str(other)])
    conn.close()
    ds = Datasette([str(other)], metadata=datasette_metadata("newsroom"))
    assert 'id="claim-span"' in get(ds, "/newsroom/claims/3").text
    assert 'href="/newsroom/review_queue"' in get(ds, "/newsroom/claims").text


def test_review_queue_links_pages_and_stops_at_the_checkworthy_line(reviewed_db):
    conn = sqlite3.connect(reviewed_db)
    conn.executemany(
        "insert into claims (key, article_id, text, sentence, start, \"end\", status, checkworthiness, created_at, "
        "updated_at) select ?, article_id, ?, sentence, start, \"end\", 'unreviewed', ?, created_at, updated_at "
        "from claims where id = 1",
        [(f"bulk-{i}", f"Bulk claim number {i}", 0.55 + (i % 40) / 100 if i < 230 else 0.1) for i in range(250)])
    conn.commit()
    wanted = conn.execute("select count(*) from claims where status = 'unreviewed' "
                          "and (checkworthiness >= 0.5 or checkworthiness is null)").fetchone()[0]
    everyone = conn.execute("select count(*) from claims where status = 'unreviewed'").fetchone()[0]
    conn.close()
    ds = Datasette([reviewed_db], metadata=datasette_metadata("registry"), settings={"suggest_facets": False})

    def rows_of(page):
        body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
        return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []

    path, seen = "/registry/review_queue", []
    while path:
        page = get(ds, path).text
        assert re.search(r"<title>Review queue · registry</title>", page)
        assert page.index('class="rows-and-columns"') < page.index('id="sql-query"') if rows_of(page) else True
        for row in rows_of(page):
            claim_id = int(re.search(r'<td class="col-claim_id"><a href="/registry/claims/(\d+)">\1</a>', row).group(1))
            assert f'<td class="col-text"><a href="/registry/claims/{claim_id}">' in row
            score = re.search(r'<td class="col-checkworthiness">([0-9.]+)</td>', row)
            assert score is None or float(score.group(1)) >= 0.5  # unscored claims are listed last
            if claim_id == hostile_id(reviewed_db):  # added by hand: no article
                assert '<td class="col-article">&nbsp;</td>' in row
            else:  # an extracted claim: its article is a link
                assert '<td class="col-article"><a href="/registry/articles/1">' in row
            seen.append(claim_id)
        assert len(rows_of(page)) <= 100
        nxt = re.search(r'<a href="([^"]+)" rel="next">', page)
        path = html.unescape(nxt.group(1)) if nxt else None
    assert len(seen) == len(set(seen)) == wanted > 200  # every row, on three pages
    low = get(ds, "/registry/review_queue.json?min_checkworthiness=0&page=3&_shape=array").json()
    assert len(low) == everyone - 200 and min(r["checkworthiness"] or 0 for r in low) < 0.5
    assert '<a href="/registry/claims_without_sources">' in get(ds, "/registry/review_queue").text  # the nav


def test_home_page_says_where_to_start(ds):
    page = get(ds, "/").text
    for href in ["/registry/review_queue", "/registry/latest_verdicts", "/registry/claims", "/registry/articles",
                 "/-/claims/feeds/registry/verdicts.atom", "/-/claims/feeds/registry/checkworthy.atom",
                 "/-/claims/about"]:
        assert f'href="{href}"' in page, href
    assert 'type="application/atom+xml"' in page
    assert 'href="https://github.com/"' not in page and 'href="https://github.com/claims-registry/claims"' in page
    assert get(ds, "/-/claims/about").status_code == 200


def test_every_page_has_a_language_and_one_h1_outside_folded_sections(ds, reviewed_db):
    paths = ["/", "/registry", "/registry/claims", "/registry/claims/3", f"/registry/claims/{hostile_id(reviewed_db)}",
             "/registry/articles/1", "/registry/review_queue", "/registry/statuses", "/registry/sources",
             "/-/claims/about", "/registry/claim_history?claim_id=3"]
    for path in paths:
        page = get(ds, path).text
        assert re.search(r'<html lang="en">', page), path
        unfolded = re.sub(r"<details.*?</details>", "", page, flags=re.S)
        assert len(re.findall(r"<h1[ >]", unfolded)) == 1, path


def test_feeds_are_atom_with_the_newest_verdicts_and_checkworthy_claims(ds, reviewed_db):
    import xml.etree.ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    response = get(ds, "/-/claims/feeds/registry/verdicts.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:link", ns).get("href").rsplit("/", 1)[1] for e in entries] == ["3"]
    assert entries[0].find("a:title", ns).text.startswith("True: ")
    assert entries[0].find("a:summary", ns).text == "Matches the order"
    for e in entries:
        assert e.find("a:id", ns).text and e.find("a:updated", ns).text
    checkworthy = ET.fromstring(get(ds, "/-/claims/feeds/registry/checkworthy.atom").content)
    ids = [int(e.find("a:id", ns).text.rsplit("/", 1)[1]) for e in checkworthy.findall("a:entry", ns)]
    conn = sqlite3.connect(reviewed_db)
    expected = [r[0] for r in conn.execute(
        "select id from claims where checkworthiness >= 0.5 order by created_at desc limit 50")]
    below = [r[0] for r in conn.execute("select id from claims where checkworthiness < 0.5")]
    conn.close()
    assert sorted(ids) == sorted(expected) and ids and not set(ids) & set(below)
    assert get(ds, "/-/claims/feeds/nothing/verdicts.atom").status_code == 404


def test_claims_table_opens_on_the_columns_a_reviewer_reads_with_facets_in_order(ds):
    page = get(ds, "/registry/claims").text
    columns = re.findall(r'<th [^>]*data-column="([^"]+)"', page)
    assert columns == ["id", "text", "status", "checkworthiness", "claimant", "article_id", "claim_type"]
    facets = re.findall(r'<div class="facet-info [^"]*" id="facet-[^"]*" data-column="([^"]+)"', page)
    assert facets == ["status", "claim_type", "article_id", "claimant"]
    # the columns stay through a facet click, and every column is one link away
    filtered = get(ds, "/registry/claims?status=true").text
    assert re.findall(r'<th [^>]*data-column="([^"]+)"', filtered) == columns
    everything = get(ds, "/registry/claims?_nocol=key").text
    every_column = list(get(ds, "/registry/claims.json?_shape=array").json()[0])  # the API is Datasette's
    assert len(every_column) > len(columns) + 8
    assert re.findall(r'<th [^>]*data-column="([^"]+)"', everything) == [c for c in every_column if c != "key"]


def test_article_anchors_and_highlight_strength(ds, reviewed_db):
    page = get(ds, "/registry/articles/1").text
    body = re.search(r'<div class="claims-article-text">(.*?)</div>', page, re.S).group(1)
    conn = sqlite3.connect(reviewed_db)
    claims = conn.execute("select id, checkworthiness from claims where article_id = 1").fetchall()
    conn.close()
    anchors = [int(i) for i in re.findall(r'id="claim-(\d+)"', body)]
    assert sorted(anchors) == sorted(i for i, _ in claims), "one anchor per claim"
    for claim_id, cw in claims:
        link = re.search(rf'<a class="claims-mark [^"]*(claims-cw-\d)" id="claim-{claim_id}"', body)
        if link:
            level = 0 if cw < 0.5 else 1 if cw < 0.7 else 2 if cw < 0.85 else 3
            assert link.group(1) == f"claims-cw-{level}"
    claim = get(ds, "/registry/claims/3").text
    assert 'href="/registry/articles/1#claim-3"' in claim

"""A real browser on a real Datasette: Debian's Chromium driven by Playwright (never a
downloaded browser). Screenshots go to artifacts/browser/ (or $CLAIMS_ARTIFACTS)."""

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from claims import registry
from servers import free_port, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path():
    for candidate in (os.environ.get("CLAIMS_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium found: install Debian's (apt-get install chromium) or set CLAIMS_CHROMIUM; "
                    "./scripts/test installs it where it can")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts():
    out = Path(os.environ.get("CLAIMS_ARTIFACTS", ROOT / "artifacts")) / "browser"
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_browse_search_facet_claim_page(browser, example_db, tmp_path, artifacts):
    db = registry.open_registry(example_db)
    registry.add_source(db, 3, "https://www.courtlistener.com/docket/1/", title="The order", kind="court filing",
                        stance="supports", actor="alice")
    registry.set_status(db, 3, "true", actor="alice")
    hostile_id, _ = registry.add_claim(db, "Crime fell <script>window.pwned = 1</script> by 40%", claimant="<b>Mallory</b>")
    db.conn.close()

    port = free_port()
    args = ["datasette", "serve", example_db, "-m", str(ROOT / "claims" / "metadata.yml"),
            "--port", str(port), "--setting", "suggest_facets", "off"]
    with serving(args, port, tmp_path / "datasette.log") as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests = []
        page.on("request", lambda r: requests.append(r.url))

        # The claims table: search
        page.goto(base + "/registry/claims")
        assert page.locator("nav.claims-nav a", has_text="Review queue").count() == 1
        page.fill("input#_search", "injunction")
        page.press("input#_search", "Enter")
        page.wait_for_url(re.compile(r"_search=injunction"))
        rows = page.locator("table.rows-and-columns tbody tr")
        assert rows.count() >= 1
        assert "injunction" in rows.first.inner_text().lower()
        page.screenshot(path=str(artifacts / "claims-search.png"))

        # Follow a facet
        page.goto(base + "/registry/claims")
        facet = page.locator('[data-column="claim_type"] li a').first
        value = facet.inner_text().strip()
        facet.click()
        page.wait_for_url(re.compile(r"claim_type="))
        assert page.locator("table.rows-and-columns tbody tr").count() >= 1
        for cell in page.locator("table.rows-and-columns td.col-claim_type").all_inner_texts():
            assert cell.strip() == value

        # Open a claim page from the table and find its highlighted span
        page.goto(base + "/registry/claims?status=true")
        page.locator("table.rows-and-columns td.col-id a").first.click()
        page.wait_for_url(re.compile(r"/registry/claims/\d+$"))
        claim_id = int(page.url.rsplit("/", 1)[1])
        conn = sqlite3.connect(example_db)
        start, end, article_id = conn.execute('select start, "end", article_id from claims where id = ?',
                                              [claim_id]).fetchone()
        text = conn.execute("select text from articles where id = ?", [article_id]).fetchone()[0]
        conn.close()
        mark = page.locator("mark#claim-span")
        assert mark.is_visible()
        assert mark.inner_text() == text[start:end]
        assert page.locator(".claims-badge-big").inner_text() == "True"
        assert page.locator(".claims-sources a").inner_text() == "The order"
        page.screenshot(path=str(artifacts / "claim-page.png"), full_page=True)

        # Markup in a claim is text, and no script ran
        page.goto(base + f"/registry/claims/{hostile_id}")
        assert "<script>window.pwned = 1</script>" in page.locator("blockquote.claims-text").inner_text()
        assert page.evaluate("window.pwned") is None

        # The review queue leads to a claim, the claim to its place in the article, and back
        page.goto(base + "/registry/review_queue")
        assert page.title() == "Review queue · registry"
        first = page.locator("table.rows-and-columns tr:has(td.col-article a) td.col-text a").first  # from an article
        first.click()
        page.wait_for_url(re.compile(r"/registry/claims/\d+$"))
        queued = int(page.url.rsplit("/", 1)[1])
        page.locator(f'a[href$="/registry/articles/1#claim-{queued}"]').first.click()
        page.wait_for_url(re.compile(rf"/registry/articles/1#claim-{queued}$"))
        target = page.locator(f"#claim-{queued}")
        assert target.count() == 1 and target.is_visible()
        box = target.bounding_box()
        assert box["y"] + box["height"] > 0 and box["y"] < 900, "the article page opens at the claim"
        page.locator(f'.claims-article-text a[data-claim="{queued}"]').first.click()
        page.wait_for_url(re.compile(rf"/registry/claims/{queued}$"))
        assert page.evaluate("window.pwned") is None

        # The article page and the charts
        page.goto(base + "/registry/articles/1")
        conn = sqlite3.connect(example_db)
        n = conn.execute("select count(*) from claims where article_id = 1").fetchone()[0]
        conn.close()
        linked = page.locator(".claims-article-text a[data-claim]").evaluate_all(
            "links => links.map(a => Number(a.dataset.claim))")
        assert sorted(linked) == list(range(1, n + 1)), "every claim of the article is linked once"
        assert page.locator(".claims-article-text .claims-s-true").count() >= 1
        page.screenshot(path=str(artifacts / "article-page.png"), full_page=True)
        page.goto(base + "/registry")
        assert page.locator("#claims-charts svg.claims-bar").count() == 2
        assert page.locator("#claims-charts figure.claims-time rect").count() >= 2
        page.locator("#claims-charts").screenshot(path=str(artifacts / "charts.png"))

        # At a phone's width nothing scrolls sideways, the history table included
        page.set_viewport_size({"width": 390, "height": 900})
        for path in ["/", "/registry", f"/registry/claims/{claim_id}", "/registry/articles/1",
                     "/registry/review_queue", "/registry/claims"]:
            page.goto(base + path)
            assert _no_sideways_scroll(page), path
        page.goto(base + f"/registry/claims/{claim_id}")
        page.screenshot(path=str(artifacts / "claim-page-390.png"), full_page=True)

        outside = [u for u in requests if not u.startswith(base)]
        assert not outside, f"pages reached beyond the server: {outside}"
    for name in ("claims-search.png", "claim-page.png", "article-page.png", "charts.png"):
        assert (artifacts / name).stat().st_size > 1000


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_public_site_by_clicks_at_1280_and_390(browser, example_db, tmp_path, artifacts):
    """The public copy: home → latest verdicts → claim (explanation, JSON-LD) → its place in
    the article → back, and the charts, at a desktop width and a phone's."""
    import subprocess
    import sys

    db = registry.open_registry(example_db)
    registry.add_source(db, 3, "https://www.courtlistener.com/docket/1/", title="The order", kind="court filing",
                        stance="supports", actor="alice")
    registry.set_status(db, 3, "true", note="The order names these groups as plaintiffs.", actor="alice")
    registry.set_status(db, 5, "false", note="Forced for now", actor="bob", force=True)
    registry.set_status(db, 7, "unproven", actor="carol")
    db.conn.close()
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "claims", "publish", str(site), "--db", example_db, "--publisher-name",
                    "Example Fact Check", "--publisher-url", "https://factcheck.example.org"], check=True)

    port = free_port()
    with serving(["datasette", "serve", str(site), "--port", str(port)], port, tmp_path / "site.log") as base:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(base + "/")
            assert page.locator("html").get_attribute("lang") == "en"
            assert _no_sideways_scroll(page), f"home at {width}"
            page.screenshot(path=str(artifacts / f"public-home-{width}.png"), full_page=True)
            page.locator("a", has_text="Latest verdicts").first.click()
            page.wait_for_url(re.compile(r"/registry/latest_verdicts"))
            assert page.locator("table.rows-and-columns tbody tr").count() == 3
            page.screenshot(path=str(artifacts / f"public-verdicts-{width}.png"), full_page=True)
            page.locator("table.rows-and-columns td.col-text a", has_text="The order by").click()
            page.wait_for_url(re.compile(r"/registry/claims/3$"))
            assert page.locator(".claims-explanation").inner_text() == "The order names these groups as plaintiffs."
            assert page.locator('script[type="application/ld+json"]').count() == 1
            assert "alice" not in page.content() and "Forced for now" not in page.content()
            assert _no_sideways_scroll(page), f"claim page at {width}"
            page.screenshot(path=str(artifacts / f"public-claim-{width}.png"), full_page=True)
            source = page.locator(".claims-sources a").first
            assert source.get_attribute("href") == "https://www.courtlistener.com/docket/1/"
            page.locator("a", has_text="This claim in the article page").click()
            page.wait_for_url(re.compile(r"/registry/articles/1#claim-3$"))
            box = page.locator("#claim-3").bounding_box()
            assert box["y"] + box["height"] > 0 and box["y"] < 900, "the article page opens at the claim"
            assert _no_sideways_scroll(page), f"article page at {width}"
            page.screenshot(path=str(artifacts / f"public-article-{width}.png"), full_page=True)
            page.locator('.claims-article-text a[data-claim="5"]').click()
            page.wait_for_url(re.compile(r"/registry/claims/5$"))
            page.goto(base + "/registry")
            widths = page.locator("#claims-charts svg.claims-bar").evaluate_all(
                "bars => bars.map(b => b.getBoundingClientRect().width)")
            assert widths and min(widths) > width / 4, f"chart bars at {width}: {widths}"
            page.locator("#claims-charts").screenshot(path=str(artifacts / f"public-charts-{width}.png"))
            page.goto(base + "/registry/claims")
            assert _no_sideways_scroll(page) or width > 400, f"claims table at {width}"
            breaks = page.locator(".facet-results li, table.rows-and-columns td").evaluate_all(
                "els => els.map(e => getComputedStyle(e).wordBreak)")
            assert breaks and set(breaks) == {"normal"}, "no word is broken mid-word"
            columns = page.locator("table.rows-and-columns th").evaluate_all("ths => ths.map(t => t.dataset.column)")
            assert columns == ["id", "text", "status", "checkworthiness", "claimant", "article_id", "claim_type"]
            if width < 400:  # on a phone the claims come before the facets
                first_row = page.locator("table.rows-and-columns tbody tr").first.bounding_box()["y"]
                facets = page.locator(".facet-results").bounding_box()["y"]
                assert first_row < facets
            page.screenshot(path=str(artifacts / f"public-claims-{width}.png"))
            outside = [u for u in requests if not u.startswith(base)]
            assert not outside, f"pages reached beyond the server: {outside}"
            page.close()

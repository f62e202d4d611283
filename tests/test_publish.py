"""`claims publish`: a read-only snapshot that Datasette serves immutable, with the plugin;
the public profile withholds what a newsroom keeps to itself."""

import asyncio
import html
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from datasette.app import Datasette

from claims import publishing, registry

from conftest import dump, without_package_plugin


def same_content(a, b) -> bool:
    """The same schema and rows (VACUUM INTO may list indexes in another order)."""
    return sorted(dump(a).splitlines()) == sorted(dump(b).splitlines())


def get(ds, path):
    return asyncio.run(ds.client.get(path))


@pytest.fixture
def site(tmp_path, run, example_db):
    """The desk profile: the whole registry."""
    out = tmp_path / "site"
    result = run("publish", str(out), "--profile", "desk", "--no-login")
    assert result.exit_code == 0, result.output
    n = sqlite3.connect(example_db).execute("select count(*) from claims").fetchone()[0]
    assert f"desk profile, {n} claims from 1 articles" in result.output
    return out


def config_dir_datasette(site):
    """What `datasette serve SITE` builds: a configuration directory."""
    return Datasette(config_dir=Path(site))


def test_publish_writes_a_configuration_directory(site, example_db):
    names = {p.name for p in site.iterdir()}
    assert {"registry.db", "metadata.json", "settings.json", "inspect-data.json", "plugins", "templates",
            "README.md"} <= names
    assert not (site / ".registry.db.tmp").exists()
    conn = sqlite3.connect(site / "registry.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert same_content(site / "registry.db", example_db)
    settings = json.loads((site / "settings.json").read_text())
    assert settings["sql_time_limit_ms"] == 3000 and settings["suggest_facets"] is False
    metadata = json.loads((site / "metadata.json").read_text())
    assert "review_queue" in metadata["databases"]["registry"]["queries"]
    assert metadata["plugins"]["claims"]["read_only"] is True
    assert (site / "plugins" / "claims_registry.py").read_text().startswith('"""Datasette plugin')
    assert (site / "templates" / "claims" / "claim.html").exists()
    inspect = json.loads((site / "inspect-data.json").read_text())
    assert inspect["registry"]["file"] == "registry.db"
    n = sqlite3.connect(example_db).execute("select count(*) from claims").fetchone()[0]
    assert inspect["registry"]["tables"]["claims"]["count"] == n


def test_published_registry_is_immutable_and_refuses_writes(site):
    ds = config_dir_datasette(site)
    databases = get(ds, "/-/databases.json").json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("registry", False)]
    assert get(ds, "/-/settings.json").json()["sql_time_limit_ms"] == 3000
    before = dump(site / "registry.db")
    for sql in ["update claims set status = 'false'", "delete from claims", "drop table claims",
                "insert into statuses (name) values ('x')", "attach database 'x.db' as x", "pragma journal_mode = wal"]:
        response = asyncio.run(ds.client.get("/registry.json", params={"sql": sql}))
        assert response.status_code == 400, sql
    for path in ["/registry/review_queue", "/registry", "/registry/claims", "/-/logout", "/registry/claims/1"]:
        response = asyncio.run(ds.client.post(path, data={"sql": "update claims set status = 'false'"}))
        assert response.status_code == 405, path
    assert dump(site / "registry.db") == before
    assert get(ds, "/registry/claims/3").status_code == 200


def test_arbitrary_sql_has_a_time_limit(site):
    ds = Datasette(config_dir=Path(site), settings={**publishing.SETTINGS, "sql_time_limit_ms": 200})
    endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    response = asyncio.run(ds.client.get("/registry.json", params={"sql": endless}))
    assert response.status_code == 400
    assert "took too long" in response.json()["error"].lower()


def test_published_plugin_works_without_the_claims_package(site):
    """The copy in plugins/ and templates/ serve the pages alone, as on a host where only
    Datasette is installed; when the package's plugin is there too, the copy stays quiet."""
    both = config_dir_datasette(site)
    hooks = {p["name"]: p["hooks"] for p in get(both, "/-/plugins.json").json()}
    assert "claims_registry.py" in hooks
    assert get(both, "/registry/claims/3").text.count('id="claim-span"') == 1  # rendered once, not twice
    with without_package_plugin():
        ds = config_dir_datasette(site)
        names = [p["name"] for p in get(ds, "/-/plugins.json").json()]
        assert [n for n in names if "claims" in n] == ["claims_registry.py"]
        page = get(ds, "/registry/claims/3").text
        assert 'id="claim-span"' in page and "claims-badge" in page
        assert 'class="claims-mark' in get(ds, "/registry/articles/1").text
        assert get(ds, "/-/claims/registry.css").status_code == 200
        assert 'href="/registry/review_queue"' in get(ds, "/").text
        assert get(ds, "/-/claims/feeds/registry/verdicts.atom").status_code == 200
        assert '<html lang="en">' in get(ds, "/registry/review_queue").text
        assert get(ds, "/registry/claims").text.count('<nav class="claims-nav"') == 1
        assert asyncio.run(ds.client.post("/registry/review_queue")).status_code == 405


def test_publish_again_brings_the_snapshot_up_to_date(site, run, example_db):
    assert run("status", "3", "in-review").exit_code == 0
    result = run("publish", str(site), "--profile", "desk", "--no-login")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(site / "registry.db")
    assert conn.execute("select status from claims where id = 3").fetchone()[0] == "in-review"
    conn.close()
    assert same_content(site / "registry.db", example_db)


def test_publish_bad_input(tmp_path, run, db_path):
    result = run("publish", str(tmp_path / "site"))  # no registry at db_path yet
    assert result.exit_code == 1 and result.output.startswith("Error: no registry at")
    assert not (tmp_path / "site").exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = run("publish", str(a_file))
    assert result.exit_code == 2 and "is a file" in result.output


# --- the public profile ---------------------------------------------------------------

PUBLISHER = ["--publisher-name", "Example Fact Check", "--publisher-url", "https://factcheck.example.org"]
#: Reviewers' names: none may reach the public copy without --with-reviewers.
REVIEWERS = ["rev-alice-91", "rev-bob-92", "rev-carol-93", "rev-dave-94", "rev-erin-95"]
INTERNAL_NOTES = ["Check plaintiffs list first", "Secret note on the docket source",
                  "Forced until the clerk sends the filing", "Internal: call the clerk on Monday",
                  "Back to the queue, wrong reading"]
EXPLANATION = "The order itself names these groups as plaintiffs on its first page."
HAND_CLAIM = "Zebra crossings doubled in Atlantis between 2019 and 2023"


@pytest.fixture
def reviewed(example_db):
    """The example registry as a desk leaves it mid-review: three verdicts (one with its
    explanation, one forced, one without a note), a claim in review, internal notes
    everywhere, reviewers named, a claim added by hand and never reviewed."""
    db = registry.open_registry(example_db)
    alice, bob, carol, dave, erin = REVIEWERS
    registry.set_status(db, 3, "in-review", note=INTERNAL_NOTES[0], actor=alice)
    registry.add_source(db, 3, "https://www.courtlistener.com/docket/1/", title="The order", kind="court filing",
                        stance="supports", note=INTERNAL_NOTES[1], actor=alice)
    registry.set_status(db, 3, "true", note=EXPLANATION, actor=alice)
    registry.set_status(db, 5, "false", note=INTERNAL_NOTES[2], actor=bob, force=True)
    registry.set_status(db, 7, "unproven", actor=carol)
    registry.add_note(db, 3, INTERNAL_NOTES[3], actor=dave)
    registry.set_status(db, 2, "in-review", note=INTERNAL_NOTES[4], actor=erin)
    registry.assign(db, [3, 5], dave, actor=alice)
    registry.add_claim(db, HAND_CLAIM, claimant="A. Senator", actor=erin)
    db.conn.close()
    return example_db


def paragraphs_without_published_claims(db_path, published):
    """The article's paragraphs (long enough to be found by chance in nothing else) that
    hold none of the published claims: the public copy shows none of their text."""
    conn = sqlite3.connect(db_path)
    text = conn.execute("select text from articles where id = 1").fetchone()[0]
    spans = conn.execute(f'select start, "end" from claims where id in ({",".join(map(str, published))})').fetchall()
    conn.close()
    out, at = [], 0
    for para in text.split("\n\n"):
        start, end = at, at + len(para)
        at = end + 2
        if len(para) > 60 and not any(start <= s < end for s, _ in spans):
            out.append(para)
    return out


def crawl(ds, tables):
    """Every page a reader reaches by links from the home page, every table (hidden ones
    too) with its JSON, and every page their links lead to (every row): ``{path: text}``."""
    seen, queue, pages = set(), ["/"], {}
    for table in tables:
        queue += [f"/registry/{table}", f"/registry/{table}.json?_shape=array&_size=max"]
    while queue:
        path = urldefrag(queue.pop(0))[0]
        if path in seen or not path.startswith("/") or path.startswith("//") or path.startswith("/-/static"):
            continue
        seen.add(path)
        response = get(ds, path)
        if response.status_code != 200 or "text/css" in response.headers.get("content-type", ""):
            continue
        pages[path] = html.unescape(response.text)
        if "html" in response.headers.get("content-type", ""):
            for href in re.findall(r'href="([^"]+)"', response.text):
                href = html.unescape(href)
                if href.startswith("/") and "?" not in href:  # filtered views show the same rows
                    queue.append(href)
    return pages


def test_the_public_copy_withholds_everything_internal(reviewed, run, tmp_path):
    out = tmp_path / "public"
    result = run("publish", str(out), *PUBLISHER)
    assert result.exit_code == 0, result.output
    assert "public profile, 3 claims from 1 articles" in result.output
    conn = sqlite3.connect(out / "registry.db")
    assert [r[0] for r in conn.execute("select id from claims order by id")] == [3, 5, 7]
    assert {r[0] for r in conn.execute("select status from claims")} == {"true", "false", "unproven"}
    # the verdict's explanation is published with it; nothing else of the history
    events = conn.execute("select claim_id, action, actor, note from claim_events order by claim_id").fetchall()
    assert events == [(3, "status", None, EXPLANATION), (5, "status-forced", None, None), (7, "status", None, None)]
    assert conn.execute("select url, note, added_by from sources").fetchall() == [
        ("https://www.courtlistener.com/docket/1/", None, None)]
    assert conn.execute("select count(*) from claim_links").fetchone()[0] == 0
    # each published claim still points at its sentence, in the paragraphs kept
    source = sqlite3.connect(reviewed)
    for claim_id, start, end, article_text in conn.execute(
            'select c.id, c.start, c."end", a.text from claims c join articles a on a.id = c.article_id'):
        sentence = source.execute("select sentence from claims where id = ?", [claim_id]).fetchone()[0]
        assert article_text[start:end] == sentence
    full_text = source.execute("select text from articles where id = 1").fetchone()[0]
    public_text = conn.execute("select text from articles where id = 1").fetchone()[0]
    assert len(public_text) < len(full_text) / 2
    conn.close()
    source.close()

    withheld = paragraphs_without_published_claims(reviewed, [3, 5, 7])
    assert len(withheld) >= 5
    withheld += REVIEWERS + INTERNAL_NOTES + [HAND_CLAIM, full_text]
    raw = (out / "registry.db").read_bytes()
    dumped = dump(out / "registry.db")
    for text in withheld:
        assert text.encode() not in raw and text not in dumped, text[:60]
    for name in (out / "metadata.json", out / "README.md", out / "inspect-data.json"):
        for text in withheld:
            assert text not in name.read_text(), (name, text[:60])

    ds = config_dir_datasette(out)
    conn = sqlite3.connect(out / "registry.db")
    tables = [t for (t,) in conn.execute("select name from sqlite_master where type = 'table'")]
    conn.close()
    pages = crawl(ds, tables)
    assert len(pages) > 30 and "/registry/claims/3" in pages and "/registry/articles/1" in pages
    for path, page in pages.items():
        for text in withheld:
            assert text not in page, (path, text[:60])
    assert EXPLANATION in pages["/registry/claims/3"]


def test_with_reviewers_names_the_reviewer_of_each_verdict(reviewed, run, tmp_path):
    out = tmp_path / "public"
    assert run("publish", str(out), "--with-reviewers").exit_code == 0
    conn = sqlite3.connect(out / "registry.db")
    assert conn.execute("select claim_id, actor from claim_events order by claim_id").fetchall() == [
        (3, REVIEWERS[0]), (5, REVIEWERS[1]), (7, REVIEWERS[2])]
    assert conn.execute("select added_by, note from sources").fetchall() == [(REVIEWERS[0], None)]
    conn.close()
    page = get(config_dir_datasette(out), "/registry/claims/3").text
    assert f"Verdict by <strong>{REVIEWERS[0]}</strong>" in page and EXPLANATION in page
    assert INTERNAL_NOTES[0] not in page and INTERNAL_NOTES[3] not in page
    assert run("publish", str(out), "--with-reviewers", "--profile", "desk").exit_code == 2


def test_desk_profile_shows_who_when_and_every_note(reviewed, run, tmp_path):
    out = tmp_path / "desk"
    assert run("publish", str(out), "--profile", "desk", "--no-login").exit_code == 0
    assert same_content(out / "registry.db", reviewed)
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["plugins"]["claims"]["profile"] == "desk"
    assert "review_queue" in metadata["databases"]["registry"]["queries"]
    ds = config_dir_datasette(out)
    page = get(ds, "/registry/claims/3").text
    verdict = page[page.index('class="claims-verdict'):page.index("</section>", page.index('class="claims-verdict'))]
    assert EXPLANATION in verdict and f"Verdict by <strong>{REVIEWERS[0]}</strong>" in verdict
    assert INTERNAL_NOTES[0] in page and INTERNAL_NOTES[3] in page  # the history, on the desk
    forced = get(ds, "/registry/claims/5").text
    assert "set without a source" in forced and f"(internal, not published): {INTERNAL_NOTES[2]}" in forced


def test_claim_pages_carry_the_exported_claimreview(reviewed, run, tmp_path):
    out = tmp_path / "public"
    assert run("publish", str(out), *PUBLISHER).exit_code == 0
    exported = run("export", "--format", "claimreview", *PUBLISHER)
    assert exported.exit_code == 0, exported.output
    items = json.loads(exported.output)
    assert len(items) == 3
    ds = config_dir_datasette(out)
    for item in items:
        claim_id = int(item["url"].rsplit("/", 1)[1])
        page = get(ds, f"/registry/claims/{claim_id}").text
        scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
        assert len(scripts) == 1
        assert json.loads(scripts[0]) == item
    # without a publisher there is no ClaimReview to put in a page, and the command says so
    bare = tmp_path / "bare"
    result = run("publish", str(bare))
    assert result.exit_code == 0 and "No ClaimReview in the pages" in result.output
    assert "application/ld+json" not in get(config_dir_datasette(bare), "/registry/claims/3").text


def test_claimreview_in_a_page_cannot_end_its_script(run, db_path, tmp_path):
    db = registry.open_registry(db_path)
    claim_id, _ = registry.add_claim(db, "Crime fell </script><script>alert(1)</script> & rose", claimant="X")
    registry.set_status(db, claim_id, "unproven", note="</script> in a note")
    db.conn.close()
    out = tmp_path / "public"
    assert run("publish", str(out), *PUBLISHER).exit_code == 0
    page = get(config_dir_datasette(out), f"/registry/claims/{claim_id}").text
    script = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1)
    assert json.loads(script)["claimReviewed"] == "Crime fell </script><script>alert(1)</script> & rose"
    assert "<script>alert" not in page


def test_excerpt_keeps_the_paragraphs_around_the_spans():
    text = "First para one.\n\nSecond para holds A. And B.\n\nThird para.\n\nFourth holds C."
    a, b = text.index("A."), text.index("B.")
    c = text.index("C.")
    out, moved = publishing.excerpt(text, [(a, a + 2), None, (b, b + 2), (c, c + 2)])
    assert out == "Second para holds A. And B." + publishing.GAP + "Fourth holds C."
    assert [out[s:e] if (s, e) != (None, None) else None for s, e in
            [m if m else (None, None) for m in moved]] == ["A.", None, "B.", "C."]
    long = "x" * 2000 + " Claim here. " + "y" * 2000
    s = long.index("Claim")
    out, [(ms, me)] = publishing.excerpt(long, [(s, s + 11)])
    assert out.startswith("… ") and out.endswith(" …") and out[ms:me] == "Claim here."
    assert publishing.excerpt("text", []) == ("", [])


def test_a_desk_copy_asks_for_a_password(reviewed, run, tmp_path, monkeypatch):
    passwords = pytest.importorskip("datasette_auth_passwords.utils")
    out = tmp_path / "desk"
    result = run("publish", str(out), "--profile", "desk")
    assert result.exit_code == 0 and "Every page asks for a login" in result.output
    assert "datasette hash-password" in (out / "README.md").read_text()
    monkeypatch.setenv(publishing.PASSWORD_HASH_ENV, passwords.hash_password("correct horse"))
    ds = config_dir_datasette(out)
    for path in ["/", "/registry", "/registry/claims", "/registry/claims/3", "/registry/claim_events.json",
                 "/registry.json?sql=select+note+from+claim_events"]:
        assert get(ds, path).status_code == 403, path

    def login(password):
        page = get(ds, "/-/login")
        assert page.status_code == 200
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
        return asyncio.run(ds.client.post("/-/login", data={"username": "desk", "password": password,
                                                             "csrftoken": token}, cookies=dict(page.cookies)))

    refused = login("wrong")
    assert refused.status_code == 200 and "ds_actor" not in refused.cookies
    signed_in = login("correct horse")
    assert signed_in.status_code == 302 and "ds_actor" in signed_in.cookies
    cookies = {"ds_actor": signed_in.cookies["ds_actor"]}
    page = asyncio.run(ds.client.get("/registry/claims/3", cookies=cookies))
    assert page.status_code == 200 and INTERNAL_NOTES[3] in page.text
    write = asyncio.run(ds.client.post("/registry/review_queue", cookies=cookies))
    assert write.status_code == 405  # signed in, still read-only

    monkeypatch.delenv(publishing.PASSWORD_HASH_ENV)
    assert login("correct horse").status_code == 200  # no hash: nobody signs in


def test_excerpt_of_spans_past_the_end_of_the_text():
    out, moved = publishing.excerpt("Short text.", [(5, 50), (40, 60)])
    assert out == "Short text." and moved == [(5, 11), (11, 11)]


def test_the_same_verdict_again_with_a_note_replaces_its_explanation(reviewed, run, tmp_path):
    result = run("status", "7", "unproven", "--note", "No record either way, the court says.", "--by", "rev-carol-93")
    assert result.exit_code == 0 and "with a new note" in result.output
    assert run("status", "7", "unproven").output.strip() == "claim 7: unproven -> unproven"  # no note: nothing
    out = tmp_path / "public"
    assert run("publish", str(out)).exit_code == 0
    conn = sqlite3.connect(out / "registry.db")
    assert conn.execute("select note, actor from claim_events where claim_id = 7").fetchall() == [
        ("No record either way, the court says.", None)]
    conn.close()
    page = get(config_dir_datasette(out), "/registry/claims/7").text
    assert '<p class="claims-explanation">No record either way, the court says.</p>' in page
    history = json.loads(run("history", "7").output)
    assert [e["action"] for e in history] == ["created", "status", "status"]


def test_publish_refuses_half_a_publisher_and_writes_nothing(reviewed, run, tmp_path):
    out = tmp_path / "public"
    result = run("publish", str(out), "--publisher-name", "Example Fact Check")
    assert result.exit_code == 1 and result.output.startswith("Error: ClaimReview needs the publishing organisation")
    assert not out.exists()
    result = run("publish", str(out), "--profile", "newsroom")
    assert result.exit_code == 2 and not out.exists()

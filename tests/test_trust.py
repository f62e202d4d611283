"""Trust (issue 20): no file overwritten that claims did not write, read commands that change
nothing, foreign and newer files refused, one parser for ids, dates and URLs, every
reviewer's word kept, stored text escaped on a terminal, a full disk as one error line."""

import csv
import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims import articles, registry
from claims.cli import cli
from claims.migrations import migrations
from conftest import EXAMPLE, dump


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def one_error(result, *texts):
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for text in texts:
        assert text in lines[0], lines[0]
    return lines[0]


def foreign_db(path, table="posts"):
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute(f"INSERT INTO {table} (body) VALUES ('hello')")
    conn.commit()
    conn.close()
    return str(path)


# --- no data loss by a wrong path ----------------------------------------------------------


def test_publish_refuses_a_directory_it_did_not_write(example_db, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "README.md").write_text("my own notes\n")
    other = foreign_db(site / "registry.db")
    before = {p.name: digest(p) for p in site.iterdir()}
    one_error(invoke("publish", str(site), "-d", example_db), str(site), "not empty")
    assert {p.name: digest(p) for p in site.iterdir()} == before
    assert Path(other).exists()


def test_publish_again_into_its_own_directory_but_not_over_a_replaced_registry(example_db, tmp_path):
    site = tmp_path / "site"
    assert invoke("publish", str(site), "-d", example_db).exit_code == 0
    (site / "mine.txt").write_text("kept")
    result = invoke("publish", str(site), "-d", example_db)
    assert result.exit_code == 0, result.output
    assert (site / "mine.txt").read_text() == "kept"  # a file it did not write is left alone
    (site / "registry.db").unlink()
    foreign_db(site / "registry.db")
    before = digest(site / "registry.db")
    one_error(invoke("publish", str(site), "-d", example_db), "not the snapshot")
    assert digest(site / "registry.db") == before


def test_export_never_overwrites_the_registry_or_a_database(example_db, tmp_path):
    before = dump(example_db)
    link = tmp_path / "link.db"
    link.symlink_to(example_db)
    hard = tmp_path / "hard.db"
    os.link(example_db, hard)
    for target in (example_db, str(link), str(hard)):
        one_error(invoke("export", "-d", example_db, "-o", target), "is the registry being exported")
    other = foreign_db(tmp_path / "other.db")
    other_before = digest(other)
    one_error(invoke("export", "-d", example_db, "-o", other), "SQLite database")
    assert digest(other) == other_before
    assert dump(example_db) == before
    ok = invoke("export", "-d", example_db, "-o", str(tmp_path / "review.csv"))
    assert ok.exit_code == 0 and (tmp_path / "review.csv").exists()


def test_a_registry_path_is_a_file_path_never_an_uri(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("add", "Crime fell 10% in 2020, the mayor said.", "-d", "file:x?mode=memory")
    assert result.exit_code == 0, result.output
    stored = tmp_path / "file:x?mode=memory"
    assert stored.exists()
    assert sqlite3.connect(stored).execute("SELECT count(*) FROM claims").fetchone()[0] == 1


# --- opening -------------------------------------------------------------------------------


READS = [["list"], ["show", "1"], ["history", "1"], ["search", "court"], ["export"], ["article", "1"],
         ["source", "1", "--list"], ["similar", "court order", "--lexical"], ["import", "x.csv", "--dry-run"],
         ["lint"]]


@pytest.mark.parametrize("args", READS, ids=[a[0] for a in READS])
def test_a_read_command_refuses_a_missing_registry_and_creates_nothing(tmp_path, args):
    missing = tmp_path / "nope.db"
    one_error(invoke(*args, "-d", str(missing)), str(missing))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", READS[:6] + [["add", "Taxes rose 3% in 2021."], ["status", "1", "true"],
                                             ["factchecks", "import", "FC", "--no-embed"]],
                         ids=[a[0] for a in READS[:6]] + ["add", "status", "factchecks"])
@pytest.mark.parametrize("table", ["posts", "articles"])
def test_a_foreign_database_is_refused_and_left_byte_identical(tmp_path, args, table):
    other = foreign_db(tmp_path / "cms.db", table)
    before = digest(other)
    fc = tmp_path / "fc.jsonl"
    fc.write_text(json.dumps({"id": "1", "text": "Crime fell 10% in 2020."}) + "\n")
    one_error(invoke(*[str(fc) if a == "FC" else a for a in args], "-d", other), other, "not a claims registry")
    assert digest(other) == before
    assert sqlite3.connect(other).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cms.db", "fc.jsonl"]


def test_a_read_command_does_not_change_a_registry(example_db, tmp_path):
    copy = str(tmp_path / "copy.db")  # a registry in rollback-journal mode, as a published copy is
    sqlite3.connect(example_db).execute("VACUUM INTO ?", [copy])
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(copy)
    for args in READS[:6]:
        result = invoke(*args, "-d", copy)
        assert result.exit_code == 0, (args, result.output)
    assert digest(copy) == before
    assert sqlite3.connect(copy).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_newer_registry_is_read_with_a_warning_and_never_written(example_db):
    conn = sqlite3.connect(example_db)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES (?, 'm999_from_the_future', '2030-01-01')", [migrations.name])
    conn.commit()
    conn.close()
    before = dump(example_db)
    for args in (["add", "Taxes rose 3% in 2021."], ["status", "1", "in-review"], ["extract", str(EXAMPLE)]):
        one_error(invoke(*args, "-d", example_db), "newer version", "m999_from_the_future")
    assert dump(example_db) == before
    result = CliRunner().invoke(cli, ["list", "-d", example_db])
    assert result.exit_code == 0
    assert "Warning:" in result.stderr and "m999_from_the_future" in result.stderr
    assert json.loads(result.stdout)


# --- one parser for ids, limits, dates and URLs -------------------------------------------------


@pytest.mark.parametrize("args,what", [
    (["show", "1_0"], "claim id"), (["show", "٣"], "claim id"), (["show", "３"], "claim id"),
    (["show", "99999999999999999999"], "claim id"), (["show", "0"], "claim id"), (["show", "--", "-1"], "claim id"),
    (["show", " 1"], "claim id"), (["status", "99999999999999999999", "true"], "claim id"),
    (["history", "1.0"], "claim id"), (["source", "+1", "--list"], "claim id"),
    (["source", "1", "--remove", "99999999999999999999"], "source id"),
    (["article", "99999999999999999999"], "article id"), (["link", "confirm", "99999999999999999999"], "link id"),
    (["list", "--limit", "-1"], "--limit"), (["list", "--limit", "0"], "--limit"),
    (["list", "--article", "99999999999999999999"], "article id"), (["search", "x", "--limit", "1e3"], "--limit"),
    (["export", "--article", "99999999999999999999"], "article id"),
    (["add", "A claim.", "--article", "x"], "article id"), (["similar", "x", "--limit", "٣"], "--limit"),
])
def test_ids_and_limits_take_ascii_digits_in_sqlite_range(example_db, args, what):
    before = dump(example_db)
    one_error(invoke(*args, "-d", example_db), what)
    assert dump(example_db) == before


@pytest.mark.parametrize("args,what", [
    (["extract", str(EXAMPLE), "--published", "yesterday"], "--published"),
    (["extract", str(EXAMPLE), "--published", "2024-02-30"], "--published"),
    (["article", "1", "--published", "2024-13-01"], "--published"),
    (["export", "--since", "0001-01-01T00:00:00+23:59"], "--since"),
    (["export", "--since", "９９９９-01-01"], "--since"),
    (["extract", str(EXAMPLE), "--url", "https://example.com/a\nb"], "URL"),
    (["extract", str(EXAMPLE), "--url", "https://example.com:99999/"], "URL"),
    (["extract", str(EXAMPLE), "--url", "https://example.com:-1/"], "URL"),
    (["source", "1", "https://example.com:0/"], "URL"),
    (["source", "1", "http://exa mple.com/"], "URL"),
    (["source", "1", "javascript:alert(1)"], "URL"),
    (["extract", str(EXAMPLE), "--encoding", "undefined"], "encoding"),
    (["extract", str(EXAMPLE), "--encoding", "rot13"], "encoding"),
])
def test_dates_urls_and_encodings_are_checked_before_use(example_db, args, what):
    before = dump(example_db)
    one_error(invoke(*args, "-d", example_db), what)
    assert dump(example_db) == before


def test_punycode_input_is_an_error_not_a_traceback(example_db, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xff\xfe\x00 not punycode at all")
    one_error(invoke("extract", str(path), "--encoding", "punycode", "-d", example_db))
    path.write_bytes(b"\n")  # the codec's message quotes a newline: still one line
    one_error(invoke("extract", str(path), "--encoding", "punycode", "-d", example_db), "punycode")


def test_fact_checks_with_a_bad_url_or_deep_json_are_refused(example_db, tmp_path):
    before = dump(example_db)
    bad = tmp_path / "fc.jsonl"
    bad.write_text(json.dumps({"id": "1", "text": "Crime fell.", "url": "javascript:alert(1)"}) + "\n")
    one_error(invoke("factchecks", "import", str(bad), "--no-embed", "-d", example_db), "URL")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    one_error(invoke("factchecks", "import", str(deep), "--no-embed", "-d", example_db), "nested")
    big = tmp_path / "big.jsonl"
    big.write_text('{"id": "1", "text": "x", "n": ' + "9" * 5000 + "}\n")
    one_error(invoke("factchecks", "import", str(big), "--no-embed", "-d", example_db), "digits")
    assert dump(example_db) == before
    one_error(invoke("lint", str(deep)), "nested")
    review = tmp_path / "review.json"
    review.write_text('{"claimReviewed": "x", "reviewRating": {"ratingValue": ' + "9" * 400 + "}}")
    one_error(invoke("lint", str(review)), "digits")


def test_undecodable_argument_bytes_are_an_error(example_db):
    before = dump(example_db)
    one_error(invoke("add", "Crime fell \udcff 10%.", "-d", example_db), "UTF-8")
    one_error(invoke("extract", str(EXAMPLE), "--title", "\udce9t\udce9", "-d", example_db), "UTF-8")
    assert dump(example_db) == before


def test_publisher_config_values_must_be_strings(example_db, tmp_path):
    config = tmp_path / "publisher.toml"
    config.write_text("[publisher]\nname = 5\nurl = [\"https://x.example\"]\n")
    one_error(invoke("lint", "--config", str(config), "-d", example_db), "must be a string")


# --- reviewers' words are kept -------------------------------------------------------------


def test_add_of_a_stored_text_refuses_what_it_would_not_apply(run, db_path):
    assert run("add", "Crime fell 10% in 2020.", "--claimant", "Mayor").exit_code == 0
    before = dump(db_path)
    for extra in (["--status", "in-review"], ["--note", "seen on TV"], ["--claimant", "Governor"],
                  ["--source", "https://example.com/data"]):
        line = one_error(run("add", "Crime fell 10% in 2020.", *extra), "claim 1 already holds this text")
        assert extra[0] in line
    assert dump(db_path) == before
    again = run("add", "Crime fell 10% in 2020.", "--claimant", "Mayor")  # the same command again: a no-op
    assert again.exit_code == 0 and "already in the registry" in again.output
    assert dump(db_path) == before


def test_a_same_status_change_keeps_its_note(run, db_path):
    run("add", "Crime fell 10% in 2020.")
    assert run("status", "1", "in-review", "--by", "ana").exit_code == 0
    result = run("status", "1", "in-review", "--note", "still checking the figures", "--by", "bob")
    assert result.exit_code == 0 and "with a new note" in result.output
    events = registry.history(registry.open_registry(db_path), 1)
    assert (events[-1]["action"], events[-1]["actor"], events[-1]["note"]) == ("note", "bob", "still checking the figures")


def _sheet(run, tmp_path, edits, extra_columns=()):
    path = tmp_path / "review.csv"
    assert run("export", "-o", str(path)).exit_code == 0
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames) + list(extra_columns), list(reader)
    for i, cells in edits.items():
        rows[i].update(cells)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_import_keeps_each_reviewers_note(run, db_path, tmp_path):
    for text in ("Crime fell 10% in 2020.", "Taxes rose 3% in 2021.", "Rents doubled since 2015."):
        run("add", text)
    run("status", "1", "in-review", "--note", "check the police data", "--by", "ana")
    run("status", "2", "in-review", "--note", "check the police data", "--by", "ana")
    path = _sheet(run, tmp_path, {0: {"note": "check the police data", "reviewer": "bob"},
                                  1: {"note": "check the police data", "new_status": "unproven", "reviewer": "ana"}})
    result = run("import", path)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    notes = conn.execute("SELECT claim_id, actor, action FROM claim_events WHERE note = 'check the police data' "
                         "ORDER BY id").fetchall()
    assert (1, "bob", "note") in notes  # the same words from another reviewer
    assert (2, "ana", "status") in notes[2:]  # the same words with a new status change
    again = run("import", path)  # importing the same file again adds nothing
    assert again.exit_code == 0 and "0 claims changed" in again.output


def test_ignored_columns_are_summarised(run, tmp_path):
    run("add", "Crime fell 10% in 2020.")
    extra = [f"col{i}" for i in range(10_000)]
    path = _sheet(run, tmp_path, {0: {"new_status": "in-review", "reviewer": "ana"}}, extra)
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert "Ignored columns (10,000): col0, col1, col2, col3, col4 and 9,995 more" in result.output
    assert len(result.output) < 2000


def test_mixed_line_ends_are_read(run, db_path, tmp_path):
    for text in ("Crime fell 10% in 2020.", "Taxes rose 3% in 2021.", "Rents doubled since 2015."):
        run("add", text)
    path = _sheet(run, tmp_path, {k: {"new_status": "in-review", "reviewer": "ana"} for k in range(3)})
    lines = Path(path).read_bytes().split(b"\r\n")
    Path(path).write_bytes(lines[0] + b"\r" + lines[1] + b"\n" + lines[2] + b"\r\n" + lines[3] + b"\r")
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM claims WHERE status = 'in-review'").fetchone()[0] == 3


# --- the reviewer's terminal ---------------------------------------------------------------


NASTY = "Crime fell 10%\x1b[2J\x1b]52;c;cHduZWQ=\x07 in 2020\u202e, the mayor said."


def test_stored_escape_sequences_never_reach_the_terminal(run, tmp_path):
    assert run("add", NASTY).exit_code == 0
    outputs = [run("list", "--table").output, run("search", "crime", "--table").output,
               run("similar", "crime fell in 2020", "--lexical").output]
    path = _sheet(run, tmp_path, {0: {"new_status": "in-review", "reviewer": "ana\x1b[31m",
                                      "note": "see \x1b]8;;http://evil\x07here"}})
    outputs.append(run("import", path).output)
    for out in outputs:
        assert "Crime fell" in out or "claim 1" in out, out
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, repr(out)
    assert "\\x1b" in outputs[0]
    page = run("show", "1").output
    assert "Crime fell" in page and "\x1b" not in page and "\x07" not in page and "\u202e" not in page, repr(page)
    shown = run("show", "1", "--json").output  # JSON: C1 controls (CSI), DEL and bidi overrides as \\u escapes
    assert "\x1b" not in shown and "\u202e" not in shown and json.loads(shown)["text"] == NASTY


def test_json_output_escapes_what_a_terminal_would_act_on(run):
    text = "Taxes rose 5%\x9b31m in 2020\x7f, the mayor\u2028 said."
    assert run("add", text).exit_code == 0
    for out in (run("show", "1", "--json").output, run("show", "1").output, run("list").output,
                run("list", "--nl").output):
        assert "\x9b" not in out and "\x7f" not in out and "\u2028" not in out, repr(out)
    assert json.loads(run("list").output)[0]["text"] == text


# --- HTML and Markdown: only visible text ----------------------------------------------------


VISIBLE = "The council approved a budget of $45 million on Tuesday, up 12% from 2023, the mayor said."


def test_only_visible_text_of_html_becomes_article_text(tmp_path):
    hidden = ["<template><p>Template text says prices rose 40% in 2020, officials said.</p></template>",
              "<noscript><p>Noscript text says prices rose 40% in 2020, officials said.</p></noscript>",
              "<iframe><p>Iframe text says prices rose 40% in 2020, officials said.</p></iframe>",
              "<object><p>Object text says prices rose 40% in 2020, officials said.</p></object>",
              "<svg><text>Svg text says prices rose 40% in 2020, officials said.</text></svg>"]
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><article><h1>Budget</h1><p>{VISIBLE}</p>{''.join(hidden)}"
                    f"<p>Spending on roads will rise to $8 million, according to the finance office.</p>"
                    "</article></body></html>")
    text = articles.read_article(str(page)).text
    assert "$45 million" in text and "$8 million" in text
    assert "40%" not in text and "text says" not in text


def test_only_visible_text_of_markdown_becomes_article_text(tmp_path):
    page = tmp_path / "story.md"
    page.write_text(f"# Budget\n\n{VISIBLE}\n\n<script>document.write('Script says crime fell 40%.')</script>\n\n"
                    "<style>.x::after { content: 'Style says 40%' }</style>\n\n"
                    "<template>Template says 40%.</template> Roads will cost $8 million, the office said.\n\n"
                    "<script>an unclosed script says 40%\nstill script\n\nThe last paragraph is visible.\n")
    text = articles.read_article(str(page)).text
    assert "$45 million" in text and "$8 million" in text and "The last paragraph is visible." in text
    assert "40%" not in text and "script" not in text.lower()


# --- runaway input ---------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["Mr. Smith met Dr. Jones at 5 p.m. in the U.S. and ",
                                  "the council said spending rose 5 percent and ", "x" * 50])
def test_a_long_line_is_cut_at_safe_points_and_every_span_holds(unit, run, db_path, tmp_path):
    body = (unit * (60_000 // len(unit) + 1))[:60_000]
    cut = articles.cut_long_lines(body)
    assert max(len(line) for line in cut.split("\n")) <= articles.MAX_LINE
    assert "".join(cut.split()) == "".join(body.split())  # only whitespace became line breaks
    path = tmp_path / "long.txt"
    path.write_text("A long line\n\n" + body + "\n")
    result = run("extract", str(path), "--json")
    if unit.startswith("x"):  # no words: furniture, refused in one line
        one_error(result, "no article text")
        return
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    text = conn.execute("SELECT text FROM articles").fetchone()[0]
    for start, end, sentence in conn.execute('SELECT start, "end", sentence FROM claims'):
        assert text[start:end] == sentence


def test_short_lines_are_left_as_they_are():
    text = "A line.\n\nAnother line of prose, said the mayor.\n"
    assert articles.cut_long_lines(text) is text


# --- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs (needs root: skipped otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)  # lazy: in-process connections may hold it


def big_registry(path, n=8000):
    db = registry.open_registry(path)
    text = " ".join(f"Item {k} rose {k % 50 + 1}% to ${k} million in {1990 + k % 30}." for k in range(n))
    registry.add_articles(db, [({"text": text}, [])])
    with registry.write(db):
        for k in range(n):
            db.execute("INSERT INTO claims (key, text, status, created_at, updated_at) VALUES (?, ?, 'unreviewed', "
                       "'2024-01-01', '2024-01-01')", [f"k{k}", f"Claim {k}: taxes rose {k}% in 2020. " * 5])
    db.conn.close()
    return path


def test_export_and_publish_onto_a_full_disk(small_disk, tmp_path):
    db_path = big_registry(str(tmp_path / "registry.db"))
    out = small_disk / "review.csv"
    out.write_text("the previous export\n")
    line = one_error(invoke("export", "-d", db_path, "-o", str(out)))
    assert "review.csv" in line
    assert out.read_text() == "the previous export\n"
    assert sorted(p.name for p in small_disk.iterdir()) == ["review.csv"]
    one_error(invoke("publish", str(small_disk / "site"), "--profile", "desk", "--no-login", "-d", db_path))
    site = small_disk / "site"
    assert not site.exists() or not (site / "registry.db").exists()
    assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")] if site.exists() else True


def test_registry_writes_onto_a_full_disk(small_disk):
    db_path = str(small_disk / "registry.db")
    assert invoke("add", "Crime fell 10% in 2020.", "-d", db_path).exit_code == 0
    filler = small_disk / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    before = sqlite3.connect(db_path).execute("SELECT count(*) FROM claims").fetchone()[0]
    big = "The council spent $5 million on roads in 2020, the mayor said. " * 3000
    one_error(invoke("add", big, "-d", db_path), "disk is full")
    page = small_disk.parent / "page.txt"
    page.write_text("Budget\n\n" + big)
    one_error(invoke("extract", str(page), "-d", db_path), "disk is full")
    filler.unlink()
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM claims").fetchone()[0] == before
    assert sqlite3.connect(db_path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_publish_stopped_after_its_rename_may_run_again(example_db, tmp_path):
    site = tmp_path / "site"
    assert invoke("publish", str(site), "-d", example_db).exit_code == 0
    marker = json.loads((site / ".claims-publish.json").read_text())
    assert "registry.db" in marker["files"] and marker["registry"][0] == (site / "registry.db").stat().st_size
    marker["registry"] = None  # as a publish stopped between the rename and the final marker leaves it
    (site / ".claims-publish.json").write_text(json.dumps(marker))
    assert invoke("publish", str(site), "-d", example_db).exit_code == 0


def test_backup_and_publish_paths_that_look_like_uris_are_files(example_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file:out").mkdir()
    assert invoke("backup", "file:out/copy.db", "-d", example_db).exit_code == 0
    assert (tmp_path / "file:out" / "copy.db").exists()
    result = invoke("publish", "file:site", "-d", example_db)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "file:site" / "registry.db").exists()
    one_error(invoke("publish", "site?mode=memory", "-d", example_db), "'?'")
    assert not (tmp_path / "site?mode=memory").exists()


def test_import_of_an_id_past_sqlites_range_is_a_problem_not_a_traceback(run, db_path, tmp_path):
    run("add", "Crime fell 10% in 2020.")
    path = tmp_path / "r.csv"
    path.write_text("id,version,new_status,reviewer\n99999999999999999999,1,in-review,ana\n")
    before = dump(db_path)
    result = run("import", str(path))
    assert result.exit_code == 1 and result.output.strip().splitlines()[-1].startswith("Error: "), result.output
    assert "not a claim id" in result.output
    assert dump(db_path) == before


def test_a_search_for_control_characters_is_no_error(example_db):
    for query in ("\x00", "court\x00order", "\x1b[2J", "\u202e"):
        for args in (["search", query], ["list", "--search", query]):
            result = invoke(*args, "-d", example_db)
            assert result.exit_code == 0 and isinstance(json.loads(result.output), list), (query, result.output)

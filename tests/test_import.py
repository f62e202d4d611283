"""claims import: reviewers' CSV files back into the registry, checked, atomic, idempotent."""

import csv
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from claims import importing, registry
from claims.cli import cli
from conftest import dump

COURT = "https://www.courtlistener.com/docket/1/"


# --- helpers ---------------------------------------------------------------------------


def export(run, path, *args):
    result = run("export", "-o", str(path), *args)
    assert result.exit_code == 0, result.output
    return path


def read(path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames), rows


def write(path, fields, rows, *, bom=False, crlf=False, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        if bom:
            f.write("\ufeff")
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\r\n" if crlf else "\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def edited(src, dst, edits: dict, **kw):
    """Copy the export ``src`` to ``dst``, filling reviewer columns of the claims in ``edits``."""
    fields, rows = read(src)
    for row in rows:
        row.update(edits.get(int(row["id"]), {}))
    return write(dst, fields, rows, **kw)


def claim(run, claim_id) -> dict:
    return json.loads(run("show", str(claim_id), "--json").output)


# --- the reviewer's round trip -----------------------------------------------------------


def test_verdicts_sources_and_notes_come_back_with_names(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv", "--bom")
    dst = edited(src, tmp_path / "done.csv", {
        1: {"new_status": "true", "source_url": COURT, "source_title": "Order", "source_stance": "supports",
            "note": "The order says so", "reviewer": "alice"},
        2: {"new_status": "Mostly true", "source_url": "https://www.irs.gov/x"},  # a label; reviewer from --by
        3: {"note": "Ask the court for the docket"},
        4: {"new_status": "unproven", "reviewer": "carol"},  # needs no source
    })
    result = run("import", str(dst), "--by", "bob")
    assert result.exit_code == 0, result.output
    assert "4 claims changed (3 status changes, 2 sources added, 2 notes)" in result.output

    one = claim(run, 1)
    assert one["status"] == "true"
    assert [(s["url"], s["title"], s["stance"], s["added_by"]) for s in one["sources"]] == [
        (COURT, "Order", "supports", "alice")]
    assert [(e["action"], e["actor"], e["new_value"], e["note"]) for e in one["history"]][1:] == [
        ("source-added", "alice", COURT, None),  # the source first, so the verdict has it
        ("status", "alice", "true", "The order says so"),
    ]
    two = claim(run, 2)
    assert two["status"] == "mostly-true" and two["history"][-1]["actor"] == "bob"
    three = claim(run, 3)
    assert three["status"] == "unreviewed" and three["version"] == 1  # a note does not bump the version
    assert (three["history"][-1]["action"], three["history"][-1]["note"], three["history"][-1]["actor"]) == (
        "note", "Ask the court for the docket", "bob")
    assert claim(run, 4)["status"] == "unproven"


def test_reimporting_the_same_file_changes_nothing(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    dst = edited(src, tmp_path / "done.csv", {
        1: {"new_status": "false", "source_url": COURT, "note": "Refuted", "reviewer": "alice"},
        5: {"note": "Only a note", "reviewer": "alice"},
    })
    assert run("import", str(dst)).exit_code == 0
    after_first = dump(example_db)
    again = run("import", str(dst))
    assert again.exit_code == 0, again.output
    assert "0 claims changed" in again.output and "0 conflicts" in again.output
    assert dump(example_db) == after_first


def test_dry_run_prints_the_same_and_writes_nothing(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    dst = edited(src, tmp_path / "done.csv", {
        1: {"new_status": "false", "source_url": COURT, "reviewer": "alice"},
        2: {"note": "Hmm", "reviewer": "bob"},
    })
    before = dump(example_db)
    dry = run("import", str(dst), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dump(example_db) == before
    assert "Dry run: nothing was written." in dry.output
    real = run("import", str(dst))
    assert real.exit_code == 0
    assert dry.output.replace("would change", "changed").replace("Dry run: nothing was written.\n", "") == real.output


def test_a_spreadsheet_written_file_imports(example_db, run, tmp_path):
    """BOM, CRLF, columns reordered, a quoted newline, extra columns and trailing blank rows."""
    src = export(run, tmp_path / "review.csv")
    fields, rows = read(src)
    rows[0].update(new_status="false", source_url=COURT, note="Line one\r\nline two, \"quoted\"", reviewer="alice",
                   Comments="ignore me")
    fields = ["Comments"] + list(reversed(fields)) + [""]
    path = tmp_path / "from-excel.csv"
    write(path, fields, rows, bom=True, crlf=True)
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write("," * (len(fields) - 1) + "\r\n" + "\r\n")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "Ignored columns: Comments, (unnamed column" in result.output
    one = claim(run, 1)
    assert one["status"] == "false"
    assert one["history"][-1]["note"] == "Line one\r\nline two, \"quoted\""


def test_encoding_option(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    fields, rows = read(src)
    rows = [r for r in rows if int(r["id"]) == 2]
    rows[0].update(note="Vérifié au café", reviewer="zoë")
    path = write(tmp_path / "latin.csv", fields, rows, encoding="cp1252")
    before = dump(example_db)
    refused = run("import", str(path))
    assert refused.exit_code == 1 and "--encoding" in refused.output
    assert dump(example_db) == before
    result = run("import", str(path), "--encoding", "cp1252")
    assert result.exit_code == 0, result.output
    last = claim(run, 2)["history"][-1]
    assert (last["note"], last["actor"]) == ("Vérifié au café", "zoë")


def test_line_numbers_count_quoted_newlines(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    fields, rows = read(src)
    rows[0]["note"] = "one\ntwo\nthree"
    rows[0]["reviewer"] = "alice"
    rows[1]["new_status"] = "bogus"
    path = write(tmp_path / "multi.csv", fields, rows)
    # The export's own sentences may span lines too: find the real line of the second row.
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("\n2,")].count("\n") + 2
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"line {line}, column new_status: unknown status 'bogus'" in result.output


def test_the_status_column_is_not_imported_and_says_so(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    dst = edited(src, tmp_path / "done.csv", {3: {"status": "false"}})
    result = run("import", str(dst))
    assert result.exit_code == 0
    assert "Warning: line 4, column status: changed to 'false', but only new_status is imported" in result.output
    assert claim(run, 3)["status"] == "unreviewed"


def test_formula_like_cells_come_back_without_the_apostrophe(run, db_path, tmp_path):
    db = registry.open_registry(db_path)
    registry.add_claim(db, "=SUM(A1:A9) is what the budget spent")
    registry.add_claim(db, "-5% is the fall in crime")
    src = export(run, tmp_path / "review.csv")
    fields, rows = read(src)
    assert [r["claim"][:2] for r in rows] == ["'=", "'-"]
    for r in rows:
        r.update(note="=not a formula", reviewer="@alice")
    # Without the apostrophe un-neutralised, the claim text check would see a conflict.
    result = run("import", str(write(tmp_path / "done.csv", fields, rows)))
    assert result.exit_code == 0, result.output
    last = claim(run, 1)["history"][-1]
    assert (last["note"], last["actor"]) == ("=not a formula", "@alice")
    raw = write(tmp_path / "raw.csv", fields, [dict(r, note="'=quoted by hand") for r in rows])
    assert run("import", str(raw)).exit_code == 0
    assert claim(run, 2)["history"][-1]["note"] == "=quoted by hand"


# --- conflicts -----------------------------------------------------------------------


def test_a_claim_changed_after_the_export_is_left_for_a_human(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    assert run("status", "2", "in-review", "--by", "dave").exit_code == 0  # after the export
    dst = edited(src, tmp_path / "done.csv", {
        1: {"new_status": "false", "source_url": COURT, "reviewer": "alice"},
        2: {"new_status": "true", "source_url": COURT, "reviewer": "alice"},
    })
    two_before = claim(run, 2)
    result = run("import", str(dst))
    assert result.exit_code == 1
    assert "line 3, claim 2: claim 2 changed after the export (exported at version 1, now version 2)" in result.output
    assert "1 rows conflict" in result.output
    assert claim(run, 1)["status"] == "false"  # the other row was applied
    assert claim(run, 2) == two_before  # the conflicting one untouched

    forced = run("import", str(dst), "--force")
    assert forced.exit_code == 0, forced.output
    two = claim(run, 2)
    assert two["status"] == "true"
    assert [e["action"] for e in two["history"]][-3:] == ["import-forced", "source-added", "status"]
    assert two["history"][-3]["old_value"] == "1" and two["history"][-3]["new_value"] == "2"


def test_conflicts_only_leave_the_registry_unchanged(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    run("source", "3", COURT)
    dst = edited(src, tmp_path / "done.csv", {3: {"new_status": "true", "reviewer": "alice"}})
    before = dump(example_db)
    result = run("import", str(dst))
    assert result.exit_code == 1 and "conflict" in result.output
    assert dump(example_db) == before


def test_a_sorted_sheet_is_caught_by_the_claim_text(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    fields, rows = read(src)
    rows[0]["claim"], rows[1]["claim"] = rows[1]["claim"], rows[0]["claim"]
    rows[0].update(new_status="false", source_url=COURT, reviewer="alice")
    before = dump(example_db)
    result = run("import", str(write(tmp_path / "sorted.csv", fields, rows)))
    assert result.exit_code == 1 and "is not claim 1's text" in result.output
    assert dump(example_db) == before


def test_an_edit_already_made_elsewhere_is_not_a_conflict(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    run("source", "2", COURT, "--by", "alice")
    run("status", "2", "true", "--by", "alice")
    dst = edited(src, tmp_path / "done.csv", {2: {"new_status": "true", "source_url": COURT, "reviewer": "alice"}})
    before = dump(example_db)
    result = run("import", str(dst))
    assert result.exit_code == 0 and "0 conflicts" in result.output
    assert dump(example_db) == before


# --- refusals: the registry is unchanged ------------------------------------------------


def _rows(tmp_path, run, edits, drop=(), extra_rows=()):
    """The export with ``edits`` and ``extra_rows`` appended; returns the file and the line
    the first extra row is on."""
    src = export(run, tmp_path / "review.csv")
    fields, rows = read(src)
    for row in rows:
        row.update(edits.get(int(row["id"]), {}))
    path = write(tmp_path / "bad.csv", [f for f in fields if f not in drop], rows + [dict(r) for r in extra_rows])
    text = path.read_text(encoding="utf-8")
    extra_line = text.count("\n") + 1 - len(extra_rows)  # extra rows have no line breaks inside
    return path, extra_line


GOOD = {1: {"new_status": "false", "source_url": COURT, "reviewer": "alice"}}  # a good row in every bad file

REFUSALS = [
    ("unknown id", {}, (), [{"id": "999", "version": "1", "new_status": "true"}], "line {extra}, column id: no claim with id 999"),
    ("non-numeric id", {}, (), [{"id": "x1", "version": "1"}], "line {extra}, column id: not a claim id: 'x1'"),
    ("unknown status", {2: {"new_status": "treu", "reviewer": "a"}}, (), [], "line 3, column new_status: unknown status 'treu'"),
    ("bad url", {2: {"source_url": "www.example.com", "reviewer": "a"}}, (), [], "line 3, column source_url: not a valid http(s) URL"),
    ("two urls", {2: {"source_url": f"{COURT} https://x.org/", "reviewer": "a"}}, (), [], "one http(s) URL per row"),
    ("bad stance", {2: {"source_url": COURT, "source_stance": "agrees", "reviewer": "a"}}, (), [], "line 3, column source_stance: unknown stance 'agrees'"),
    ("title without url", {2: {"source_title": "Order", "reviewer": "a"}}, (), [], "line 3, column source_title: source_title is filled but source_url is empty"),
    ("verdict without source", {2: {"new_status": "false", "reviewer": "a"}}, (), [], "line 3, column new_status: 'false' needs a source"),
    ("nobody named", {2: {"note": "who wrote this?"}}, (), [], "line 3, column reviewer: who made this change?"),
    ("bad version", {2: {"version": "v2"}}, (), [], "line 3, column version: not a version number"),
    ("empty version", {2: {"version": ""}}, (), [], "line 3, column version: the version is empty"),
    ("duplicate claim", {}, (), [{"id": "1", "version": "1", "note": "again", "reviewer": "b"}], "line {extra}, column id: claim 1 is also on line 2"),
    ("missing id column", {}, ("id",), [], "line 1, column id: required column missing"),
    ("missing version column", {}, ("version",), [], "line 1, column version: required column missing"),
    ("no reviewer columns", {}, ("new_status", "note", "source_url", "new_claim", "new_claimant", "new_claim_type"), [],
     "no reviewer columns"),
]


@pytest.mark.parametrize("name,edits,drop,extra,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_write_nothing(example_db, run, tmp_path, monkeypatch, name, edits, drop, extra, message):
    if name == "nobody named":  # no --by, no reviewer cell, no CLAIMS_USER, no saved name
        monkeypatch.delenv("CLAIMS_USER")
    path, extra_line = _rows(tmp_path, run, {**GOOD, **edits}, drop=drop, extra_rows=extra)
    message = message.format(extra=extra_line)
    before = dump(example_db)
    result = run("import", str(path), "--by", "" if name == "nobody named" else "bob") if name != "nobody named" \
        else run("import", str(path))
    assert result.exit_code == 1, result.output
    assert message in result.output, result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: ")
    assert "nothing was imported" in result.output
    assert dump(example_db) == before


def test_every_problem_is_listed(example_db, run, tmp_path):
    path, _ = _rows(tmp_path, run, {2: {"new_status": "nope", "reviewer": "a"}, 3: {"source_url": "ftp://x", "reviewer": "a"}})
    result = run("import", str(path))
    assert "line 3, column new_status" in result.output and "line 4, column source_url" in result.output
    assert "(and 1 more problem)" in result.output


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"\n\n", "is empty"),
    (b"id,id,note\n1,1,x\n", "the column appears twice"),
    (b"id,version,note\n\"1,1,unterminated\n", "nothing was imported"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "--encoding"),
])
def test_unreadable_files(example_db, run, tmp_path, content, message):
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    before = dump(example_db)
    result = run("import", str(path), "--by", "bob")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: ")
    assert message in result.output, result.output
    assert dump(example_db) == before


def test_missing_file_and_bad_encoding_name(example_db, run, tmp_path):
    before = dump(example_db)
    assert "no such file" in run("import", str(tmp_path / "nope.csv")).output
    src = export(run, tmp_path / "review.csv")
    assert "unknown encoding" in run("import", str(src), "--encoding", "klingon").output
    assert dump(example_db) == before


def test_a_failure_while_applying_rolls_everything_back(example_db, run, tmp_path, monkeypatch):
    src = export(run, tmp_path / "review.csv")
    dst = edited(src, tmp_path / "done.csv", {
        1: {"new_status": "false", "source_url": COURT, "reviewer": "alice"},
        2: {"new_status": "true", "source_url": COURT, "reviewer": "alice"},
    })
    calls = []
    real = registry.set_status

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args, **kwargs)

    monkeypatch.setattr(registry, "set_status", failing)
    before = dump(example_db)
    db = registry.open_registry(example_db)
    with pytest.raises(sqlite3.OperationalError):
        importing.import_csv(db, dst)
    assert len(calls) == 2  # the first row was written, then undone
    assert dump(example_db) == before


def test_without_version_column_force_imports(example_db, run, tmp_path):
    path, _ = _rows(tmp_path, run, GOOD, drop=("version",))
    result = run("import", str(path), "--force")
    assert result.exit_code == 0, result.output
    assert claim(run, 1)["status"] == "false"


def test_json_report(example_db, run, tmp_path):
    src = export(run, tmp_path / "review.csv")
    dst = edited(src, tmp_path / "done.csv", GOOD)
    report = json.loads(run("import", str(dst), "--json", "--dry-run").output)
    assert report["applied"] is False and report["status_changes"] == 1 and report["sources_added"] == 1
    assert report["changes"][0]["claim_id"] == 1 and report["changes"][0]["actor"] == "alice"


# --- properties ----------------------------------------------------------------------


TRICKY = st.sampled_from(["=", "+", "-", "@", "'", "''=", "\t", "\r", "\"", ",", "\n", "\r\n", "\u202e", "\u05e9\u05dc\u05d5\u05dd",
                          "مرحبا", "🦆", "👩‍👩‍👧", "\ufeff", "\x00", " ", "'='", "1,5", "\"\"\""])
TEXT = st.lists(st.one_of(TRICKY, st.text(min_size=1, max_size=8)), min_size=1, max_size=8).map("".join) \
    .filter(lambda t: t.strip())
CLAIM_TEXT = TEXT.map(lambda t: t.replace("\x00", "")).filter(lambda t: t.strip())  # claims refuse NUL


def _fresh(tmp: str) -> str:
    return str(Path(tmp) / "registry.db")


def _invoke(db_path, *args):
    return CliRunner().invoke(cli, list(args) + ["--db", db_path])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(CLAIM_TEXT, min_size=1, max_size=5, unique_by=str.strip), bom=st.booleans())
def test_any_text_survives_a_csv_round_trip_exactly(texts, bom):
    with tempfile.TemporaryDirectory() as tmp:
        db = registry.open_registry(_fresh(tmp))
        ids = {registry.add_claim(db, t, claimant=t)[0]: t.strip() for t in texts}
        path = Path(tmp) / "out.csv"
        args = ["export", "-o", str(path)] + (["--bom"] if bom else [])
        assert _invoke(_fresh(tmp), *args).exit_code == 0
        back = {int(row["id"]): row for _, row in importing.read_dicts(path)}
        assert {i: r["claim"] for i, r in back.items()} == ids
        assert {i: r["claimant"] for i, r in back.items()} == {i: t for i, t in
                                                                 ((i, registry.get_claim(db, i)["claimant"]) for i in ids)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(CLAIM_TEXT, min_size=1, max_size=4, unique_by=str.strip),
    states=st.lists(st.tuples(st.sampled_from(["unreviewed", "in-review", "true", "false", "unproven"]),
                              st.booleans(), st.one_of(st.none(), TEXT)), min_size=4, max_size=4),
    spreadsheet=st.booleans(),
)
def test_export_then_import_without_edits_changes_nothing(texts, states, spreadsheet):
    with tempfile.TemporaryDirectory() as tmp:
        db = registry.open_registry(_fresh(tmp))
        for text, (status, with_source, note) in zip(texts, states):
            claim_id, _ = registry.add_claim(db, text, actor="setup")
            if with_source or status in ("true", "false"):
                registry.add_source(db, claim_id, "https://example.org/" + str(claim_id), title=text, actor="setup")
            registry.set_status(db, claim_id, status, note=note, actor="setup")
        path = Path(tmp) / "out.csv"
        assert _invoke(_fresh(tmp), "export", "-o", str(path), "--bom").exit_code == 0
        if spreadsheet:  # written back reordered, with CRLF
            fields, rows = read(path)
            write(path, list(reversed(fields)), rows, bom=True, crlf=True)
        before = dump(_fresh(tmp))
        result = _invoke(_fresh(tmp), "import", str(path), "--by", "nobody")
        assert result.exit_code == 0, result.output
        assert f"0 claims changed (0 status changes, 0 sources added, 0 notes), {len(texts)} unchanged" in result.output
        assert dump(_fresh(tmp)) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=CLAIM_TEXT, note=TEXT, reviewer=TEXT)
def test_reviewer_text_survives_a_spreadsheet_round_trip(text, note, reviewer):
    with tempfile.TemporaryDirectory() as tmp:
        db = registry.open_registry(_fresh(tmp))
        assume(importing.unneutralise(note).strip() and importing.unneutralise(reviewer).strip())
        claim_id, _ = registry.add_claim(db, text)
        path = Path(tmp) / "out.csv"
        assert _invoke(_fresh(tmp), "export", "-o", str(path)).exit_code == 0
        fields, rows = read(path)
        rows[0].update(note=note, reviewer=reviewer, new_status="in-review")
        write(path, ["reviewer"] + [f for f in fields if f != "reviewer"], rows, bom=True, crlf=True)
        result = _invoke(_fresh(tmp), "import", str(path))
        assert result.exit_code == 0, result.output
        last = registry.history(db, claim_id)[-1]
        assert (last["action"], last["new_value"]) == ("status", "in-review")
        assert last["note"] == importing.unneutralise(note).strip()
        assert last["actor"] == importing.unneutralise(reviewer).strip()


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_import(example_db, run, tmp_path, delimiter):
    """Excel in many European locales saves "CSV" with semicolons; "Unicode text" uses tabs."""
    src = export(run, tmp_path / "review.csv")
    fields, rows = read(src)
    rows[1].update(new_status="false", source_url=COURT, note="Geprüft; stimmt nicht", reviewer="jürgen")
    rows[1]["id"] = rows[1]["id"] + ".0"  # a spreadsheet that turned ids into numbers
    path = tmp_path / "excel-de.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, delimiter=delimiter, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    two = claim(run, 2)
    assert two["status"] == "false" and two["history"][-1]["note"] == "Geprüft; stimmt nicht"


def test_export_usage_errors(example_db, run):
    assert run("export", "--format", "json", "--bom").exit_code == 2
    assert run("export", "--check").exit_code == 2


def test_a_change_between_the_check_and_the_write_is_caught(example_db, run, tmp_path, monkeypatch):
    """The file is checked without the write lock; if another writer changes the registry
    before the lock is taken, the file is checked again under the lock."""
    src = export(run, tmp_path / "review.csv")
    dst = edited(src, tmp_path / "done.csv", {
        1: {"new_status": "false", "source_url": COURT, "reviewer": "alice"},
        2: {"note": "Fine", "reviewer": "alice"},
    })
    real = importing._snapshot_plan

    def then_someone_else_writes(db, path, **kwargs):
        out = real(db, path, **kwargs)
        other = registry.open_registry(example_db)  # another writer, on its own connection
        registry.set_status(other, 1, "in-review", actor="dave")
        other.conn.close()
        return out

    monkeypatch.setattr(importing, "_snapshot_plan", then_someone_else_writes)
    db = registry.open_registry(example_db)
    report = importing.import_csv(db, dst)
    assert [c.claim_id for c in report.conflicts] == [1]
    assert [c.claim_id for c in report.changes] == [2]
    assert registry.get_claim(db, 1)["status"] == "in-review"

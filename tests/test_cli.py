import csv
import io
import json


def test_help_for_every_command(run):
    from claims.cli import cli
    from click.testing import CliRunner

    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, name


def test_add_list_show(run, db_path):
    result = run("add", "Unemployment fell to 3.5% in 2019", "--claimant", "A. Senator",
                 "--source", "https://www.bls.gov/cps/", "--by", "alice")
    assert result.exit_code == 0, result.output
    assert "claim 1 added" in result.output
    again = run("add", "Unemployment fell to 3.5% in 2019")
    assert "already in the registry" in again.output
    rows = json.loads(run("list").output)
    assert [r["text"] for r in rows] == ["Unemployment fell to 3.5% in 2019"]
    shown = json.loads(run("show", "1", "--json").output)
    assert shown["claimant"] == "A. Senator"
    assert shown["article_id"] is None and shown["start"] is None
    assert [s["url"] for s in shown["sources"]] == ["https://www.bls.gov/cps/"]
    assert [e["action"] for e in shown["history"]] == ["created", "source-added"]


def test_list_formats(example_db, run):
    nl = run("list", "--nl").output.splitlines()
    assert len(nl) > 5 and all(json.loads(line)["id"] for line in nl)
    rows = list(csv.DictReader(io.StringIO(run("list", "--csv").output)))
    assert len(rows) == len(nl)
    table = run("list", "--table", "--limit", "3").output
    assert "status" in table.splitlines()[0]


def test_status_and_source_write_history(example_db, run):
    assert run("status", "2", "in-review", "--by", "alice").exit_code == 0
    refused = run("status", "2", "false", "--by", "alice")
    assert refused.exit_code == 1
    assert "has no sources" in refused.output
    assert run("source", "2", "https://www.courtlistener.com/docket/1/", "--kind", "court filing",
               "--stance", "supports", "--by", "alice").exit_code == 0
    assert run("status", "2", "true", "--note", "Order says so", "--by", "alice").exit_code == 0
    shown = json.loads(run("show", "2", "--json").output)
    assert shown["status"] == "true"
    assert shown["version"] == 4
    assert shown["context"]["span"] == shown["sentence"]
    events = [(e["action"], e["old_value"], e["new_value"], e["actor"]) for e in shown["history"]]
    assert events == [
        ("created", None, "unreviewed", "tester"),  # extract ran as CLAIMS_USER (conftest)
        ("status", "unreviewed", "in-review", "alice"),
        ("source-added", None, "https://www.courtlistener.com/docket/1/", "alice"),
        ("status", "in-review", "true", "alice"),
    ]
    history = json.loads(run("history", "2").output)
    assert [e["action"] for e in history] == [e[0] for e in events]


def test_force_verdict_without_source_is_recorded(example_db, run):
    assert run("status", "3", "false", "--force").exit_code == 1  # no note
    result = run("status", "3", "false", "--force", "--note", "Retracted by the outlet", "--by", "bob")
    assert result.exit_code == 0, result.output
    history = json.loads(run("history", "3").output)
    assert history[-1]["action"] == "status-forced"
    assert history[-1]["note"] == "Retracted by the outlet"


def test_search_handles_punctuation(example_db, run):
    rows = json.loads(run("search", "criminal investigations").output)
    # an atomic claim matches through its sentence too, so one claim of the pair may lack the words
    assert rows and any("criminal investigations" in r["text"].lower() for r in rows)
    for awkward in ['U.S.', '"', 'NEAR(', 'AND', '*', "'; DROP TABLE claims;--"]:
        result = run("search", awkward)
        assert result.exit_code == 0, (awkward, result.output)
        json.loads(result.output)
    assert json.loads(run("search", "U.S. District Judge").output)


def test_list_filters(example_db, run):
    run("status", "1", "in-review")
    rows = json.loads(run("list", "--status", "in-review").output)
    assert [r["id"] for r in rows] == [1]
    rows = json.loads(run("list", "--search", "injunction").output)
    assert rows and all("injunct" in r["text"].lower() for r in rows)  # stemmed: injunction, injunctive
    assert json.loads(run("list", "--article", "99").output) == []


def test_export_csv_for_reviewers(example_db, run, tmp_path):
    out = tmp_path / "review.csv"
    result = run("export", "-o", str(out), "--bom")
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0].keys() >= {"id", "claim", "sentence", "claimant", "article_title", "article_url",
                              "claim_type", "checkworthiness", "status", "sources", "version",
                              "new_status", "note", "source_url", "source_title", "source_stance", "reviewer"}
    assert rows[0]["article_url"] == "https://www.example.com/irs-dhs"
    assert all(r["new_status"] == "" for r in rows)
    only = list(csv.DictReader(io.StringIO(run("export", "--status", "in-review").output)))
    assert only == []


def test_export_neutralises_formulas(run):
    run("add", "=HYPERLINK(\"http://evil\") is a claim")
    rows = list(csv.DictReader(io.StringIO(run("export").output)))
    assert rows[0]["claim"].startswith("'=")


def test_python_m_claims():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "claims", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "version" in result.stdout

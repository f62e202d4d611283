"""The command-line contract, as a property over generated arguments: every command either
succeeds (exit 0) or prints one `Error: ...` line and exits 1; never a traceback; and after a
failure the registry file is byte-identical to what it was."""

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from claims.cli import cli
from claims.migrations import STATUSES
from conftest import EXAMPLE, dump

ODD_NUMBERS = ["1", "2", "0", "-1", "1_0", "٣", "３", " 1", "1 ", "0x1", "1e3", "1.0", "+1", "",
               "99999999999999999999", "9223372036854775807", "9223372036854775808", "\udcff"]
ids = st.one_of(st.sampled_from(ODD_NUMBERS), st.integers(-2**70, 2**70).map(str), st.text(max_size=8))
texts = st.one_of(st.text(max_size=40), st.sampled_from(["\x1b[2J", "a\x00b", "\udcff", "'; DROP TABLE claims;--",
                                                         "Crime fell 10% in 2020.", " "]))
dates = st.one_of(st.dates().map(str), st.text(max_size=12),
                  st.sampled_from(["2024-02-30", "yesterday", "0001-01-01T00:00+23:59", "9999-12-31T23:59-23:59",
                                   "2024-01-01T00:00:00", "２０２４-01-01"]))
urls = st.one_of(st.text(max_size=30),
                 st.builds(lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
                           st.sampled_from(["http", "https", "javascript", "ftp", "HTTP"]),
                           st.sampled_from(["example.com", "", "exa mple.com", "[::1]", "xn--bcher-kva.example"]),
                           st.sampled_from(["", ":80", ":0", ":-1", ":99999", ":３", ":8080"]),
                           st.text(max_size=8)))
statuses = st.one_of(st.sampled_from([s[0] for s in STATUSES]), st.text(max_size=10))

commands = st.one_of(
    st.builds(lambda i: (["show"], [i]), ids),
    st.builds(lambda i: (["history"], [i]), ids),
    st.builds(lambda i, s, n: (["status", "--note", n, "--by", "prop"], [i, s]), ids, statuses, texts),
    st.builds(lambda i, u: (["source", "--by", "prop"], [i, u]), ids, urls),
    st.builds(lambda i, r: (["source", "--remove", r], [i]), ids, ids),
    st.builds(lambda t, u, s, n, c: (["add", "--source", u, "--status", s, "--note", n, "--claimant", c], [t]),
              texts, urls, statuses, texts, texts),
    st.builds(lambda t: (["add"], [t]), texts),
    st.builds(lambda i, d, u: (["article", "--published", d, "--url", u], [i]), ids, dates, urls),
    st.builds(lambda n, a: (["list", "--limit", n, "--article", a, "--table"], []), ids, ids),
    st.builds(lambda q, n: (["search", "--limit", n, "--table"], [q]), texts, ids),
    st.builds(lambda d, a: (["export", "--since", d, "--article", a], []), dates, ids),
    st.builds(lambda i, n: (["link", "confirm", "--note", n], [i]), ids, texts),
    st.builds(lambda i, t, c, n: (["edit", "--text", t, "--claimant", c, "--note", n, "--by", "prop"], [i]),
              ids, texts, texts, texts),
    st.builds(lambda i, j, n: (["assign", "--to", n, "--by", "prop"], [i, j]), ids, ids, texts),
    st.builds(lambda i: (["ungroup", "--by", "prop"], [i]), ids),
    st.builds(lambda q, n: (["similar", "--lexical", "--limit", n], [q]), texts, ids),
    st.builds(lambda body, d, u, e: (["extract", "--published", d, "--url", u, "--encoding", e, "--no-links"],
                                     [("FILE", "a.txt", body)]),
              st.one_of(st.binary(max_size=300), texts.map(lambda t: ("Budget\n\n" + t * 3).encode("utf-8", "replace"))),
              dates, urls, st.sampled_from(["utf-8", "latin-1", "undefined", "punycode", "rot13", "klingon", "utf-16"])),
    st.builds(lambda i, v, s, n, r: (["import"], [("FILE", "r.csv", f"id,version,new_status,note,reviewer\n{i},{v},{s},{n},{r}\n"
                                                .encode("utf-8", "surrogateescape"))]),
              ids, st.sampled_from(["1", "2", "3", "x", ""]), statuses, texts, texts),
    st.builds(lambda body: (["lint"], [("FILE", "c.json", body)]),
              st.one_of(st.binary(max_size=200), st.recursive(st.none() | st.integers() | st.text(max_size=5),
                                                               lambda kids: st.lists(kids) | st.dictionaries(
                                                                   st.text(max_size=5), kids), max_leaves=20)
                        .map(lambda v: __import__("json").dumps(v).encode()))),
    st.builds(lambda f, d: (["export", "--format", f, "--since", d, "-o", ("PATH", "out.txt")], []),
              st.sampled_from(["csv", "json", "claimreview"]), dates),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A registry with claims, a source and a verdict, checkpointed into one file."""
    path = tmp_path_factory.mktemp("contract") / "base.db"
    runner = CliRunner()
    for args in (["extract", str(EXAMPLE), "--url", "https://www.example.com/a"],
                 ["source", "1", "https://www.example.com/evidence"], ["status", "1", "true", "--by", "x"]):
        result = runner.invoke(cli, args + ["-d", str(path)])
        assert result.exit_code == 0, result.output
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=commands)
def test_every_command_keeps_the_contract(base, tmp_path, command):
    options, positional = command
    materialised = []
    for value in positional:
        if isinstance(value, tuple):
            _, name, data = value
            path = tmp_path / name
            path.write_bytes(data)
            value = str(path)
        materialised.append(value)
    positional = materialised
    options = [str(tmp_path / o[1]) if isinstance(o, tuple) else o for o in options]
    db = tmp_path / f"r{hashlib.sha1(repr(command).encode('utf-8', 'surrogatepass')).hexdigest()[:12]}.db"
    shutil.copyfile(base, db)
    Path(f"{db}-wal").unlink(missing_ok=True)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    before_rows = dump(db)
    args = options[:1] + ["-d", str(db)] + options[1:] + ["--"] + positional
    if options[0] == "link":
        args = options[:2] + ["-d", str(db)] + options[2:] + ["--"] + positional
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1, (args, result.output)
        if args[0] in ("import", "lint"):  # they report each problem, conflict or finding first
            assert lines and lines[-1].startswith("Error: ") and not any(
                line.startswith("Error: ") for line in lines[:-1]), (args, result.output)
        else:
            assert len(lines) == 1 and lines[0].startswith("Error: "), (args, result.output)
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before, args
        assert dump(db) == before_rows, args

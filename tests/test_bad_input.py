"""Bad input: one line `Error: ...`, exit 1, and the registry unchanged."""

import pytest

from conftest import EXAMPLE, dump


@pytest.fixture
def files(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("  \n\t\n   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin1.txt").write_bytes("Le café a fermé le 3 mars, a déclaré le maire.".encode("latin-1"))
    (tmp_path / "adir").mkdir()
    return tmp_path


CASES = [
    ("missing file", lambda f: ["extract", str(f / "nope.txt")], "no such file"),
    ("a URL, not a file", lambda f: ["extract", "https://example.com/story"], "does not fetch pages"),
    ("directory", lambda f: ["extract", str(f / "adir")], "directory"),
    ("empty article", lambda f: ["extract", str(f / "empty.txt")], "empty"),
    ("whitespace article", lambda f: ["extract", str(f / "blank.txt")], "empty"),
    ("binary file", lambda f: ["extract", str(f / "binary.txt")], "binary"),
    ("not utf-8", lambda f: ["extract", str(f / "latin1.txt")], "--encoding"),
    ("one bad among good", lambda f: ["extract", str(EXAMPLE), str(f / "nope.txt")], "no such file"),
    ("unknown status", lambda f: ["status", "1", "maybe"], "unknown status"),
    ("unknown claim", lambda f: ["status", "999", "in-review"], "no claim with id 999"),
    ("non-numeric claim", lambda f: ["show", "abc"], "must be a number"),
    ("malformed URL", lambda f: ["source", "1", "not a url"], "not a valid http(s) URL"),
    ("ftp URL", lambda f: ["source", "1", "ftp://example.com/x"], "not a valid http(s) URL"),
    ("URL without host", lambda f: ["add", "Some claim text here", "--source", "https://"], "not a valid"),
    ("empty claim", lambda f: ["add", "   "], "empty"),
    ("add with unknown status", lambda f: ["add", "A new claim", "--status", "bogus"], "unknown status"),
    ("list unknown status", lambda f: ["list", "--status", "bogus"], "unknown status"),
    ("unknown article", lambda f: ["add", "A new claim", "--article", "42"], "no article with id 42"),
    # a file of sentences or queries that is not UTF-8 stops before any output
    ("score not utf-8", lambda f: ["score", str(f / "latin1.txt")], "not valid UTF-8"),
    ("similar not utf-8", lambda f: ["similar", "--file", str(f / "latin1.txt"), "--lexical"], "not valid UTF-8"),
]


@pytest.mark.parametrize("name,args,message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_leaves_registry_unchanged(example_db, run, files, name, args, message):
    before = dump(example_db)
    result = run(*args(files))
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert message in lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert dump(example_db) == before


def test_encoding_override(run, files, db_path):
    result = run("extract", str(files / "latin1.txt"), "--encoding", "latin-1", "--title", "Café")
    assert result.exit_code == 0, result.output


def test_registry_path_is_a_directory(tmp_path):
    from click.testing import CliRunner
    from claims.cli import cli

    result = CliRunner().invoke(cli, ["list", "--db", str(tmp_path)])
    assert result.exit_code in (1, 2)
    assert "Error" in result.output

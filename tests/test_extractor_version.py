"""``extractor_version``, stored on every claim, names what extraction stores.

The example article is extracted into a real registry; a hash of what is stored (the
article's title, author, date and text, and each claim's text, sentence, span, claimant,
type, checkability and check-worthiness to three places, scored by the n-gram model) must
be the one recorded for the stored ``extractor_version`` in tests/extractor-fingerprint.json.

When extraction changes on purpose: bump the extractor's VERSION, then record the new
output with

    python -m pytest tests/test_extractor_version.py --update-fingerprint

which adds the new version's fingerprint and refuses to change an existing version's.
"""

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "examples" / "000_659ae5ab6ad42fc9.txt"
FINGERPRINTS = Path(__file__).parent / "extractor-fingerprint.json"
UPDATE = "python -m pytest tests/test_extractor_version.py --update-fingerprint"


def stored_output(tmp_path, monkeypatch) -> tuple[str, list]:
    """The extractor version and the stored output of the example article."""
    monkeypatch.setenv("CLAIMS_MODEL", "ngram")  # the model every install has
    db = tmp_path / "registry.db"
    result = CliRunner().invoke(cli, ["extract", str(EXAMPLE), "--no-links", "--by", "fingerprint", "--db", str(db)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    try:
        article = conn.execute("SELECT title, author, published, text FROM articles").fetchall()
        claims = conn.execute("""
            SELECT text, sentence, start, "end", claimant, claim_type, checkable,
                   round(checkworthiness, 3), extractor_version
            FROM claims ORDER BY start, "end", text""").fetchall()
    finally:
        conn.close()
    versions = {row[-1] for row in claims}
    assert len(versions) == 1, f"claims of one extraction carry versions {versions}"
    return versions.pop(), [list(row) for row in article] + [list(row[:-1]) for row in claims]


def fingerprint(output: list) -> str:
    return hashlib.sha256(json.dumps(output, ensure_ascii=False).encode()).hexdigest()


def test_extraction_output_is_pinned_to_extractor_version(tmp_path, monkeypatch, request):
    version, output = stored_output(tmp_path, monkeypatch)
    digest = fingerprint(output)
    recorded = json.loads(FINGERPRINTS.read_text())
    known = recorded.get(version)
    if request.config.getoption("--update-fingerprint") and known is None:
        recorded[version] = {"sha256": digest, "claims": len(output) - 1}
        FINGERPRINTS.write_text(json.dumps(recorded, indent=2, ensure_ascii=False) + "\n")
        return
    if known is None:
        pytest.fail(f"no fingerprint recorded for extractor_version {version!r}: record it with `{UPDATE}`")
    if known["sha256"] != digest:
        old = [v for v, entry in recorded.items() if entry.get("sha256") == digest and v != version]
        pytest.fail(
            f"the example article's extraction output changed but extractor_version is still {version!r} "
            + (f"(this is the output of version {old[0]!r}) " if old else "")
            + f"({len(output) - 1} claims now, {known['claims']} recorded): bump the extractor's VERSION "
            f"(grep -rn '^VERSION' claims/), then record the new output with `{UPDATE}`")


def test_fingerprint_covers_what_extraction_stores(tmp_path, monkeypatch):
    version, output = stored_output(tmp_path, monkeypatch)
    assert len(output) > 10  # the article and its claims, not an empty table
    changed = [list(row) for row in output]
    changed[1][4] = "Somebody Else"  # one claim's claimant
    assert fingerprint(changed) != fingerprint(output)

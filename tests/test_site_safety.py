"""What the served and published site refuses: framing, formulas in CSV downloads, and
queries that build huge values."""

import asyncio
import csv
import io

import pytest
from datasette.app import Datasette

from claims import publishing
from claims.cli import datasette_metadata


@pytest.fixture
def ds(example_db, run):
    result = run("add", '=HYPERLINK("http://evil.example","click")', "--claimant", "@someone")
    assert result.exit_code == 0, result.output
    return Datasette([example_db], metadata=datasette_metadata("registry"), settings=publishing.SETTINGS)


def _get(ds, path):
    return asyncio.run(ds.client.get(path))


@pytest.mark.parametrize("path", ["/", "/registry", "/registry/claims", "/registry/claims/1", "/registry/claims.json"])
def test_every_page_says_it_may_not_be_framed(ds, path):
    response = _get(ds, path)
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/registry/claims.csv?_col=text&_col=claimant",
                                  "/registry/claims.csv?_col=text&_col=claimant&_dl=1"])
def test_csv_downloads_are_formula_safe(ds, path):
    response = _get(ds, path)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    evil = next(r for r in rows if "HYPERLINK" in r["text"])
    assert evil["text"] == "'" + '=HYPERLINK("http://evil.example","click")'
    assert evil["claimant"] == "'@someone"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values() if cell)
    # the other cells come back exactly as stored
    plain = next(r for r in rows if r["text"].startswith("A federal judge"))
    assert plain["text"].startswith("A federal judge on Monday denied an injunction")


def test_neutralise_csv_keeps_quoted_newlines_and_plain_cells():
    from claims.datasette_plugin import neutralise_csv

    body = 'id,text\r\n1,"two\nlines"\r\n2,-5\r\n3,plain\r\n'.encode()
    assert neutralise_csv(body).decode() == "id,text\r\n1,\"two\nlines\"\r\n2,'-5\r\n3,plain\r\n"


def test_a_page_that_is_not_csv_is_left_alone(ds):
    response = _get(ds, "/registry/no_such_table.csv")
    assert response.status_code == 404 and response.text.lstrip().startswith("<!DOCTYPE html>")


def test_a_query_cannot_build_a_huge_value(ds):
    response = _get(ds, "/registry.json?sql=select+length(randomblob(900000000))+as+n")
    assert response.status_code == 400
    assert "too big" in response.text
    small = _get(ds, "/registry.json?sql=select+length(randomblob(1000))+as+n&_shape=array")
    assert small.status_code == 200 and small.json() == [{"n": 1000}]

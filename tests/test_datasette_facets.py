"""The claims table's facets in Datasette: on the unfiltered page from claim_counts, on a
filtered page or a search from one query over the matching rows, the same counts and links
as Datasette's own facets (through Datasette's in-process client on a real registry)."""

import asyncio
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette
from datasette.plugins import pm

from claims import publishing, registry
from claims.cli import datasette_metadata
from claims.datasette_plugin import SummaryColumnFacet
from conftest import without_package_plugin

FACETS = ["status", "claim_type", "article_id", "claimant"]


@pytest.fixture
def path(example_db):
    db = registry.open_registry(example_db)
    ids = [r[0] for r in db.execute("select id from claims order by id limit 3")]
    registry.set_status(db, ids[0], "in-review", actor="alice")
    registry.set_status(db, ids[1], "unproven", actor="alice")
    registry.add_claim(db, "Unemployment fell to 3.5% in 2019", claimant="A. Senator")
    db.conn.close()
    return example_db


def datasette(path):
    return Datasette([path], metadata=datasette_metadata("registry"), settings=publishing.SETTINGS)


def get_json(ds, url):
    async def inner():
        return await ds.client.get(url)

    response = asyncio.run(inner())
    assert response.status_code == 200, response.text
    return response.json()


def facets(ds, query=""):
    """The facet results (a facet that timed out is missing from them)."""
    results = get_json(ds, "/registry/claims.json?_extra=facet_results" + query)["facet_results"]
    return results.get("results", results)


def counted(results, column) -> dict:
    return {r["value"]: r["count"] for r in results[column]["results"]}


def truth(path, column, where="", params=()) -> dict:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute(f"select {column}, count(*) from claims where {column} is not null "
                                 f"{'and ' + where if where else ''} group by {column}", params).fetchall())
    finally:
        conn.close()


def test_the_facet_class_is_swapped_in():
    classes = [k for group in pm.hook.register_facet_classes() for k in group]
    assert SummaryColumnFacet in classes
    assert [k.type for k in classes].count("column") == 1


def test_unfiltered_facets_are_the_counts_and_follow_writes(path):
    ds = datasette(path)
    results = facets(ds)
    assert list(results) == FACETS  # metadata order
    for column in FACETS:
        assert counted(results, column) == truth(path, column), column
    # a status change and a new claim, written while the server runs
    db = registry.open_registry(path)
    claim_id = db.execute("select max(id) from claims").fetchone()[0]
    registry.set_status(db, claim_id, "in-review", actor="bob")
    registry.add_claim(db, "Crime fell by 12% last year", claimant="The mayor")
    db.conn.close()
    results = facets(ds)
    for column in FACETS:
        assert counted(results, column) == truth(path, column), column
    assert counted(results, "claimant")["The mayor"] == 1
    # labels and links as Datasette's own facet gives them
    status = {r["value"]: r for r in results["status"]["results"]}
    assert status["in-review"]["label"] == "In review"
    assert status["in-review"]["toggle_url"].endswith("/registry/claims.json?_extra=facet_results&status=in-review")
    article = results["article_id"]["results"][0]
    assert article["label"] != article["value"]  # the article's title


def test_unfiltered_facets_come_from_claim_counts(path):
    """The page reads claim_counts: a count changed there (by hand, never by the
    triggers) shows on the unfiltered page and not on a filtered one."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("update claim_counts set n = n + 1000 where facet = 'status' and value = 'unreviewed'")
    conn.close()
    ds = datasette(path)
    want = truth(path, "status")
    assert counted(facets(ds), "status")["unreviewed"] == want["unreviewed"] + 1000
    assert counted(facets(ds, "&status=unreviewed"), "status") == {"unreviewed": want["unreviewed"] + 1000}
    assert counted(facets(ds, "&checkable=1"), "status") == truth(path, "status", "checkable = 1")


def test_status_filter_facets_come_from_claim_status_counts(path):
    """With ?status=X as the only filter, the other facets are read from
    claim_status_counts: a count changed there shows; add another filter and it does not."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("update claim_status_counts set n = n + 1000 where status = 'unreviewed' and facet = 'claim_type'")
    conn.close()
    ds = datasette(path)
    where, params = "status = ?", ["unreviewed"]
    results = facets(ds, "&status=unreviewed")
    assert counted(results, "claim_type") == {k: v + 1000 for k, v in truth(path, "claim_type", where, params).items()}
    assert counted(results, "claimant") == truth(path, "claimant", where, params)
    assert counted(results, "status") == truth(path, "status", where, params)
    first = results["article_id"]["results"][0]
    assert first["label"] != first["value"] and "status=unreviewed" in first["toggle_url"]
    article = first["value"]
    both = facets(ds, f"&status=unreviewed&article_id={article}")
    assert counted(both, "claim_type") == truth(path, "claim_type", "status = ? and article_id = ?", ["unreviewed", article])


@pytest.mark.parametrize("query, where, params", [
    ("&status=unreviewed", "status = ?", ["unreviewed"]),
    ("&status=in-review", "status = ?", ["in-review"]),
    ("&status__not=unreviewed", "status != ?", ["unreviewed"]),
    ("&_search=court", "rowid in (select rowid from claims_fts where claims_fts match ?)", ["court"]),
    ("&_search=court&status=unreviewed",
     "status = ? and rowid in (select rowid from claims_fts where claims_fts match ?)", ["unreviewed", "court"]),
    ("&_facet=checkable", "1", []),  # a facet claim_counts does not keep, on the unfiltered page
])
def test_filtered_facets_are_the_counts(path, query, where, params):
    ds = datasette(path)
    results = facets(ds, query)
    columns = FACETS + (["checkable"] if "checkable" in query else [])
    assert list(results) == columns
    for column in columns:
        assert counted(results, column) == truth(path, column, where, params), column
    if "status=unreviewed" in query:
        (row,) = results["status"]["results"]
        assert row["selected"] and "status=unreviewed" not in row["toggle_url"]


def test_same_facet_from_metadata_and_query_string(path):
    ds = datasette(path)
    results = facets(ds, "&_facet=status")
    assert counted(results, "status") == counted(results, "status_2") == truth(path, "status")
    assert results["status_2"]["hideable"] and not results["status"]["hideable"]


def test_published_copy_serves_the_same_facets(tmp_path, run, path):
    """`claims publish`'s copy of the plugin swaps the facet class in alone (where the
    claims package is not installed), and stays quiet when the package's plugin is there."""
    site = tmp_path / "site"
    assert run("publish", str(site)).exit_code == 0
    published = str(site / "registry.db")
    with sqlite3.connect(published) as conn:  # marks the snapshot's counts: read from there
        conn.execute("update claim_counts set n = n + 1000 where facet = 'claim_type'")
    conn.close()
    want = {k: v + 1000 for k, v in truth(published, "claim_type").items()}
    both = Datasette(config_dir=Path(site))
    assert counted(facets(both), "claim_type") == want
    assert [k.type for g in pm.hook.register_facet_classes() for k in g].count("column") == 1
    with without_package_plugin():
        alone = Datasette(config_dir=Path(site))
        classes = [k for g in pm.hook.register_facet_classes() for k in g]
        assert [k.__name__ for k in classes if k.type == "column"] == ["SummaryColumnFacet"]
        assert SummaryColumnFacet not in classes  # the copy's own class
        results = facets(alone)
        assert counted(results, "claim_type") == want
        assert counted(results, "status") == truth(published, "status")
        assert counted(facets(alone, "&_search=court"), "claim_type") == truth(
            published, "claim_type", "rowid in (select rowid from claims_fts where claims_fts match ?)", ["court"])

import pytest
from datasette.app import Datasette

from claims.cli import datasette_metadata


@pytest.fixture
def ds(example_db):
    return Datasette([example_db], metadata=datasette_metadata("registry"),
                     settings={"suggest_facets": False})




def _get(ds, path):
    import asyncio

    return asyncio.run(ds.client.get(path))


def test_pages_answer(ds):
    for path in ["/", "/registry", "/registry/claims", "/registry/articles", "/registry/statuses",
                 "/registry/sources", "/registry/claim_events", "/registry/claims/1",
                 "/registry/review_queue", "/registry/claims_without_sources",
                 "/registry/status_counts_per_article", "/registry/claim_history?claim_id=1"]:
        assert _get(ds, path).status_code == 200, path


def test_facets_and_search(ds):
    data = _get(ds, "/registry/claims.json?_facet=status&_facet=claim_type").json()
    facets = data["facet_results"]
    status = {r["value"]: r["count"] for r in facets["status"]["results"]}
    assert status == {"unreviewed": data["filtered_table_rows_count"]}
    found = _get(ds, "/registry/claims.json?_search=injunction&_shape=array").json()
    assert found and all("injunct" in (r["text"] + (r["sentence"] or "")).lower() for r in found)  # porter stems
    odd = _get(ds, '/registry/claims.json?_search=U.S.%22&_shape=array')
    assert odd.status_code == 200


def test_review_queue_is_ordered(ds):
    rows = _get(ds, "/registry/review_queue.json?_shape=array").json()
    scores = [r["checkworthiness"] for r in rows]
    assert scores == sorted(scores, reverse=True) and scores


def test_claim_history_query(ds):
    rows = _get(ds, "/registry/claim_history.json?claim_id=1&_shape=array").json()
    assert [r["action"] for r in rows] == ["created"]

"""The learned reranker of `claims similar` (claims/rerank.py)."""

import json
import math

import numpy as np
import pytest

from claims import embeddings, matching, registry, rerank


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    # the static embedding table is cached per model; keep the tests' copy out of $HOME
    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "claims-cache"))


def test_shipped_reranker_loads_offline_from_json():
    assert rerank.MODEL_FILE.exists()
    assert rerank.MODEL_FILE.stat().st_size < 1 << 20  # it ships in git and in the wheel
    spec = json.loads(rerank.MODEL_FILE.read_text())
    assert spec["features"] == rerank.FEATURES
    assert set(spec["trained_on"]) == {"politifact", "snopes"}
    model = rerank.load()
    assert 0 < len(model.roots) == len(spec["trees"]) <= spec["settings"]["max_iter"]
    p = model.probability(np.zeros((3, len(rerank.FEATURES))))
    assert p.shape == (3,) and np.all((p > 0) & (p < 1))


def test_a_model_for_other_features_is_refused(tmp_path):
    spec = json.loads(rerank.MODEL_FILE.read_text())
    spec["features"] = spec["features"][:-1]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(registry.RegistryError, match="retrain"):
        rerank.load.__wrapped__(str(path))


def test_exported_trees_predict_what_scikit_learn_predicts():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, len(rerank.FEATURES)))
    X[:, 6] = rng.integers(0, 2, 600)  # a 0/1 column, like in_bm25
    y = (X[:, 0] + 0.5 * X[:, 6] - 0.3 * X[:, 3] ** 2 + 0.2 * rng.normal(size=600)) > 0.4
    model = HistGradientBoostingClassifier(max_iter=25, max_leaf_nodes=9, random_state=0).fit(X, y)
    ours = rerank.Reranker(rerank.from_sklearn(model, {}))
    test = rng.normal(size=(50, len(rerank.FEATURES)))
    assert np.allclose(ours.decision(test), model.decision_function(test), atol=1e-6)
    assert np.allclose(ours.probability(test), model.predict_proba(test)[:, 1], atol=1e-6)


def _agree(**counts):
    base = {"numbers": [], "number_mismatch": [], "years": [], "year_mismatch": [], "names": [],
            "name_mismatch": [], "date_mismatch": []}
    return {**base, **{k: ["x"] * n for k, n in counts.items()}}


def test_features_are_what_they_say():
    cands = [
        {"dense": 0.7, "dense_rank": 0, "bm25_rank": None, "speaker": "Jane Doe",
         "date": "stated on October 22, 2019 in a debate:"},
        {"dense": 0.5, "dense_rank": 40, "bm25_rank": 2, "speaker": None, "date": "2020-01-05"},
    ]
    comps = [
        {"lex_bm25": 0.0, "cos": 0.8, "cos_title": 0.6, "lex_idf": 0.25,
         "agree": _agree(numbers=3, year_mismatch=1)},
        {"lex_bm25": 0.9, "cos": 0.4, "cos_title": 0.4, "lex_idf": 0.5, "agree": _agree(names=1)},
    ]
    qf = matching.features("Says @someone spent $4m in 2019 https://t.co/x")
    X = rerank.features(cands, comps, query=rerank.query_features("Says @someone spent $4m", qf),
                        speakers={"Jane Doe": 9}, dense_k=40)
    row = [dict(zip(rerank.FEATURES, r)) for r in X.tolist()]
    assert row[0]["dense"] == 0.7 and row[0]["dense_gap"] == 0.0 and row[1]["dense_gap"] == pytest.approx(-0.2)
    assert row[0]["dense_rank_recip"] == 1.0 and row[1]["dense_rank_log"] == pytest.approx(math.log(41))
    assert row[0]["in_bm25"] == 0 and row[0]["bm25_rank_recip"] == 0
    assert row[1]["in_bm25"] == 1 and row[1]["bm25_rank_recip"] == pytest.approx(1 / 3)
    assert row[0]["numbers"] == 2 and row[0]["year_mismatch"] == 1 and row[1]["names"] == 1  # capped counts
    assert row[0]["speaker_log_count"] == pytest.approx(math.log(10)) and row[1]["speaker_log_count"] == 0
    assert row[0]["spoken"] == 1 and row[1]["spoken"] == 0
    assert row[0]["query_words"] == 4 and row[0]["query_tweet"] == 1 and row[0]["query_numbers"] == 1
    assert row[1]["query_words"] == 4  # the query's shape is the same on every row


def test_reranker_fixes_a_case_the_hand_set_formula_gets_wrong():
    # A debate sentence. Right: a politician's statement, made in a debate, BM25's first
    # hit. Wrong: a Facebook post a little closer by vector, which BM25 did not find.
    query = "We have lost 700,000 manufacturing jobs since he took office"
    cands = [{"dense": 0.58, "dense_rank": 3, "bm25_rank": 0, "speaker": "Mitt Romney",
              "date": "stated on October 16, 2012 in a debate:"},
             {"dense": 0.70, "dense_rank": 0, "bm25_rank": None, "speaker": "Facebook posts",
              "date": "stated on May 1, 2019 in a Facebook post:"}]
    comps = [{"cos": 0.70, "cos_title": 0.60, "dense": 0.58, "lex_idf": 0.40, "lex_bm25": 1.0, "agree": _agree()},
             {"cos": 0.75, "cos_title": 0.70, "dense": 0.70, "lex_idf": 0.45, "lex_bm25": 0.0, "agree": _agree()}]
    old = [matching.combine(c) for c in comps]
    assert old[1] > old[0]  # the weighted mean picks the post
    X = rerank.features(cands, comps, query=rerank.query_features(query, matching.features(query)),
                        speakers={"Mitt Romney": 216, "Facebook posts": 1138}, dense_k=40)
    p = rerank.load().probability(X)
    assert p[0] > p[1]


@pytest.mark.model
@pytest.mark.skipif(not embeddings.available(), reason="the embedding model is not installed")
def test_similar_scores_fact_checks_with_the_reranker(tmp_path, run, db_path):
    records = [
        {"id": "a", "text": "Unemployment fell to 3.5% in 2019, the lowest rate in fifty years.",
         "speaker": "A. Senator", "date": "stated on May 2, 2019 in a debate:"},
        {"id": "b", "text": "The council spent £4m on the new Riverside bridge in 2019."},
        {"id": "c", "text": "Drinking coffee every morning doubles the risk of heart attacks."},
    ]
    path = tmp_path / "fc.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert run("factchecks", "import", str(path)).exit_code == 0
    db = registry.open_registry(db_path)
    query = "Joblessness dropped to 3.5 percent in 2019, a fifty-year low."
    searcher = matching.Searcher(db)
    found = searcher.similar(query, limit=3, kinds=("fact_check",))
    assert searcher.reranker is not None and found[0]["ref"] == "a"
    # the score shown is the reranker's probability for the features training used
    cands, X = searcher.training_rows(query)
    p = dict(zip([c["ref"] for c in cands], searcher.reranker.probability(X)))
    assert [m["score"] for m in found] == [round(float(p[m["ref"]]), 4) for m in found]
    old = matching.Searcher(db, rerank=False)
    assert old.reranker is None
    assert old.similar(query, limit=1, kinds=("fact_check",))[0]["score"] != found[0]["score"]


@pytest.mark.model
@pytest.mark.skipif(not embeddings.available(), reason="the embedding model is not installed")
def test_the_query_is_encoded_on_a_worker_thread_while_bm25_runs(tmp_path, run, db_path):
    import threading

    path = tmp_path / "fc.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Unemployment fell to 3.5% in 2019."}) + "\n")
    assert run("factchecks", "import", str(path)).exit_code == 0
    searcher = matching.Searcher(registry.open_registry(db_path))
    threads, encode = [], searcher._query_vector

    def recording(text):
        threads.append(threading.current_thread().name)
        return encode(text)

    searcher._query_vector = recording
    found = searcher.similar("Joblessness dropped to 3.5 percent in 2019.", kinds=("fact_check",))
    assert found[0]["ref"] == "a" and found[0]["why"]
    assert threads and threads[0].startswith("claims-encode")
    pool = searcher._pool
    searcher.close()
    assert searcher._pool is None and pool._shutdown

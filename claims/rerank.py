"""A learned reranker for fact-check candidates that have a stored vector.

``claims similar`` gathers candidates (BM25 and the nearest stored vectors, see
``claims.matching`` and ``claims.dense``) and measures, for each, the signals that
``matching.components`` computes. With fact-check vectors those signals are weighed by a
small gradient-boosted model instead of the hand-set weighted mean: up to 200 trees of
at most 15 leaves (scikit-learn's early stopping kept 122), trained by
``scripts/train-matching-reranker`` on the CheckThat! *train* splits only (the right
fact-check of a query is a positive, every other candidate a negative), and shipped as
plain JSON in ``claims/data/matching-reranker.json`` (no pickle; 96 KB). Here it is
evaluated with numpy alone, every tree at once, a few milliseconds per query.

The features (``FEATURES``, in this order) are the candidate's:

- dense: transformer cosine with the query, its gap to the best candidate's, its rank
  among all stored vectors (reciprocal and log, capped at the number of dense candidates);
- BM25: its score relative to the best, its rank (reciprocal), whether BM25 found it;
- static-embedding cosine of text and title, idf-weighted word overlap;
- agreement: numbers, years and names that agree and that disagree (capped counts);
- the fact-check's metadata: how many fact-checks in the registry have the same speaker
  (log; prolific speakers' claims are repeated more), and whether its ``date`` says the
  claim was spoken (a debate, speech, interview...: PolitiFact writes "stated on ... in a
  debate");
- the query's own shape, the same for all its candidates, so that the trees can weigh the
  signals differently for a tweet and for a debate sentence: its length in words,
  whether it looks like a tweet (a link, handle or hashtag), how many numbers it has.

The score a match shows is the model's probability that the fact-check is the one the
query repeats, less the same explicit cost for a number or year that disagrees as the
hand-set formula charges (``matching.Searcher._rescore``).
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Optional

from .registry import RegistryError

MODEL_FILE = Path(__file__).resolve().parent / "data" / "matching-reranker.json"

FEATURES = [
    "dense", "dense_gap", "dense_rank_recip", "dense_rank_log",
    "bm25_rel", "bm25_rank_recip", "in_bm25",
    "static_cos", "static_cos_title", "lex_idf",
    "numbers", "number_mismatch", "years", "year_mismatch", "names", "name_mismatch",
    "speaker_log_count", "spoken",
    "query_words", "query_tweet", "query_numbers",
]

SPOKEN = ("debate", "speech", "interview", "remarks", "town hall", "forum", "rally", "conference",
          "hearing", "meeting", "discussion", "address")
_TWEETISH = re.compile(r"https?://|pic\.twitter|@\w+|#\w+")


def query_features(text: str, qf) -> list[float]:
    """The query's shape: length in words, tweet-like or not, how many numbers."""
    return [float(len(text.split())), float(bool(_TWEETISH.search(text))), float(len(qf.numbers))]


def spoken(date: Optional[str]) -> float:
    d = (date or "").lower()
    return float(any(w in d for w in SPOKEN))


def features(cands: list[dict], comps: list[dict], *, query: list[float], speakers: dict, dense_k: int):
    """One row of ``FEATURES`` per candidate (each needs ``dense``, ``dense_rank``,
    ``bm25_rank`` (None when BM25 did not find it), ``speaker`` and ``date``)."""
    import numpy as np

    top = max((c["dense"] for c in cands), default=0.0)
    rows = []
    for c, comp in zip(cands, comps):
        a = comp["agree"]
        dr = min(c["dense_rank"], dense_k)
        br = c.get("bm25_rank")
        rows.append([
            c["dense"], c["dense"] - top, 1.0 / (1 + dr), math.log1p(dr),
            comp["lex_bm25"], 1.0 / (1 + br) if br is not None else 0.0, float(br is not None),
            comp["cos"], comp["cos_title"], comp["lex_idf"],
            min(len(a["numbers"]), 2), min(len(a["number_mismatch"]), 2),
            min(len(a["years"]), 1), min(len(a["year_mismatch"]), 1),
            min(len(a["names"]), 2), min(len(a["name_mismatch"]), 1),
            math.log1p(speakers.get(c.get("speaker"), 0) if c.get("speaker") else 0),
            spoken(c.get("date")),
            *query,
        ])
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


class Reranker:
    """Gradient-boosted trees from their JSON form; ``probability(X)`` per row."""

    def __init__(self, spec: dict):
        import numpy as np

        if spec.get("features") != FEATURES:
            raise RegistryError("the matching reranker's features do not match this version of claims; "
                                "retrain it with scripts/train-matching-reranker")
        self.spec = spec
        self.baseline = float(spec["baseline"])
        trees = spec["trees"]
        # every tree's nodes in one flat array; a leaf points at itself, so walking
        # max-depth steps from each root lands every row on its leaf
        feat, thr, left, right, value, roots = [], [], [], [], [], []
        for tree in trees:
            base = len(feat)
            roots.append(base)
            for i, (f, t, lo, hi, v) in enumerate(zip(tree["feature"], tree["threshold"], tree["left"],
                                                      tree["right"], tree["value"])):
                leaf = lo < 0
                feat.append(0 if leaf else f)
                thr.append(math.inf if leaf else t)
                left.append(base + i if leaf else base + lo)
                right.append(base + i if leaf else base + hi)
                value.append(v)
        self.feat = np.array(feat, dtype=np.int64)
        self.thr = np.array(thr, dtype=np.float64)
        self.left = np.array(left, dtype=np.int64)
        self.right = np.array(right, dtype=np.int64)
        self.value = np.array(value, dtype=np.float64)
        self.roots = np.array(roots, dtype=np.int64)
        self.depth = int(spec["max_depth"])

    def decision(self, X):
        """The model's log-odds for each row of ``X`` (n, len(FEATURES))."""
        import numpy as np

        X = np.asarray(X, dtype=np.float64)
        if not len(X):
            return np.zeros(0)
        cur = np.repeat(self.roots[:, None], len(X), axis=1)  # (trees, rows)
        cols = np.arange(len(X))[None, :]
        for _ in range(self.depth):
            x = X[cols, self.feat[cur]]
            cur = np.where(x <= self.thr[cur], self.left[cur], self.right[cur])
        return self.baseline + self.value[cur].sum(0)

    def probability(self, X):
        import numpy as np

        return 1.0 / (1.0 + np.exp(-self.decision(X)))


@functools.lru_cache(maxsize=1)
def load(path: Optional[str] = None) -> Optional[Reranker]:
    """The shipped reranker, or None when its file is missing."""
    p = Path(path) if path else MODEL_FILE
    if not p.exists():
        return None
    return Reranker(json.loads(p.read_text(encoding="utf-8")))


def from_sklearn(model, info: dict) -> dict:
    """A fitted ``HistGradientBoostingClassifier`` (binary, numeric features) as JSON."""
    import numpy as np

    trees, depth = [], 0
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append({
            "feature": [int(f) for f in nodes["feature_idx"]],
            "threshold": [float(t) for t in nodes["num_threshold"]],
            "left": [-1 if lf else int(i) for lf, i in zip(leaf, nodes["left"])],
            "right": [-1 if lf else int(i) for lf, i in zip(leaf, nodes["right"])],
            "value": [round(float(v), 7) if lf else 0.0 for lf, v in zip(leaf, nodes["value"])],
        })
        # the longest root-to-leaf path (the walk in ``decision`` takes that many steps)
        stack = [(0, 0)]
        while stack:
            i, d = stack.pop()
            if leaf[i]:
                depth = max(depth, d)
            else:
                stack += [(int(nodes["left"][i]), d + 1), (int(nodes["right"][i]), d + 1)]
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return {"features": list(FEATURES), "baseline": baseline, "max_depth": depth, "trees": trees, **info}

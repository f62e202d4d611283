"""The claim splitter: article text in, check-worthy sentences with their spans out.

Four steps, each a plain function:

1. ``clean`` drops page furniture ("See also ...", share buttons, an all-capitals
   headline of another story) and takes the headline as the title; what is left is the
   article text that claims point into.
2. ``split_sentences`` finds sentence spans with pySBD, a rule-based splitter that
   passes the Golden Rules, paragraph by paragraph, so offsets are exact.
3. ``score`` gives each sentence ``checkable``, ``checkworthiness`` and ``claim_type``.
4. ``find_claimant`` names who makes the claim when the article attributes it.

``extract`` runs them all. Every claim satisfies ``text[start:end] == sentence``.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from . import sentences

NAME = "claims.splitter"
VERSION = "1"
MODEL = "heuristic-v1"
THRESHOLD = 0.5

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


# --- scoring -------------------------------------------------------------------------

_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|trillion|percent|half|twice|double)\b", re.I)
_DATE = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|yesterday|today|last (week|month|year)|(19|20)\d\d)\b", re.I)
_RULE = re.compile(r"\b(law|laws|rule[sd]?|ruling|court|judge|order|injunction|memorandum|statute|code|act|regulation|legal|illegal|allow(s|ed)?|permit(s|ted)?|prohibit(s|ed)?|requires?|ban(s|ned)?|authori[sz]e[sd]?|lawsuit|plaintiffs?|motion|den(y|ied|ies))\b", re.I)
_CAUSE = re.compile(r"\b(because|caused?|causes|due to|led to|leads to|result(ed|s)? in|as a result|thanks to|linked to)\b", re.I)
_PREDICT = re.compile(r"\b(will|would|going to|expected to|forecast|predict(s|ed)?|next year|by 20\d\d)\b", re.I)
_PERSONAL = re.compile(r"^\W*(I|we|my|our)\b", re.I)
_OPINION = re.compile(r"\b(i think|i believe|i feel|we must|we should|should|ought to|let'?s|thank you|god bless|great|wonderful|terrible|disgrace|victory|shame|hope|proud|applause)\b", re.I)
_FACT_VERB = re.compile(r"\b(is|are|was|were|has|have|had|did|does|ruled|denied|said|brought|filed|found|shows?|reported|increased|decreased|rose|fell|grew|allows?|share[sd]?|established?|reached|confirm(ed)?|provides?|outlines?|obligates?|came|comes)\b", re.I)
_PROPER = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-zA-Z]+")


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def score(sentence: str) -> dict:
    """``checkable``, ``checkworthiness`` (0 to 1) and ``claim_type`` for one sentence.

    A transparent weighted sum of what fact-checkers look for: numbers, dates, named
    people and bodies, rules and rulings, causal language; less for opinion, questions
    and rhetoric.
    """
    s = sentence.strip()
    words = _WORD.findall(s)
    n = len(words)
    question = s.rstrip("\"”’' )").endswith("?")
    number = bool(_NUMBER.search(s))
    date = bool(_DATE.search(s))
    rule = len(_RULE.findall(s))
    cause = bool(_CAUSE.search(s))
    predict = bool(_PREDICT.search(s))
    opinion = len(_OPINION.findall(s))
    fact_verb = bool(_FACT_VERB.search(s))
    proper = min(len(_PROPER.findall(s)), 6)

    checkable = n >= 6 and not question and fact_verb and opinion <= proper // 2 + rule
    x = -2.2 + 0.9 * number + 0.5 * date + 0.45 * min(rule, 3) + 0.22 * proper + 0.5 * cause
    x += 0.6 * fact_verb - 0.9 * opinion - 2.0 * question + (0.4 if 6 <= n <= 60 else -0.5)
    worthiness = round(_sigmoid(x), 4)
    if not checkable:
        worthiness = round(min(worthiness, 0.45), 4)

    if not checkable:
        claim_type = "not a claim"
    elif cause:
        claim_type = "correlation or causation"
    elif number and re.search(r"\d", s) or re.search(r"\b(percent|million|billion)\b", s, re.I):
        claim_type = "quantity"
    elif rule:
        claim_type = "current laws or rules"
    elif predict:
        claim_type = "prediction"
    elif _PERSONAL.search(s):
        claim_type = "personal experience"
    else:
        claim_type = "other claim"
    return {"checkable": bool(checkable), "checkworthiness": worthiness, "claim_type": claim_type}


# --- claimant ------------------------------------------------------------------------

_NAME = r"[A-Z][\w’'.-]+(?:\s+(?:de|van|von|da|del|[A-Z][\w’'.-]+)){0,4}"
_VERB = r"(?:said|says|wrote|writes|told|added|continued|stated|argued|claimed|noted|explained|testified|tweeted|posted|announced)"
_CLAIMANT_PATTERNS = [
    # “...,” Friedrich wrote.  / “...,” the order said.
    re.compile(rf"[”\"’],?\s+(?P<who>(?:the|a|an)\s+[\w\s-]{{2,60}}?|{_NAME}|she|he|they)\s+{_VERB}\b"),
    # ..., a senior Treasury Department official said ...
    re.compile(rf",\s+(?P<who>(?:a|an|the)\s+(?:[\w’'-]+\s+){{0,6}}?[\w’'-]+)\s+{_VERB}\b"),
    # Tricia McLaughlin, the DHS assistant secretary of public affairs, said
    re.compile(rf"(?P<who>{_NAME}),\s+(?:the|a|an)\s+[^,]{{3,80}},\s+{_VERB}\b"),
    # ..., McLaughlin said.
    re.compile(rf",\s+(?P<who>{_NAME}|she|he|they)\s+{_VERB}\b"),
    re.compile(rf"\baccording to (?P<who>(?:the\s+)?{_NAME}|(?:a|an|the)\s+[\w\s-]{{2,60}}?)(?=[,.]|$)"),
    re.compile(rf"^(?P<who>{_NAME})\s+{_VERB}\b"),
]
_PRONOUNS = {"she", "he", "they"}


def find_claimant(sentence: str, previous: str | None = None) -> str | None:
    """Who makes the claim, when the sentence attributes it; ``previous`` resolves
    "she said" to the last person named."""
    for pattern in _CLAIMANT_PATTERNS:
        m = pattern.search(sentence)
        if m:
            who = m.group("who").strip()
            if who.lower() in _PRONOUNS:
                return previous
            return who
    return None


# --- the pipeline --------------------------------------------------------------------


@dataclass
class Extraction:
    title: str | None
    text: str
    sentences: list[dict]

    def claims(self, include_all: bool = False) -> list[dict]:
        return [s for s in self.sentences if include_all or s["checkable"]]


def extract(raw: str, title: str | None = None) -> Extraction:
    """Clean an article, split it into sentences, and score and attribute each one."""
    title, text = clean(raw, title)
    sentences = []
    previous = None
    for start, end in split_sentences(text):
        sentence = text[start:end]
        figures = score(sentence)
        claimant = find_claimant(sentence, previous)
        if claimant and claimant.lower() not in _PRONOUNS and not claimant.lower().startswith(("the ", "a ", "an ")):
            previous = claimant
        sentences.append({
            "text": sentence,
            "sentence": sentence,
            "start": start,
            "end": end,
            **figures,
            "claimant": claimant,
        })
    return Extraction(title=title, text=text, sentences=sentences)


def provenance() -> dict:
    return {"extractor": NAME, "extractor_version": VERSION, "model": MODEL, "threshold": THRESHOLD}

"""The claim splitter: article text in, the claims worth checking with their spans out.

Seven steps, each a plain function in a module of its own:

1. ``clean`` (here) drops page furniture ("See also ...", share buttons, an all-capitals
   headline of another story) and takes the headline as the title; what is left is the
   article text that claims point into.
2. ``claims.sentences.split_sentences`` finds sentence spans (pySBD plus measured repairs).
3. ``claims.claimant.attribute`` names who makes each sentence's claim, if anyone.
4. ``claims.atomic.split`` turns a sentence joining independent statements into one claim
   per statement; every claim keeps the span of its whole sentence.
5. ``claims.checkworthiness`` (the shipped models in ``claims/data``) gives each claim
   ``checkable`` and ``checkworthiness``; ``claims.claimtypes`` its Full Fact type.
6. ``claims.selection`` and the scores say which sentences are left out of the store
   (``left_out``); ``checkworthiness`` weighs the article's lead (``_lead_first``).
7. ``claims.standalone`` rewrites each claim's ``text`` to read alone (``needs_context``
   when it cannot).

``extract`` runs them all. Every claim satisfies ``text[start:end] == sentence``.
"""

import re
from dataclasses import dataclass

from . import articles, atomic, checkworthiness, claimant, claimtypes, selection, sentences, standalone

NAME = "claims.splitter"
VERSION = "6"
THRESHOLD = 0.5  # checkworthiness at or above this is check-worthy (the model's cut maps here)

# A platform name starts furniture ("Facebook", "Twitter: @x") unless a sentence follows
# ("Twitter said on Monday it would ...").
_FURNITURE_START = re.compile(
    r"^\s*(see also|related( articles| stories)?\b|read more|more from|click here|share\b|"
    r"tweet\b|follow us|sign up|subscribe|advertisement|uncategorized|email\b|print\b|"
    r"copy link|(?:comments?|facebook|twitter|whatsapp|linkedin|reddit|pinterest)\b(?!(?:\W+\w+){5,}.*[.!?][\"'”’)]*\s*$)|"
    r"download the|get the .* app|watch:|listen:|see more:|also on |like this story|"
    r"follow (us|him|her|them|@\w+|[\w.]+ on)|(additional )?reporting by|editing by|edited by|"
    r"updated (at|on)\b|click to tweet|photo:|image:|credit:|getty images|"
    r"get the .* (delivered|newsletter)|sign up for|you might also like|recommended\b|"
    r"prices are subject to|quantities may be limited|\S+ may receive a commission)",
    re.IGNORECASE,
)
# Anywhere in a line: a reporting credit, a newsletter or commission notice, a tag of
# another story ("... [VIDEO]").
_FURNITURE_ANYWHERE = re.compile(
    r"(contributed (to this report|reporting)|writers? .{0,200} contributed|subscribing to our newsletter|"
    r"may receive a commission|\[(insight|video|news|reaction|warning|pictures|photos|poll)\]\s*\|?\s*$|"
    r"share it with a friend)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-•*▪–]\s+)+")
_TRAILING_WIDGET = re.compile(r"\s*Click To Tweet\s*$", re.IGNORECASE)
MIN_WORDS_UNPUNCTUATED = 4  # a shorter line without sentence punctuation is page chrome
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
    if _FURNITURE_ANYWHERE.search(line) and len(words) < 40:
        return True
    if not _TERMINAL.search(line) and len(words) < MIN_WORDS_UNPUNCTUATED:
        return True
    return False


def is_headline(line: str) -> bool:
    """A Title Case line without sentence punctuation: a subheading, or the headline of a
    linked story (kept only between two paragraphs of prose, see ``clean``)."""
    words = _WORD.findall(line)
    return not _TERMINAL.search(line) and len(words) <= 16 and _is_headline(words)


_MINOR = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "with", "by", "from",
          "as", "is", "vs", "via", "into", "over", "after", "about"}


def _is_headline(words: list[str]) -> bool:
    """Title Case words: "Google Bets on the Future With Launch of Stadia"."""
    major = [w for w in words if w.lower() not in _MINOR]
    if len(major) < 3:
        return False
    return sum(w[:1].isupper() or w[:1].isdigit() for w in major) / len(major) >= 0.75


def _drop_furniture_sentences(line: str) -> str:
    """Remove the furniture sentences inside a paragraph ("Follow us on Twitter ...")."""
    if not (_FURNITURE_START.search(line) or _FURNITURE_ANYWHERE.search(line) or "follow" in line.lower()):
        return line
    kept = [line[a:b] for a, b in sentences.split_sentences(line)
            if not (_FURNITURE_START.match(line[a:b]) or _FURNITURE_ANYWHERE.search(line[a:b])
                    or _FURNITURE_SENTENCE.search(line[a:b]))]
    return " ".join(kept)


_FURNITURE_SENTENCE = re.compile(
    r"^(follow .{0,60}\b(on|at) (twitter|facebook|instagram)|.{0,40}\b(may|might) not be available to all customers|"
    r"quantities may be limited|we’d like to hear what you think|here are some tips|.{0,30}\bis committed to publishing)",
    re.IGNORECASE,
)


def _normalise(line: str) -> str:
    return re.sub(r"[ \t\u00a0\u2009\u200b]+", " ", line).strip()


MAX_SHOUTED_SUBHEADING_WORDS = 5  # "US FALLS" is a subheading; a longer capitals line another story


def _is_hard_furniture(line: str, words: list[str]) -> bool:
    """Furniture by its words ("Share this", "Advertisement", a credit), wherever it sits."""
    return (not words or (_FURNITURE_START.match(line) and len(words) < 30)
            or (_FURNITURE_ANYWHERE.search(line) and len(words) < 40))


def clean(raw: str, title: str | None = None) -> tuple[str | None, str]:
    """Return ``(title, text)``: the headline (if none was given) and the article body,
    one paragraph per block, furniture removed.

    A short line without sentence punctuation (a subheading, a list item, a Title Case
    headline) is kept only where the article around it vouches for it:
    - between two paragraphs of prose (a subheading);
    - in a run of such lines right after a line ending in ":" or "?" (a list it introduces),
      when prose or the end of the text follows the run;
    - in a block of lines (lines not separated by a blank line, in a text whose blocks are)
      that follows a paragraph of prose, or a heading that follows one: a paragraph broken
      into lines, such as a schedule.
    A bulleted block only counts as a list, and no block counts if one of its lines is
    furniture by its words (``_FURNITURE_START``, ``_FURNITURE_ANYWHERE``).
    """
    paragraphs = []  # a prose line (str), a short line (tuple) or a gap (None)
    blocks = []  # the block of each entry of paragraphs
    block = 0
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _normalise(line)
        bullet = bool(_BULLET.match(line))
        line = _TRAILING_WIDGET.sub("", _BULLET.sub("", line))
        if not line:
            block += 1
            continue
        if not any(paragraphs) and title is None and not _is_shouting(line) and not _FURNITURE_START.match(line) \
                and not articles.byline(line):  # "By Jo Reporter | March 3, 2024" is no headline
            words = _WORD.findall(line)
            if 3 <= len(words) <= 30 and not _TERMINAL.search(line):
                title = line
                continue
        if title and not any(paragraphs) and _WORD.findall(line.lower()) == _WORD.findall(title.lower()):
            continue  # the page repeats the headline it was given
        blocks.append(block)
        words = _WORD.findall(line)
        if _is_hard_furniture(line, words):
            paragraphs.append(None)  # a gap: a short line next to it is not vouched for
        elif is_headline(line) or is_furniture(line):
            if _is_shouting(line) and len(words) > MAX_SHOUTED_SUBHEADING_WORDS:
                paragraphs.append(None)
            else:
                paragraphs.append(("short", line, bullet))
        else:
            line = _drop_furniture_sentences(line)
            if line:
                paragraphs.append(line)
            else:
                blocks.pop()
    keep = _vouched_short_lines(paragraphs, blocks, several_blocks=len(set(blocks)) > 1)
    kept = []
    for i, item in enumerate(paragraphs):
        if isinstance(item, str):
            kept.append(item)
        elif item is not None and i in keep:
            kept.append(item[1])
    return title, "\n\n".join(kept)


def _vouched_short_lines(paragraphs: list, blocks: list[int], several_blocks: bool) -> set[int]:
    """Indexes of the short lines (tuples in ``paragraphs``) that ``clean`` keeps."""
    n = len(paragraphs)
    keep = set()
    i = 0
    while i < n:  # runs of short lines
        if not isinstance(paragraphs[i], tuple):
            i += 1
            continue
        j = i
        while j < n and isinstance(paragraphs[j], tuple):
            j += 1
        before = paragraphs[i - 1] if i > 0 else None
        after = paragraphs[j] if j < n else None
        if isinstance(before, str) and re.search(r"[:?]\s*$", before) and (isinstance(after, str) or j == n):
            keep.update(range(i, j))  # a list its intro line announces
        i = j
    if several_blocks:
        start = 0
        while start < n:  # blocks of lines
            end = start
            while end < n and blocks[end] == blocks[start]:
                end += 1
            entries = paragraphs[start:end]
            before = paragraphs[start - 1] if start > 0 else None
            if isinstance(before, tuple) and start > 1:  # the block's own heading: look past it
                before = paragraphs[start - 2]
            if (end - start >= 2 and None not in entries
                    and not any(isinstance(e, tuple) and e[2] for e in entries)
                    and (isinstance(before, str) or isinstance(entries[0], str))):
                keep.update(k for k in range(start, end) if isinstance(paragraphs[k], tuple))
            start = end

    def prose(k: int) -> bool:
        return 0 <= k < n and (isinstance(paragraphs[k], str) or k in keep)

    for i, item in enumerate(paragraphs):  # subheadings between prose
        if isinstance(item, tuple) and prose(i - 1) and prose(i + 1):
            keep.add(i)
    return keep


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence in ``text`` (see ``claims.sentences``)."""
    return sentences.split_sentences(text)


# --- scoring and attribution ---------------------------------------------------------


def model() -> checkworthiness.Model:
    return checkworthiness.default_model()


def score_many(texts: list[str], fast: bool = False) -> list[dict]:
    """``checkable``, ``checkworthiness`` (0-1) and ``claim_type`` for each text; ``fast``:
    with the n-gram model (thousands of sentences a second) instead of the default one."""
    out = []
    scorer = checkworthiness.cached_model(False) if fast else model()
    for text, figures in zip(texts, scorer.predict(texts)):
        out.append({
            "checkable": figures["checkable"],
            "checkworthiness": figures["checkworthiness"],
            "claim_type": claimtypes.claim_type(text, figures["checkable"]),
        })
    return out


def score(sentence: str) -> dict:
    """``checkable``, ``checkworthiness`` (0 to 1) and ``claim_type`` for one sentence."""
    return score_many([sentence.strip()])[0]


# --- the pipeline --------------------------------------------------------------------


@dataclass
class Extraction:
    title: str | None
    text: str
    sentences: list[dict]  # one row per claim; a sentence may give several

    def claims(self, include_all: bool = False) -> list[dict]:
        """The claims to store; with ``include_all``, every sentence, each left-out one with
        its ``left_out`` reason."""
        return [s for s in self.sentences if include_all or s["left_out"] is None]


def extract(raw: str, title: str | None = None) -> Extraction:
    """Clean an article, split it into sentences and atomic claims, score and attribute
    each claim. Each row has ``text`` (the claim), ``sentence`` and its ``start``/``end``."""
    title, text = clean(raw, title)
    spans = split_sentences(text)
    sentences = [text[a:b] for a, b in spans]
    breaks = [i == 0 or "\n" in text[spans[i - 1][1]:spans[i][0]] for i in range(len(spans))]
    claimants = claimant.name_documents(claimant.attribute(sentences, breaks), text)
    rows = []
    for (start, end), sentence, who in zip(spans, sentences, claimants):
        parts = atomic.split(sentence)
        for claim, by in zip(parts, _claimants_of_parts(sentence, parts, who)):
            rows.append({"text": claim, "sentence": sentence, "start": start, "end": end, "claimant": by})
    _score(text, rows)
    _select(rows)
    _lead_first(rows)
    _standalone(text, rows)
    ordered = [{k: r[k] for k in ("text", "sentence", "start", "end", "checkable", "checkworthiness",
                                  "claim_type", "claimant", "needs_context", "left_out", "extractor", "extractor_version",
                                  "model", "threshold")}
               for r in rows]
    return Extraction(title=title, text=text, sentences=ordered)


def _score(text: str, rows: list[dict]) -> None:
    """Score every row. The default model (the transformer) scores the candidates only: a
    sentence that ``claims.selection`` or ``is_subheading`` already leaves out is scored by
    the n-gram model, and its ``model`` says so (about a third of a news page's sentences;
    the transformer is the pipeline's slowest step)."""
    stamp = provenance()
    fast = {**stamp, "model": checkworthiness.cached_model(False).identifier}
    for row in rows:
        row["_heading"] = is_subheading(text, row["start"], row["end"])
        row["_reason"] = selection.reason(row["sentence"])
    candidates = [r for r in rows if r["_reason"] is None and not r["_heading"]]
    others = [r for r in rows if r["_reason"] is not None or r["_heading"]]
    for group, scored, figures in ((candidates, stamp, score_many([r["text"] for r in candidates])),
                                   (others, fast, score_many([r["text"] for r in others], fast=True))):
        for row, fig in zip(group, figures):
            row.update(fig)
            row.update(scored)
            if row["_heading"]:
                row.update(checkable=False, claim_type="not a claim", claimant=None)  # "What the Budget Says"


MIN_CHECKWORTHINESS = 0.15  # below this a checkable sentence is not worth a reviewer's time


def _select(rows: list[dict]) -> None:
    """Set each row's ``left_out``: None for a claim to store, else why it is not one
    (``claims.selection``), "not checkable", "not check-worthy" (under
    ``MIN_CHECKWORTHINESS``) or "duplicate" (a sentence already stored from the article:
    a pull quote)."""
    stored = {}  # normalised sentence -> its start
    for row in rows:
        why = row["_reason"] if "_reason" in row else selection.reason(row["sentence"])
        if why is None and not row["checkable"]:
            why = "not checkable"
        if why is None and row["checkworthiness"] < MIN_CHECKWORTHINESS:
            why = "not check-worthy"
        key = selection.normalised(row["sentence"])
        if why is None and stored.get(key, row["start"]) != row["start"]:
            why = "duplicate"
        row["left_out"] = why
        if why is None:
            stored[key] = row["start"]


LEAD_WEIGHT = 0.1  # a claim at the end of an article keeps 90% of its model score


def _lead_first(rows: list[dict]) -> None:
    """A news article states its main claims first (the inverted pyramid): each claim's
    ``checkworthiness`` is the model's figure times ``1 - LEAD_WEIGHT * position``, where
    position runs from 0 (the first sentence) to 1 (the last). Measured on the claims-gold
    pages: the share of must-check claims among each page's five highest, 0.848 -> 0.865
    (weights 0.05-0.2 all help; 0.3 hurts). Which sentences are stored does not depend on it."""
    starts = sorted({r["start"] for r in rows})
    place = {start: k for k, start in enumerate(starts)}
    for row in rows:
        position = place[row["start"]] / max(1, len(starts) - 1)
        row["checkworthiness"] = round(row["checkworthiness"] * (1 - LEAD_WEIGHT * position), 4)


def _standalone(text: str, rows: list[dict]) -> None:
    """Rewrite each claim's ``text`` to read alone (``claims.standalone``), reading the
    article in order so that a reference resolves to what came before it."""
    memory = standalone.Memory(text, list(dict.fromkeys(r["sentence"] for r in rows)), [r["claimant"] for r in rows])
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j]["start"] == rows[i]["start"]:
            j += 1
        for row in rows[i:j]:
            row["text"], row["needs_context"] = standalone.rewrite(row["text"], row["claimant"], memory)
        memory.see(rows[i]["sentence"])
        i = j


def is_subheading(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` a paragraph of its own that is a subheading, which ``clean``
    keeps in the article but which states nothing? One in capitals ("US FALLS") or Title
    Case ("How the Ruling Works"), or a short line between two paragraphs of prose
    ("Thermals", "Testing the silicon"; a list item follows a line ending in ":" instead)."""
    line = text[start:end]
    alone = (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
    if not alone or _TERMINAL.search(line):
        return False
    letters = [c for c in line if c.isalpha()]
    if (len(letters) >= 2 and all(c.isupper() for c in letters)) or is_headline(line):
        return True
    return (len(_WORD.findall(line)) <= MIN_WORDS_UNPUNCTUATED and line[:1].isupper()
            and bool(_TERMINAL.search(_paragraph_before(text, start)))
            and bool(_TERMINAL.search(_paragraph_after(text, end))))


def _paragraph_before(text: str, start: int) -> str:
    """The paragraph that ends before offset ``start`` (read from there, not from the top)."""
    k = start
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return text[text.rfind("\n", 0, k) + 1:k]


def _paragraph_after(text: str, end: int) -> str:
    i = end
    while i < len(text) and text[i].isspace():
        i += 1
    j = text.find("\n", i)
    return text[i:j if j >= 0 else len(text)]


def _claimants_of_parts(sentence: str, parts: list[str], who: str | None) -> list[str | None]:
    """The claimant of each atomic claim of a sentence whose claimant is ``who``. A part
    that opens with a speaker of its own ("..., but Sondland has said ...") is that
    speaker's, and the parts before it, which have none, are the article's own; a closing
    attribution (", McLaughlin said.") covers every part, as does one at the start."""
    if who is None or len(parts) < 2:
        return [who] * len(parts)
    written = claimant.find(sentence)
    found = [claimant.attributions(part) for part in parts]  # read each part once
    out = []
    for part_found in found:
        own = claimant.speaker(part_found)
        out.append(who if own is None or own == written or own.lower() in claimant.PRONOUNS else own)
    opening = next((k for k in range(1, len(parts)) if any(not closes for _, _, closes, _ in found[k])), None)
    if opening is not None:  # the parts before a speaker's own opening are the article's
        out[:opening] = [None if not found[j] else out[j] for j in range(opening)]
    return out


def provenance() -> dict:
    """Extractor name and version, model identifier and threshold, stored on every claim."""
    return {"extractor": NAME, "extractor_version": VERSION, "model": model().identifier, "threshold": THRESHOLD}

"""Sentence boundaries with exact offsets.

``split_sentences(text)`` returns the ``(start, end)`` of every sentence, so that
``text[start:end]`` is the sentence with no surrounding whitespace.

The splitter is pySBD (rule-based; it passes 47 of the 48 English Golden Rules) run line by
line, with three repairs measured on the GUM documents in ``../shared/eval/sentences``
(``scripts/eval-sentences``):

* pySBD keeps a multi-sentence quotation as one sentence ("... Dkt. 28. For the reasons
  that follow, ..."); we split inside it wherever a full stop, question or exclamation
  mark is followed by a capitalised word and the word before the stop is not an
  abbreviation or an initial;
* an abbreviation that ends a sentence ("in Washington D.C. The team ...") is a boundary
  when the next word is one that starts sentences (The, He, In ...);
* a lone closing quotation mark that pySBD leaves on its own, or at the start of the next
  sentence, goes back to the sentence it closes; photo credits ("Image: ...") stand alone;
* a speaker after a quotation ("“... the investigation?” Holmes testified.") goes back to
  the quotation when pySBD cut before the capitalised name.

Other splitters were measured against it (nupunkt, syntok, sentencex, blingfire); see
docs/guide.md for the figures.
"""

import re
from functools import lru_cache

import pysbd
from pysbd.lang.english import English

from .claimant import SPEECH_VERBS

_LINE = re.compile(r"[^\n]+")
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
# A candidate boundary: terminal punctuation, closing marks, space, opening marks, capital.
_CANDIDATE = re.compile(r"([.!?…]+)([\"'”’»)\]]*)(\s+)(?=[\"“‘«]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.&'’-]+)$")
_STARTERS = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "this", "that", "these", "those",
    "in", "on", "at", "but", "and", "however", "his", "her", "their", "its", "our", "there",
    "image", "photo", "after", "before", "when", "while", "if", "as", "for", "last", "since",
    "some", "many", "most", "other", "others", "both", "no", "not", "what", "who", "why", "how",
}
_EXTRA_ABBREVIATIONS = {
    "dkt", "no", "nos", "v", "vs", "art", "sec", "secs", "para", "paras", "ch", "ed", "eds",
    "fig", "figs", "gov", "sen", "rep", "reps", "sens", "atty", "gen", "lt", "col", "sgt",
    "capt", "cmdr", "adm", "supt", "det", "insp", "hon", "rev", "fr", "msgr", "st", "mt", "ft",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mr", "mrs", "ms", "dr", "prof", "jr", "sr", "inc", "corp", "co", "ltd", "llc", "bros",
    "approx", "est", "dept", "univ", "assn", "ave", "blvd", "rd", "cf", "al", "etc", "ex",
    "op", "cit", "ibid", "pp", "vol", "vols", "ca", "ct", "cir", "supp", "app", "u.s.c",
}
# Abbreviations that are never the end of a sentence when a capitalised word follows.
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "st", "mt", "hon", "rev", "fr", "atty", "det", "insp", "supt", "adm", "cmdr", "no", "nos",
    "dkt", "v", "vs", "art", "sec", "fig", "ch", "vol", "pp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "reps", "sens", "msgr", "para",
}
# A dated line before the first sentence: "Thursday, May 7, 2015 On Tuesday, ..."
_DATELINE = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+[A-Z][a-z]+\s+\d{1,2},\s+\d{4}"
    r"(\s+)(?=[A-Z])"
)
_CAPTION = re.compile(r"\s(?=(?:Image|Photo|Photograph|Credit|Source):\s)")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset:
    return frozenset({a.lower().rstrip(".") for a in English.Abbreviation.ABBREVIATIONS} | _EXTRA_ABBREVIATIONS)


@lru_cache(maxsize=1)
def _segmenter():
    return pysbd.Segmenter(language="en", clean=False)


def _align(text: str, pieces, offset: int = 0) -> list[tuple[int, int]]:
    """Map the strings a splitter returned back to spans of ``text``."""
    spans = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:  # the splitter changed whitespace: align on non-space characters
            core = [c for c in piece if not c.isspace()]
            j = cursor
            while j < len(text) and text[j].isspace():
                j += 1
            start, k = j, 0
            while j < len(text) and k < len(core):
                if not text[j].isspace():
                    k += 1
                j += 1
            end = j
        else:
            end = start + len(piece)
        if end > start:
            spans.append((start + offset, end + offset))
            cursor = end
    return spans


def _quote_depth(s: str) -> bool:
    """True when ``s`` ends inside an open quotation."""
    straight = s.count('"') % 2 == 1
    curly = s.count("“") > s.count("”")
    return straight or curly


def _is_boundary(sentence: str, m: re.Match) -> bool:
    punct = m.group(1)
    before = sentence[: m.start()]
    after = sentence[m.end():]
    next_word = re.match(r"[\"“‘«(\[]?([\w’']+)", after)
    next_word = next_word.group(1) if next_word else ""
    if punct[-1] in "!?…" or len(punct) > 1:
        return punct[-1] != "." or len(punct) < 3 or next_word[:1].isupper()
    w = _WORD_BEFORE.search(before)
    word = w.group(1) if w else ""
    bare = word.lower().strip("'’")
    if not word:
        return True
    if word[-1].isdigit():
        # "Dkt. 28. For the reasons": a number ends a sentence unless it is a list marker
        return len(before.strip()) > len(word)
    if "." in word:  # U.S. / D.C. / a.m.: a boundary only before a sentence starter
        return next_word.lower() in _STARTERS and next_word[:1].isupper() and len(next_word) > 1
    if len(word) == 1 and word.isalpha():
        return word == "I" and next_word.lower() in _STARTERS
    if bare in _TITLES:
        return False
    if bare in _abbreviations():
        return next_word.lower() in _STARTERS and (len(next_word) > 1 or (next_word == "I" and word.islower()))
    return True


def _resplit(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one pySBD sentence where it hides boundaries (inside quotations, after
    abbreviations that end a sentence, before photo credits)."""
    s = text[start:end]
    cuts = []
    for m in _CANDIDATE.finditer(s):
        inside = _quote_depth(s[: m.start()])
        w = _WORD_BEFORE.search(s[: m.start()])
        word = w.group(1) if w else ""
        if not inside:
            # Outside a quotation pySBD's own decision stands, except after an
            # abbreviation with inner stops ("D.C. The"), a closing single quotation
            # mark ("blue.’ Of course") or a plain lower-case word ("in me. I intend").
            if m.group(2):
                if not ("’" in m.group(2) and "‘" in s[: m.start()]):
                    continue
            elif not ("." in word or (word.isalpha() and word.islower() and len(word) > 1)):
                continue
        if _is_boundary(s, m):
            cuts.append(m.start(3))
    m = _DATELINE.match(s)
    if m and (start == 0 or text[start - 1] == "\n"):
        cuts.append(m.start(1))
    for m in _CAPTION.finditer(s):
        if m.start() > 0:
            cuts.append(m.start())
    if not cuts:
        return [(start, end)]
    spans = []
    prev = 0
    for cut in sorted(set(cuts)):
        piece = s[prev:cut]
        if piece.strip():
            a = prev + len(piece) - len(piece.lstrip())
            b = prev + len(piece.rstrip())
            spans.append((start + a, start + b))
        prev = cut
    piece = s[prev:]
    if piece.strip():
        a = prev + len(piece) - len(piece.lstrip())
        spans.append((start + a, start + prev + len(piece.rstrip())))
    return spans


def _repair_quotes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give a stray closing quotation mark back to the sentence it closes."""
    out: list[list[int]] = []
    for a, b in spans:
        piece = text[a:b]
        if out and "\n" not in text[out[-1][1]:a]:
            w = _WORD_BEFORE.search(text[out[-1][0]:out[-1][1] - 1]) if text[out[-1][1] - 1] == "." else None
            if w and w.group(1).lower() in _TITLES and not w.group(1).isupper():
                out[-1][1] = b  # "Dkt. | 28." and "Mr. | Smith" are one sentence
                continue
        if out and all(c in _CLOSERS or c.isspace() for c in piece):
            out[-1][1] = b
            continue
        m = re.match(r"[”’\"']+(?=\s)", piece)
        if out and m and text[out[-1][1] - 1] in ".!?…," and "\n" not in text[out[-1][1]:a]:
            # a quotation mark followed by a space closes the previous sentence
            out[-1][1] = a + m.end()
            rest = piece[m.end():]
            a = a + m.end() + len(rest) - len(rest.lstrip())
        out.append([a, b])
    return [(a, b) for a, b in out]


# "Holmes testified." / "Senator Ana Ruiz told reporters on Monday." after a whole quotation
_NAME = r"(?:[A-Z][\w’'.-]*\s+){1,5}"
_SPEAKER_ONLY = re.compile(_NAME + r"(" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")([^.!?]*)\.$")
_CLAUSE = re.compile(r"\b(?:that|he|she|they|it|i|we|you|his|her|their|to)\b|[“”\"‘’,;:]", re.I)


def _speaker_of_quotation(quotation: str, piece: str) -> bool:
    """Is ``piece`` only the speaker of the quotation before it? After "?!” any short tail
    without a clause ("told reporters on Monday"); after ".” nothing but name and verb."""
    q = quotation.rstrip()
    stop = q.rstrip("”\"’ ")[-1:]  # the mark that ends the quoted words
    if q[:1] not in "\"“‘" or q[-1:] not in "”\"’" or stop not in ".!?…" or not stop:
        return False
    m = _SPEAKER_ONLY.fullmatch(piece)
    if not m:
        return False
    tail = m.group(2).strip()
    if stop == ".":
        return not tail
    return len(tail.split()) <= 5 and not _CLAUSE.search(tail)


def _attach_speakers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and "\n" not in text[out[-1][1]:a] and _speaker_of_quotation(text[out[-1][0]:out[-1][1]], text[a:b]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


CHUNK = 2000  # pySBD slows down more than linearly on long lines: feed it pieces this long
_SAFE_CUT = re.compile(r"(?<=[a-z]{3}[.!?])\s+(?=[A-Z][a-z])")


def _chunks(line: str, offset: int):
    """Cut a very long line at unambiguous sentence ends (a lower-case word, a stop, a
    capitalised word) roughly every ``CHUNK`` characters."""
    start = 0
    while len(line) - start > 2 * CHUNK:
        m = _SAFE_CUT.search(line, start + CHUNK)
        if not m:
            break
        yield line[start:m.start()], offset + start
        start = m.end()
    yield line[start:], offset + start


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence in ``text``; a line break always ends one."""
    spans: list[tuple[int, int]] = []
    segment = _segmenter().segment
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        for body, offset in _chunks(line.group(), line.start()):
            for a, b in _align(body, segment(body), offset):
                spans.extend(_resplit(text, a, b))
    return _join_cut_sentences(text, _attach_speakers(text, _repair_quotes(text, spans)))


# News style abbreviations that pySBD may take for a sentence end: "R-W.Va., visited",
# "10:30 p.m. Aug. 9", "at 3 p.m. Tuesday"
_TIME_OR_STATE = re.compile(r"(?:\b[ap]\.m\.|\b[A-Z]-[A-Z][\w.]*\.|\b(?:No|St|Nos|Ave|Rd)\.)$")
_WHEN_FOLLOWS = re.compile(
    r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"[a-z]*\.?\s+\d|(?:ET|EST|EDT|PT|PST|PDT|CT|CST|GMT|UTC|local time)\b|\d)")


def _join_cut_sentences(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a span to the one before it when no sentence can start there: it opens with a
    comma, semicolon, colon or closing bracket (", visited the border ..." after "Rep. X,
    R-W.Va."), or it follows a time or a state abbreviation and opens with a day, a date,
    a time zone or a number ("10:30 p.m." + "Aug. 9 to 6:30 a.m."). Never across a line."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and "\n" not in text[out[-1][1]:a]:
            before = text[out[-1][0]:out[-1][1]]
            piece = text[a:b]
            if piece[:1] in ",;:)]" or (_TIME_OR_STATE.search(before) and (
                    _WHEN_FOLLOWS.match(piece) or piece[:1].islower())):
                out[-1] = (out[-1][0], b)
                continue
        out.append((a, b))
    return out


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]

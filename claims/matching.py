"""Claim matching: has this claim been checked before?

``similar(db, text)`` answers one query with the best matches among the registry's own
claims and the imported fact-checks, each with a score and the reasons for it:

1. Candidates: SQLite FTS5 BM25 over ``fact_checks_fts`` (text, title) and
   ``claims_fts`` (text, sentence), an OR of the query's content words, a few dozen
   from each. This is the only part whose cost grows with the registry, and FTS5 keeps
   it to the posting lists of the query's words.
2. Rerank each candidate by
   - meaning: cosine of sentence embeddings (``claims.embeddings``; when the model is not
     installed this term is left out and matching is lexical),
   - words: how much of the query's weighted vocabulary the candidate shares,
   - agreement of numbers, years and names: "£4m" is not "£4bn", "2019" is not "2020".
     A disagreement lowers the score and is listed in ``why``.

``features(text)`` is the number/date/name reader; ``compare(q, c)`` the agreement check.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

from sqlite_utils import Database

from .registry import RegistryError, actor_of, get_row, now, parse_id, write

# --- reading numbers, dates and names --------------------------------------------------

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each even ever every few for from further get gets got had
hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's
like me more most much must mustn't my myself no nor not now of off on once one only or
other ought our ours ourselves out over own really said same say says shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those
through to too under until up upon us very via was wasn't we we'd we'll we're we've were
weren't what what's when when's where where's which while who who's whom why why's will
with won't would wouldn't yes yet you you'd you'll you're you've your yours yourself
yourselves going go know think want well right people thing things way lot
""".split())

# Capitalised words that are not names
NOT_NAMES = frozenset("""
i a an the this that these those it its he she we they you my our your his her their
mr mrs ms dr st but and or so if in on at of for to from by with as when while after
before then now here there what who why how which where yes no not just also well
breaking rumor claim video photo photos image news update watch says said new
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""".split())

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

SCALES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "t": 1e12, "tn": 1e12, "trillion": 1e12,
    "hundred": 1e2, "dozen": 12,
}
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "half": 0.5,
}
CURRENCIES = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR"}

_NUMBER = re.compile(
    r"(?<![\w.])(?P<cur>[£$€¥₹])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")(?![\w-]))"
    r"(?P<s>s\b)?"
    r"(?:\s?-?\s?(?P<scale>per\s?cent|percent|%|"
    + "|".join(sorted(SCALES, key=len, reverse=True)) + r")(?![\w]))?"
    r"(?:\s?(?P<cur2>dollars|pounds|euros|usd|gbp|eur)\b)?",
    re.I,
)
_YEAR_RANGE = (1800, 2100)
# a month by name, capitalised ("May", not "may"; not "Mar-a-Lago" or "May's"), with its day
# when one follows: "March 3"
_DATE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
                   r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b(?![-'’])\.?"
                   r"(?:\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*[%$£€]))?")
# a capitalised word before a month makes it a name ("Theresa May"), unless it says when
_BEFORE_DATE = {"in", "on", "since", "by", "until", "till", "from", "of", "last", "next", "this", "early", "late",
                "mid", "through", "between", "and", "to", "before", "after", "during"}
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*(?:[-.][A-Za-z0-9]+)*")
_TERM = re.compile(r"\w+")
_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
# a pasted tweet's signature: "— Name (@handle) February 25, 2016"
_TWEET_SIGNATURE = re.compile(r"\s[—–-]{1,2}\s[^—–]{0,80}\(@\w+\)\s+\w+\s+\d{1,2},\s+\d{4}\s*$")


def clean(text: str) -> str:
    """The part of a query that states something: no URLs, handles or tweet signature."""
    text = _TWEET_SIGNATURE.sub("", text or "")
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Number:
    value: float
    unit: str  # '', '%', or a currency code
    text: str
    after: tuple = field(default=(), compare=False)  # the two words after it: ("years", "old")

    def agrees(self, other: "Number") -> bool:
        if self.unit and other.unit and self.unit != other.unit:
            return False
        a, b = self.value, other.value
        if a == b:
            return True
        return abs(a - b) <= 0.02 * max(abs(a), abs(b))  # "3.5%" and "3.49%" are one figure


@dataclass
class Features:
    words: list          # content words, lower case, in order, no repeats
    numbers: list        # Number, years excluded
    years: set
    names: dict          # lower-case name -> as written
    terms: list = None   # every word of the raw text, for the FTS5 query
    dates: dict = None   # (month, day or 0) -> as written: "March 3", "April"


def _number(m) -> Optional[Number]:
    raw = m.group("num").lower().replace(",", "")
    try:
        value = float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw)
    except ValueError:
        return None
    scale = (m.group("scale") or "").lower().replace(" ", "")
    unit = ""
    cur = m.group("cur") or m.group("cur2")
    if cur:
        unit = CURRENCIES.get(cur, cur.upper()[:3]) if len(cur) == 1 else {
            "dollars": "USD", "pounds": "GBP", "euros": "EUR"}.get(cur.lower(), cur.upper())
    if scale == "%" or scale.startswith("per"):
        unit = "%"
    elif scale == "m" and not cur and raw not in NUMBER_WORDS:
        pass  # "5 m" without a currency is more likely metres than millions
    elif scale:
        value *= SCALES[scale]
    return Number(value, unit, m.group(0).strip())


def features(text: str) -> Features:
    # Search terms come from the whole text: a pasted tweet's author and handle often
    # name the person the claim is about (measured on the Snopes train queries).
    terms = list(dict.fromkeys(_TERM.findall((text or "").lower())))
    text = clean(text)
    numbers, years, dates, days = [], set(), {}, set()
    for m in _DATE.finditer(text):
        before = text[:m.start()].split()[-1:]
        if before and before[0][:1].isupper() and before[0].lower() not in _BEFORE_DATE:
            continue  # "Theresa May", "Mrs May"
        day = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 31 else 0
        dates.setdefault((MONTHS[m.group(1).lower()], day), m.group(0) if day else m.group(1))
        if day:
            days.add(m.start(2))  # where a date's day is: no figure of its own
    for m in _NUMBER.finditer(text):
        if m.start("num") in days:
            continue  # the day of a date: compared with the dates
        n = _number(m)
        if n is None:
            continue
        raw = m.group("num").replace(",", "")
        is_plain_int = raw.isdigit() and not m.group("cur") and not m.group("scale") and not m.group("cur2")
        if is_plain_int and len(raw) == 4 and _YEAR_RANGE[0] <= int(raw) < _YEAR_RANGE[1]:
            years.add(int(raw))  # "1990s" counts as 1990
            continue
        if raw.lower() in ("one", "half") and not m.group("scale"):
            continue  # "one of the", "half the": rarely a figure being claimed
        numbers.append(replace(n, after=tuple(_WORD.findall(text[m.end():m.end() + 40].lower())[:2])))
    words, seen = [], set()
    for w in _WORD.findall(text):
        lw = w.lower().replace("’", "'")
        if lw in STOPWORDS or lw in seen or (len(lw) < 2 and not lw.isdigit()):
            continue
        seen.add(lw)
        words.append(lw)
    names = {}
    for sentence in re.split(r"(?<=[.!?:;\"“”])\s+|\n", text):
        tokens = sentence.split()
        for i, tok in enumerate(tokens):
            w = tok.strip(".,;:!?\"“”'‘’()[]")
            w = re.sub(r"['’]s$", "", w)
            if len(w) < 2 or not w[0].isupper() or w.lower() in NOT_NAMES or w.lower() in STOPWORDS:
                continue
            if w.isupper() and len(w) > 5:
                continue  # SHOUTING, not an acronym
            if i == 0 and not (w.isupper() or (len(tokens) > 1 and tokens[1][:1].isupper())):
                continue  # a capital that only starts the sentence; "Donald Trump said" still counts
            if w.lower() in MONTHS:
                continue
            names.setdefault(w.lower(), w)
    return Features(words, numbers, years, names, terms, dates)


def compare(q: Features, c: Features) -> dict:
    """What agrees and what disagrees between a query and a candidate."""
    shared_numbers, mismatched = [], []
    for n in q.numbers:
        same = [m for m in c.numbers if n.agrees(m)]
        if same:
            shared_numbers.append(n.text)
            continue
        rivals = [m for m in c.numbers if m.unit == n.unit and (m.text[:1].isdigit() or m.unit or m.value >= 100)]
        if rivals and (n.text[:1].isdigit() or n.unit or n.value >= 100):  # not "two" vs "20"
            # the figure said of the same thing ("58 years old" vs "48 years old", not "50 years"),
            # then the nearest in size
            closest = min(rivals, key=lambda m: (-len(set(m.after) & set(n.after)),
                                                 abs(math.log10(abs(m.value) + 1e-9) - math.log10(abs(n.value) + 1e-9))))
            mismatched.append(f"{n.text} vs {closest.text}")
    shared_years = sorted(q.years & c.years)
    year_mismatch = []
    if q.years and c.years and not shared_years:
        year_mismatch = [f"{', '.join(map(str, sorted(q.years)))} vs {', '.join(map(str, sorted(c.years)))}"]
    date_mismatch = []
    if q.dates and c.dates and not (q.years and c.years and not shared_years):  # a year mismatch says it already
        months = {m for m, _ in c.dates}
        for (month, day), written in q.dates.items():
            if month not in months:
                other = next(iter(c.dates.values()))
            elif day and (month, day) not in c.dates and any(m == month and d for m, d in c.dates):
                other = next(w for (m, d), w in c.dates.items() if m == month and d)
            else:
                continue
            date_mismatch.append(f"{written} vs {other}")
            break
    shared_names = [q.names[k] for k in q.names if k in c.names]
    name_mismatch = []
    if q.names and c.names and not shared_names:
        name_mismatch = [f"{', '.join(list(q.names.values())[:3])} vs {', '.join(list(c.names.values())[:3])}"]
    return {
        "numbers": shared_numbers, "years": shared_years, "names": shared_names,
        "number_mismatch": mismatched, "year_mismatch": year_mismatch, "name_mismatch": name_mismatch,
        "date_mismatch": date_mismatch,
    }


# --- the ranking -------------------------------------------------------------------------


@dataclass
class Weights:
    """How the signals combine. Tuned on the CheckThat! train splits (never on dev):
    a grid over the three similarity weights, then each agreement weight in turn
    (the script is described in docs/guide.md, "Claim matching"). The train splits preferred
    no mismatch penalty at all (a debate sentence often misquotes the figure of the
    claim that was checked); the penalties are kept small but real, because a
    different figure or year usually means a different claim to a fact-checker."""
    cosine: float = 0.5
    cosine_title: float = 0.3
    lexical: float = 0.7
    number_match: float = 0.05
    number_mismatch: float = 0.06
    year_match: float = 0.06
    year_mismatch: float = 0.06
    name_match: float = 0.02
    name_mismatch: float = 0.02
    # A fact-check with a stored vector (claims/dense.py) is weighed by these instead:
    # the whole transformer's cosine, the static title cosine, the lexical terms.
    dense: float = 3.0
    dense_title: float = 0.3
    dense_lexical: float = 0.7
    candidates: int = 40  # per table
    dense_candidates: int = 40  # nearest fact-checks by stored vector, added to BM25's


WEIGHTS = Weights()


def fts_terms(f: Features, limit: int = 40) -> list[str]:
    return (f.terms or f.words)[:limit]


def _fts_query(terms: Iterable[str]) -> str:
    return " OR ".join('"{}"'.format(t.replace('"', "")) for t in terms)


def _has_table(db: Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone() is not None


FACT_CHECK_COLUMNS = ("id", "ref", "text", "title", "rating", "publisher", "url", "speaker", "date")


def _fact_check(row, **extra) -> dict:
    """A fact-check candidate from a row that starts with ``FACT_CHECK_COLUMNS``."""
    return {"kind": "fact_check", **dict(zip(FACT_CHECK_COLUMNS, row)), **extra}


def candidates(db: Database, f: Features, per_table: int, *, kinds=("fact_check", "claim"),
               exclude_claim: Optional[int] = None, exclude_article: Optional[int] = None,
               pick=None) -> list[dict]:
    """Up to ``per_table`` BM25 candidates from each table; ``pick(fts_table, words)``
    chooses which of the query's words to search for (default: all)."""
    terms = fts_terms(f)
    if not terms:
        return []
    pick = pick or (lambda table, words: words)
    out = []
    query = _fts_query(pick("fact_checks_fts", terms))
    if "fact_check" in kinds and query:
        for row in db.execute(
            "SELECT {}, -hits.r FROM ".format(", ".join("f." + c for c in FACT_CHECK_COLUMNS)) +
            "(SELECT rowid, bm25(fact_checks_fts, 1.0, 1.0) AS r FROM fact_checks_fts "
            " WHERE fact_checks_fts MATCH ? ORDER BY r LIMIT ?) AS hits "
            "JOIN fact_checks f ON f.id = hits.rowid ORDER BY hits.r",
            [query, per_table],
        ):
            out.append(_fact_check(row[:-1], bm25=row[-1], bm25_rank=len(out)))
    query = _fts_query(pick("claims_fts", terms))
    if "claim" in kinds and query:
        for row in db.execute(
            "SELECT c.id, c.text, c.status, c.article_id, -hits.r FROM "
            "(SELECT rowid, bm25(claims_fts, 1.0, 0.3) AS r FROM claims_fts WHERE claims_fts MATCH ? "
            " ORDER BY r LIMIT ?) AS hits JOIN claims c ON c.id = hits.rowid ORDER BY hits.r",
            [query, per_table + (1 if exclude_claim else 0)],
        ):
            if row[0] == exclude_claim or (exclude_article is not None and row[3] == exclude_article):
                continue
            out.append({"kind": "claim", "id": row[0], "ref": None, "text": row[1], "title": None,
                        "status": row[2], "bm25": row[4]})
    return out


def _idf(word: str, n_docs: int, df: dict) -> float:
    return math.log(1 + n_docs / (1 + df.get(word, 0)))


def components(query: str, cands: list[dict], *, embed=None, qf: Optional[Features] = None) -> list[dict]:
    """The signals for each candidate, before they are weighed: cosine of the claim text
    and of the title, two lexical overlaps, and the agreement of numbers, years, names."""
    qf = qf or features(query)
    qwords = set(qf.words)
    cfs = [features((c["text"] or "") + (" " + c["title"] if c.get("title") else "")) for c in cands]
    # Word overlap weighted by rarity among the candidates themselves (words every
    # candidate shares say little), as a share of the query's weight.
    df = {}
    for cf in cfs:
        for w in set(cf.words) & qwords:
            df[w] = df.get(w, 0) + 1
    n = len(cands)
    qweight = sum(_idf(w, n, df) for w in qwords) or 1.0
    cos = cos_title = None
    if embed is not None:
        import numpy as np

        titled = [i for i, c in enumerate(cands) if c.get("title")]
        vecs = embed([clean(query)] + [c["text"] for c in cands] + [cands[i]["title"] for i in titled])
        cos = np.clip(vecs[1:n + 1] @ vecs[0], 0.0, 1.0)
        cos_title = cos.copy()  # no title: the text stands in, so scores stay comparable
        if titled:
            cos_title[titled] = np.clip(vecs[n + 1:] @ vecs[0], 0.0, 1.0)
    top_bm25 = max(c["bm25"] for c in cands) or 1.0
    out = []

    for i, (c, cf) in enumerate(zip(cands, cfs)):
        cwords = set(cf.words)
        shared = [w for w in qf.words if w in cwords]
        agree = compare(qf, cf)
        out.append({
            "cos": float(cos[i]) if cos is not None else None,
            "cos_title": float(cos_title[i]) if cos is not None else 0.0,
            "dense": c.get("dense") if cos is not None else None,  # stored fact-check vectors only
            "lex_idf": sum(_idf(w, n, df) for w in shared) / qweight,
            "lex_bm25": c["bm25"] / top_bm25,
            "shared": shared,
            "agree": agree,
        })
    return out


def combine(comp: dict, weights: Weights = WEIGHTS) -> float:
    agree = comp["agree"]
    lexical = 0.5 * comp["lex_idf"] + 0.5 * comp["lex_bm25"]
    if comp["cos"] is None:
        score = lexical
    elif comp.get("dense") is not None:  # a weighted mean, so that the score stays between 0 and about 1
        score = (weights.dense * comp["dense"] + weights.dense_title * comp["cos_title"]
                 + weights.dense_lexical * lexical) / (weights.dense + weights.dense_title + weights.dense_lexical)
    else:
        score = (weights.cosine * comp["cos"] + weights.cosine_title * comp["cos_title"]
                 + weights.lexical * lexical) / (weights.cosine + weights.cosine_title + weights.lexical)
    score += weights.number_match * min(len(agree["numbers"]), 2)
    score += weights.year_match * min(len(agree["years"]), 1)
    score += weights.name_match * min(len(agree["names"]), 2)
    score -= figure_mismatch_cost(agree, weights)
    score -= weights.name_mismatch * min(len(agree["name_mismatch"]), 1)
    return score


def figure_mismatch_cost(agree: dict, weights: Weights = WEIGHTS) -> float:
    """What a disagreeing number or date costs a score: a different figure, year or day is a
    different claim to a fact-checker."""
    return (weights.number_mismatch * min(len(agree["number_mismatch"]), 2)
            + weights.year_mismatch * min(len(agree["year_mismatch"]) + len(agree["date_mismatch"]), 1))


def rank(query: str, cands: list[dict], *, weights: Weights = WEIGHTS, embed=None,
         qf: Optional[Features] = None, rescore=None) -> list[dict]:
    """Score and order candidates for one query; adds ``score`` and ``why`` to each.

    ``rescore(cands, comps)``, when given, returns a score or None per candidate; None
    keeps ``combine``'s (the learned reranker scores fact-checks with a vector)."""
    if not cands:
        return []
    comps = components(query, cands, embed=embed, qf=qf)
    learned = rescore(cands, comps) if rescore is not None else [None] * len(cands)
    for c, comp, own in zip(cands, comps, learned):
        score = combine(comp, weights) if own is None else own
        agree = comp["agree"]
        why = {"words": comp["shared"][:12]}
        if comp["cos"] is not None:
            why["meaning"] = round(comp["dense"] if comp["dense"] is not None else comp["cos"], 3)
        for k in ("numbers", "years", "names"):
            if agree[k]:
                why[k] = agree[k]
        disagree = agree["number_mismatch"] + agree["year_mismatch"] + agree["date_mismatch"]
        if disagree:
            why["disagree"] = disagree
        if agree["name_mismatch"]:
            why["other_names"] = agree["name_mismatch"]
        c["score"] = round(max(0.0, min(1.0, score)), 4)
        c["_raw"] = score
        c["why"] = why
    cands.sort(key=lambda c: (-c["_raw"], c["kind"], c["id"]))
    for c in cands:
        del c["_raw"]
    return cands


def _memo(encode, size: int = 100_000):
    """``encode`` remembering each text's vector (candidates recur across queries)."""
    import numpy as np

    seen: dict = {}

    def cached(texts):
        new = list(dict.fromkeys(t for t in texts if t not in seen))
        if new:
            if len(seen) + len(new) > size:
                seen.clear()
            seen.update(zip(new, encode(new)))
        return np.stack([seen[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    return cached


def embedder(mode: str = "auto"):
    """The function that turns texts into unit vectors, or None for lexical matching.

    ``auto``/``static``: the static table distilled from MiniLM (fast); ``full``: the
    whole transformer (slower, a little more accurate); ``off``: none.
    """
    from . import embeddings

    if mode == "off" or not embeddings.available():
        return None
    if mode == "full":
        return _memo(embeddings.encoder().encode)
    return embeddings.static_encoder().encode


class TermPicker:
    """Keeps FTS5 queries cheap on a large registry by leaving out the commonest words.

    A BM25 query costs about the total length of its words' posting lists, and a common
    word ("years", "going") matches a tenth of a million-claim registry while adding
    little to the ranking. Words are taken rarest first until their document counts add
    up to ``budget`` (at least ``keep`` words are kept). Document counts come from an
    ``fts5vocab`` table; the query words are stemmed by FTS5 itself (a one-row temporary
    FTS5 table with the same tokenizer), so the counts are the index's own.
    """

    def __init__(self, db: Database, budget: int = 20_000, keep: int = 3):
        self.db, self.budget, self.keep = db, budget, keep
        self.df: dict = {}
        self.ready = set()
        self.sizes: dict = {}

    def _setup(self, table: str):
        if table in self.ready:
            return
        conn = self.db.conn
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.match_words USING "
                     "fts5(w, tokenize='porter unicode61 remove_diacritics 2')")
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.match_words_vocab USING "
                     "fts5vocab(temp, match_words, instance)")
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_vocab USING fts5vocab(main, {table}, row)")
        self.sizes[table] = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        self.ready.add(table)

    def stems(self, words: list[str]) -> dict:
        conn = self.db.conn
        conn.execute("DELETE FROM temp.match_words")
        conn.executemany("INSERT INTO temp.match_words (rowid, w) VALUES (?, ?)", list(enumerate(words)))
        out = {}
        for doc, term in conn.execute("SELECT doc, term FROM temp.match_words_vocab"):
            out.setdefault(words[doc], term)
        return out

    def __call__(self, table: str, words: list[str]) -> list[str]:
        self._setup(table)
        if self.sizes[table] <= 2000:
            return words
        budget = max(2000, min(self.budget, self.sizes[table] // 10))
        stems = self.stems(words)
        counts = {}
        for w in words:
            stem = stems.get(w)
            if stem is None:
                continue
            key = (table, stem)
            if key not in self.df:
                row = self.db.conn.execute(f"SELECT doc FROM temp.{table}_vocab WHERE term = ?", [stem]).fetchone()
                self.df[key] = row[0] if row else 0
            if self.df[key]:
                counts[w] = self.df[key]
        chosen, total = [], 0
        for w in sorted(counts, key=counts.get):
            if len(chosen) >= self.keep and total + counts[w] > budget:
                break
            chosen.append(w)
            total += counts[w]
        return [w for w in words if w in chosen]


@functools.lru_cache(maxsize=1)
def _blas_controller():
    try:
        import numpy  # noqa: F401  (BLAS must be loaded for the controller to see it)
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def one_blas_thread():
    """A context in which numpy's BLAS uses one thread.

    A query's numeric work is small (one sentence through the transformer, one
    matrix-vector product), and OpenBLAS's worker threads cost far more than they save
    when the cores are busy: on this shared 2-core machine under load, encoding one query
    took 1.1 s with the default threads and 90 ms with one (measured in one process,
    alternating). ``threadpoolctl`` comes with scikit-learn; without it, nothing changes.
    """
    ctl = _blas_controller()
    return ctl.limit(limits=1, user_api="blas") if ctl is not None else contextlib.nullcontext()


class Searcher:
    """Answers many queries against one registry, loading the model once."""

    def __init__(self, db: Database, *, embed="auto", weights: Weights = WEIGHTS, dense: bool = True,
                 rerank: bool = True):
        self.db = db
        self.weights = weights
        self.embed = embedder(embed) if isinstance(embed, str) else embed
        self.has_fact_checks = _has_table(db, "fact_checks_fts")
        self.pick = TermPicker(db)
        # Dense retrieval over stored fact-check vectors: only with the model, and only
        # when some fact-check has a vector (`claims factchecks embed`).
        self.use_dense = bool(dense and self.embed is not None and self.has_fact_checks)
        self._dense = None
        self._pool = None  # the worker thread that encodes queries (``_encode_soon``)
        self._speakers = None
        # the learned reranker for fact-checks with a vector (claims/rerank.py); None:
        # the hand-set weighted mean (``combine``)
        self.reranker = None
        if self.use_dense and rerank:
            from . import rerank as _rerank

            self.reranker = _rerank.load()

    def dense_index(self):
        """The stored fact-check vectors (loaded on first use), or None."""
        if not self.use_dense:
            return None
        if self._dense is None:
            from . import dense, embeddings

            index = dense.DenseIndex(self.db)
            if not len(index) or embeddings.encoder() is None:
                self.use_dense = False
                return None
            self._dense = index
        return self._dense

    def _query_vector(self, text: str):
        from . import embeddings

        return embeddings.encoder().encode([clean(text) or text])[0]

    def _encode_soon(self, text: str):
        """Start encoding ``text`` on a worker thread and return its future, or None when
        there is no dense retrieval. The transformer pass (numpy, which lets go of the
        GIL) then runs while SQLite (which does too) looks up the BM25 candidates."""
        if self.dense_index() is None:
            return None
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claims-encode")
        return self._pool.submit(self._query_vector, text)

    def _add_dense(self, cands: list[dict], qvec) -> list[dict]:
        """Add the fact-checks nearest to the query's vector ``qvec`` by stored vector to
        ``cands``, and put the transformer's cosine on every fact-check candidate that has
        a vector."""
        index = self.dense_index()
        if index is None:
            return cands
        sims = index.cosines(qvec)
        have = {c["id"] for c in cands if c["kind"] == "fact_check"}
        k = self.weights.dense_candidates
        nearest = index.nearest(sims, k)
        rank_of = {fid: r for r, fid in enumerate(nearest)}
        new = [i for i in nearest if i not in have]
        if new:
            for row in self.db.execute(
                "SELECT {} FROM fact_checks WHERE id IN ({})".format(
                    ", ".join(FACT_CHECK_COLUMNS), ", ".join("?" * len(new))), new):
                cands.append(_fact_check(row, bm25=0.0, bm25_rank=None))
        for c in cands:
            if c["kind"] == "fact_check" and c["id"] in index.row:
                c["dense"] = float(max(0.0, sims[index.row[c["id"]]]))
                c["dense_rank"] = rank_of.get(c["id"], k)  # k: not among the nearest k
        return cands

    def speakers(self) -> dict:
        """How many fact-checks each speaker has in this registry (a reranker feature)."""
        if self._speakers is None:
            self._speakers = dict(self.db.execute(
                "SELECT speaker, count(*) FROM fact_checks WHERE speaker IS NOT NULL GROUP BY speaker").fetchall())
        return self._speakers

    def _rescore(self, text: str, qf: Features):
        """The learned reranker's scores for fact-checks with a vector, or None to keep
        the weighted mean (no reranker file, or dense retrieval off)."""
        if self.reranker is None or self._dense is None:
            return None

        def rescore(cands, comps):
            idx = [i for i, c in enumerate(cands) if c.get("dense") is not None]
            out = [None] * len(cands)
            if idx:
                X = self._rerank_features(text, qf, [cands[i] for i in idx], [comps[i] for i in idx])
                for i, p in zip(idx, self.reranker.probability(X)):
                    # the same explicit cost as in ``combine``, on top of the model's own view
                    # (on the train splits it changes MAP@5 by under 0.002 either way)
                    out[i] = float(p) - figure_mismatch_cost(comps[i]["agree"], self.weights)
            return out

        return rescore

    def training_rows(self, text: str):
        """The fact-check candidates of ``text`` with a vector and their reranker features
        (what scripts/train-matching-reranker learns from)."""
        from . import rerank

        f = features(text)
        cands = candidates(self.db, f, self.weights.candidates, kinds=("fact_check",), pick=self.pick)
        if self.dense_index() is not None:
            cands = self._add_dense(cands, self._query_vector(text))
        cands = [c for c in cands if c.get("dense") is not None]
        if not cands:
            return [], rerank.features([], [], query=[], speakers={}, dense_k=0)
        comps = components(text, cands, embed=self.embed, qf=f)
        return cands, self._rerank_features(text, f, cands, comps)

    def _rerank_features(self, text: str, qf: Features, cands: list[dict], comps: list[dict]):
        from . import rerank

        return rerank.features(cands, comps, query=rerank.query_features(text, qf), speakers=self.speakers(),
                               dense_k=self.weights.dense_candidates)

    def similar(self, text: str, *, limit: int = 5, kinds=("fact_check", "claim"),
                exclude_claim: Optional[int] = None, exclude_article: Optional[int] = None) -> list[dict]:
        """The best ``limit`` matches for ``text``, best first."""
        text = (text or "").strip()
        if not text:
            raise RegistryError("the query text is empty")
        if not self.has_fact_checks:
            kinds = tuple(k for k in kinds if k != "fact_check")
        with one_blas_thread() if self.embed is not None else contextlib.nullcontext():
            encoding = self._encode_soon(text) if "fact_check" in kinds and self.use_dense else None
            f = features(text)
            cands = candidates(self.db, f, self.weights.candidates, kinds=kinds,
                               exclude_claim=exclude_claim, exclude_article=exclude_article, pick=self.pick)
            if encoding is not None:
                cands = self._add_dense(cands, encoding.result())
            ranked = rank(text, cands, weights=self.weights, embed=self.embed, qf=f,
                          rescore=self._rescore(text, f))[:limit]
        return [public(m) for m in ranked]

    def close(self):
        from . import embeddings

        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self.embed is not None and embeddings.static_encoder.cache_info().currsize:
            embeddings.static_encoder().save()


def similar(db: Database, text: str, *, limit: int = 5, embed="auto", **kwargs) -> list[dict]:
    """The best ``limit`` matches for ``text`` among claims and fact-checks, best first."""
    searcher = Searcher(db, embed=embed)
    try:
        return searcher.similar(text, limit=limit, **kwargs)
    finally:
        searcher.close()


def why_text(why: dict) -> str:
    """``why`` as one line for people."""
    parts = []
    if "meaning" in why:
        parts.append(f"meaning {why['meaning']:.2f}")
    for key in ("numbers", "years", "names"):
        if why.get(key):
            parts.append(f"same {key}: " + ", ".join(map(str, why[key])))
    if why.get("words"):
        parts.append("shared words: " + ", ".join(why["words"][:8]))
    if why.get("disagree"):
        parts.append("DISAGREE: " + "; ".join(why["disagree"]))
    return "; ".join(parts) or "-"


def public(m: dict) -> dict:
    out = {"kind": m["kind"], "id": m["id"], "ref": m.get("ref"), "text": m["text"]}
    if m["kind"] == "fact_check":
        out.update({"rating": m.get("rating"), "publisher": m.get("publisher") or None,
                    "title": m.get("title"), "url": m.get("url")})
    else:
        out["status"] = m.get("status")
    out.update({"score": m["score"], "why": m["why"]})
    return out


# --- links -------------------------------------------------------------------------------

SUGGEST_MIN_SCORE = 0.7  # on the dev sets: keeps ~95% of right top-3 matches, drops 20-80% of wrong ones
SUGGEST_LIMIT = 3
SUGGEST_CANDIDATES = 8
BULK_LINK_CLAIMS = 200  # more new claims than this in one extract: fact-checks only
METHOD = "fts5-bm25+minilm-static+agreement"


def suggest_links(db: Database, claim_ids: Iterable[int], *, min_score: float = SUGGEST_MIN_SCORE,
                  limit: int = SUGGEST_LIMIT, embed="auto", per_table: int = SUGGEST_CANDIDATES,
                  min_checkworthiness: float = 0.5, kinds=("fact_check", "claim")) -> int:
    """Store the best matches of each claim as ``suggested`` links. Returns how many.

    Meant for the write path, so it is kept cheap: only check-worthy claims (or hand-added
    ones), a few candidates per table, the static embedding, claims of the same article
    left out.
    """
    claim_ids = list(claim_ids)
    if not claim_ids:
        return 0
    fn = embedder(embed) if isinstance(embed, str) else embed
    method = METHOD if fn is not None else "fts5-bm25+agreement"
    weights = Weights(**{**WEIGHTS.__dict__, "candidates": per_table})
    # no dense retrieval here: one transformer pass per new claim would multiply the
    # cost of a bulk extract; `claims similar` has it
    searcher = Searcher(db, embed=fn, weights=weights, dense=False)
    rows = []
    at = now()
    for s in range(0, len(claim_ids), 500):
        chunk = claim_ids[s:s + 500]
        for claim_id, text, article_id in db.execute(
            "SELECT id, text, article_id FROM claims WHERE id IN ({}) "
            "AND (checkworthiness IS NULL OR checkworthiness >= ?)".format(", ".join("?" * len(chunk))),
            chunk + [min_checkworthiness]
        ).fetchall():
            for m in searcher.similar(text, limit=limit, exclude_claim=claim_id, exclude_article=article_id,
                                      kinds=kinds):
                if m["score"] >= min_score:
                    rows.append([claim_id, m["kind"], m["id"], m["score"], method,
                                 json.dumps(m["why"], ensure_ascii=False), at])
    searcher.close()
    if not rows:
        return 0
    with write(db):
        before = db.conn.total_changes
        db.conn.executemany(
            "INSERT INTO claim_links (claim_id, match_kind, match_id, score, method, why, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (claim_id, match_kind, match_id) DO NOTHING",
            rows,
        )
        return db.conn.total_changes - before


def suggest_links_for_articles(db: Database, article_ids: Iterable[int], **kwargs) -> int:
    """``suggest_links`` for every claim of these articles."""
    article_ids = list(article_ids)
    ids = []
    for s in range(0, len(article_ids), 500):
        chunk = article_ids[s:s + 500]
        ids += [r[0] for r in db.execute(
            "SELECT id FROM claims WHERE article_id IN ({}) ORDER BY id".format(", ".join("?" * len(chunk))), chunk)]
    if len(ids) > BULK_LINK_CLAIMS:
        # A bulk ingest links its claims to imported fact-checks only (claims of other
        # articles stay a `claims similar` away): it keeps ingest cheap, and many new
        # near-duplicate claims would bury the useful suggestions.
        if not db.execute("SELECT 1 FROM fact_checks LIMIT 1").fetchone():
            return 0
        kwargs.setdefault("kinds", ("fact_check",))
    return suggest_links(db, ids, **kwargs)


def links_for(db: Database, claim_id) -> list[dict]:
    """A claim's links, best first, with the matched claim or fact-check's text."""
    rows = []
    for link in db.query("SELECT * FROM claim_links WHERE claim_id = ? ORDER BY score DESC, id", [claim_id]):
        link["why"] = json.loads(link["why"]) if link["why"] else None
        if link["match_kind"] == "fact_check":
            m = db.execute("SELECT ref, text, rating, publisher, url FROM fact_checks WHERE id = ?",
                           [link["match_id"]]).fetchone()
            link["match"] = dict(zip(["ref", "text", "rating", "publisher", "url"], m)) if m else None
        else:
            m = db.execute("SELECT text, status FROM claims WHERE id = ?", [link["match_id"]]).fetchone()
            link["match"] = dict(zip(["text", "status"], m)) if m else None
        rows.append(link)
    return rows


def decide_link(db: Database, link_id, state: str, *, actor=None, note=None) -> dict:
    """Confirm or reject a suggested link; the decision goes into the claim's history."""
    if state not in ("confirmed", "rejected"):
        raise RegistryError(f"unknown link state {state!r}; choose confirmed or rejected")
    actor = actor_of(actor)
    link_id = parse_id(link_id, "link")
    at = now()
    with write(db):
        link = get_row(db, "claim_links", link_id, "link")
        if link["state"] == state:
            return link
        db.execute("UPDATE claim_links SET state = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                   [state, at, actor, link_id])
        db.execute("UPDATE claims SET version = version + 1, updated_at = ? WHERE id = ?",
                   [at, link["claim_id"]])
        db.execute(
            "INSERT INTO claim_events (claim_id, at, actor, action, old_value, new_value, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [link["claim_id"], at, actor, f"link-{state}",
             link["state"], f"{link['match_kind']} {link['match_id']}: {state}", note],
        )
    return dict(link, state=state, decided_at=at, decided_by=actor)

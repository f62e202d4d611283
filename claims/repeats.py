"""Repeated claims: a claim that says the same as one already in the registry is an
appearance of that first claim, not a new claim to review.

When ``claims extract`` or ``claims add`` stores claims, ``group_new_claims`` asks
``claims similar``'s matcher (``matching.Searcher``, registry claims only, the claim's own
article left out) for each new claim's best match among the older claims. A match counts
as the same claim when its score is at least ``REPEAT_MIN_SCORE`` and no number, year or
name disagrees (``why["disagree"]`` empty): strict, because a wrong merge hides a claim
from the review queue. scripts/eval-repeats measures the rule (precision and recall).

A match is recorded in ``claim_appearances``: the first claim (``claim_id``, the one
reviewers work on; its verdict is the verdict of every appearance), the repeating claim
(``repeat_id``, still stored with its own article, sentence and span, but left out of
``list`` and ``export`` while grouped), score and reasons, when. Both claims get an
``appearance`` event. ``split`` undoes a wrong grouping (``appearance-split`` events); a
split pair is never grouped again.
"""

import json
import re
from typing import Iterable, Optional

from sqlite_utils import Database

from . import matching
from .registry import RegistryError, _event, actor_of, get_claim, get_row, now, parse_id, write

#: The rule, chosen on the CheckThat! dev pairs and checked on held-out train pairs by
#: scripts/eval-repeats (precision 1.0 on both; recall is low there: those are paraphrases).
REPEAT_MIN_SCORE = 0.85  # claims similar's score
REPEAT_MIN_MEANING = 0.95  # cosine of the sentence embeddings
REPEAT_MIN_COVER = 0.6  # share of the new claim's content words the first claim has
REPEAT_MIN_JACCARD = 0.8  # without the embedding model: content words in common / in either
REPEAT_CANDIDATES = 8
BULK_CLAIMS = matching.BULK_LINK_CLAIMS  # a bulk extract is not grouped (see group_new_claims)
METHOD = "claims-similar+same-claim-rule"
_WORDS = re.compile(r"\w+")


def _content_words(text: str) -> set:
    return {w for w in _WORDS.findall(text.lower()) if w not in matching.STOPWORDS}


def same_claim(text: str, match: Optional[dict], *, min_score: float = REPEAT_MIN_SCORE,
               min_meaning: float = REPEAT_MIN_MEANING, min_cover: float = REPEAT_MIN_COVER) -> bool:
    """Does ``match`` (one result of ``Searcher.similar`` for ``text``) say the same as
    ``text``? Its score at least ``min_score``, no number, year or name disagreeing, and
    with the embedding model a meaning of at least ``min_meaning`` and ``min_cover`` of
    the content words of ``text`` in the match; without it, nearly the same words."""
    if not match or match["score"] < min_score:
        return False
    why = match.get("why") or {}
    if why.get("disagree"):
        return False
    mine, theirs = _content_words(text), _content_words(match["text"])
    if not mine:
        return False
    shared = len(mine & theirs)
    if "meaning" in why:
        return why["meaning"] >= min_meaning and shared / len(mine) >= min_cover
    return shared / len(mine | theirs) >= REPEAT_MIN_JACCARD


def first_of(db: Database, claim_id: int) -> int:
    """The claim a grouped repeat belongs to (itself when it is no repeat)."""
    row = db.execute("SELECT claim_id FROM claim_appearances WHERE repeat_id = ? AND state = 'grouped'",
                     [claim_id]).fetchone()
    return row[0] if row else claim_id


def group_new_claims(db: Database, claim_ids: Iterable[int], *, actor=None, embed="auto",
                     min_score: float = REPEAT_MIN_SCORE, min_checkworthiness: float = 0.5) -> list[tuple[int, int]]:
    """Group each of ``claim_ids`` that repeats an older claim with that claim. Returns
    ``(first claim, repeat)`` pairs. More than ``BULK_CLAIMS`` new claims at once (a bulk
    ingest) are not looked at: each costs one matcher query."""
    actor = actor_of(actor)
    claim_ids = sorted(set(claim_ids))
    if not claim_ids or len(claim_ids) > BULK_CLAIMS:
        return []
    searcher = matching.Searcher(db, embed=embed, dense=False,
                                 weights=matching.Weights(**{**matching.WEIGHTS.__dict__,
                                                             "candidates": REPEAT_CANDIDATES}))
    found = []
    try:
        for claim_id in claim_ids:
            row = db.execute("SELECT id, text, article_id FROM claims WHERE id = ? AND "
                             "(checkworthiness IS NULL OR checkworthiness >= ?)",
                             [claim_id, min_checkworthiness]).fetchone()
            if row is None:
                continue
            for m in searcher.similar(row[1], limit=3, kinds=("claim",), exclude_claim=claim_id,
                                      exclude_article=row[2]):
                if m["id"] < claim_id and same_claim(row[1], m, min_score=min_score):
                    found.append((claim_id, m))
                    break
    finally:
        searcher.close()
    pairs = []
    at = now()
    with write(db):
        for repeat_id, m in found:
            first = first_of(db, m["id"])
            if first == repeat_id or db.execute(
                    "SELECT 1 FROM claim_appearances WHERE repeat_id = ? OR (claim_id = ? AND repeat_id = ?)",
                    [repeat_id, repeat_id, first]).fetchone():
                continue  # already grouped, or split by a reviewer: never grouped again
            db.execute(
                "INSERT INTO claim_appearances (claim_id, repeat_id, score, method, why, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [first, repeat_id, m["score"], METHOD, json.dumps(m["why"], ensure_ascii=False), at])
            _event(db, first, "appearance", actor=actor, new=str(repeat_id), at=at,
                   note=f"claim {repeat_id} says the same (score {m['score']:.3f})")
            _event(db, repeat_id, "appearance", actor=actor, new=str(first), at=at,
                   note=f"grouped with claim {first}, which reviewers work on (score {m['score']:.3f})")
            pairs.append((first, repeat_id))
    return pairs


def split(db: Database, repeat_id, *, actor=None, note=None) -> dict:
    """Undo a grouping: claim ``repeat_id`` is a claim of its own again (history events on
    both claims). Returns the appearance row."""
    actor = actor_of(actor)
    repeat_id = parse_id(repeat_id, "claim")
    get_claim(db, repeat_id)
    with write(db):
        row = db.execute("SELECT id FROM claim_appearances WHERE repeat_id = ? AND state = 'grouped'",
                         [repeat_id]).fetchone()
        if row is None:
            raise RegistryError(f"claim {repeat_id} is not grouped with another claim")
        at = now()
        db.execute("UPDATE claim_appearances SET state = 'split', split_at = ?, split_by = ? WHERE id = ?",
                   [at, actor, row[0]])
        appearance = get_row(db, "claim_appearances", row[0], "appearance")
        for claim_id, other in ((appearance["claim_id"], repeat_id), (repeat_id, appearance["claim_id"])):
            _event(db, claim_id, "appearance-split", actor=actor, old=str(other), note=note, at=at)
    return appearance


def appearances(db: Database, claim_id: int) -> list[dict]:
    """Where a claim was seen: its own article first, then each grouped repeat's, oldest
    first, with who said it there and when."""
    sql = """
        SELECT c.id AS claim_id, c.claimant, c.text, c.created_at AS seen_at, a.id AS article_id,
               a.url AS article_url, a.title AS article_title, a.outlet, a.published, ap.score
        FROM claims c LEFT JOIN articles a ON a.id = c.article_id
        LEFT JOIN claim_appearances ap ON ap.repeat_id = c.id AND ap.state = 'grouped'
        WHERE c.id = ? OR c.id IN (SELECT repeat_id FROM claim_appearances WHERE claim_id = ? AND state = 'grouped')
        ORDER BY c.id
    """
    return list(db.query(sql, [claim_id, claim_id]))

"""Atomic claims: a sentence that joins independent statements gives one claim each.

"The IRS can share data to aid criminal investigations but is prohibited from sharing
information related to civil matters" gives "The IRS can share data to aid criminal
investigations" and "The IRS is prohibited from sharing information related to civil
matters". Every word of a claim comes from its sentence: a second clause without a
subject borrows the first clause's subject, nothing else is added. Qualifiers ("only",
"may", "about", numbers, dates) stay with their clause. A sentence is split only at a
coordinating "but", "and", "while", "whereas", "yet" or a semicolon whose two sides are
each a clause with its own verb; anything doubtful stays whole.
"""

import re

_AUX = (r"(?:is|are|was|were|has|have|had|can|could|will|would|may|might|must|should|shall|does|do|did|"
        r"isn't|aren't|wasn't|weren't|hasn't|haven't|hadn't|can't|cannot|won't|wouldn't|doesn't|don't|didn't)")
_IRREGULAR = (r"(?:fell|rose|grew|made|took|gave|said|won|lost|paid|spent|cut|hit|set|put|began|came|went|saw|"
              r"told|found|left|kept|held|brought|bought|sold|built|met|ran|led|got|became|knew|thought|"
              r"wrote|chose|drew|drove|fought|flew|forgot|hid|meant|sent|stood|struck|taught|understood)")
_FINITE = re.compile(rf"\b(?:{_AUX}|{_IRREGULAR}|[a-z]+ed|[a-z]+s)\b")
_SUBJECT_START = re.compile(
    r"^(?:the|a|an|this|that|these|those|it|he|she|they|we|i|you|its|his|her|their|our|my|"
    r"there|[A-Z][\w’'.-]*)\b"
)
_JOIN = re.compile(r"(?:;\s+|,?\s+(?:but|while|whereas|yet)\s+|,\s+and\s+)")
_LEADING_AUX = re.compile(rf"^{_AUX}\b", re.I)
_FIRST_AUX = re.compile(rf"\s(?={_AUX}\b)", re.I)
_FIRST_VERB = re.compile(rf"\s(?={_IRREGULAR}\b|[a-z]+(?:ed|s)\b)")


def _subject(clause: str) -> str | None:
    """The words before the clause's first verb (an auxiliary first), if short."""
    m = _FIRST_AUX.search(clause) or _FIRST_VERB.search(clause)
    if not m:
        return None
    subject = clause[: m.start()].strip()
    return subject if 1 <= _words(subject) <= 8 else None
_ATTRIBUTION_TAIL = re.compile(r",\s+(?:[\w’'-]+\s+){0,6}?(?:said|says|wrote|told|added|continued)\b.*$")


def _words(s: str) -> int:
    return len(re.findall(r"\w+", s))


def split(sentence: str) -> list[str]:
    """The atomic claims of one sentence, in order (the sentence itself when it is one)."""
    s = sentence.strip()
    if re.search(r"\bnot only\b|\bbetween\b.*\band\b|\bboth\b", s, re.I) or _words(s) < 8:
        return [s]
    if s[:1] in "“\"" or re.search(r"[“”\"]", s):
        return [s]  # quotations are kept whole: the speaker's words stay together
    parts = []
    last = 0
    for m in _JOIN.finditer(s):
        left = s[last:m.start()].strip()
        right = s[m.end():].strip()
        if _words(left) < 4 or _words(right) < 4:
            continue
        if not _FINITE.search(left):
            continue
        if _LEADING_AUX.match(right) or (_SUBJECT_START.match(right) and _FINITE.search(" ".join(right.split()[:8]))):
            parts.append((last, m.start()))
            last = m.end()
    if not parts:
        return [s]
    parts.append((last, len(s)))
    claims = []
    subject = None
    for a, b in parts:
        clause = s[a:b].strip().rstrip(",;")
        if subject is None:
            subject = _subject(clause)
        if _LEADING_AUX.match(clause) and subject:
            clause = f"{subject} {clause}"
        elif _LEADING_AUX.match(clause):
            return [s]  # no subject to borrow: keep the sentence whole
        claims.append(clause)
    return claims

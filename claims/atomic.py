"""Atomic claims: a sentence that joins independent statements gives one claim each.

"The IRS can share data to aid criminal investigations but is prohibited from sharing
information related to civil matters" gives "The IRS can share data to aid criminal
investigations" and "The IRS is prohibited from sharing information related to civil
matters". Every word of a claim comes from its sentence: a second clause without a
subject borrows the first clause's subject, nothing else is added. Qualifiers ("only",
"may", "about", numbers, dates) stay with their clause. A sentence is split only at a
coordinating "but", "and", "while", "whereas", "yet" or a semicolon whose two sides are
each a clause with its own verb (the second one's subject may follow an introductory
phrase: "but thanks to its new chips, it ..."), or whose second side is a verb phrase
sharing the first one's subject ("... was shelved in 2017 but was re-opened", "The group
said ..., and demanded ..."). Kept whole: a list ("the door sills, and the diffuser"), a
sentence opening with a subordinate clause ("Although ..., A, and B": it qualifies both),
a question, a quotation, and anything doubtful.
"""

import re

_AUX = (r"(?:is|are|was|were|has|have|had|can|could|will|would|may|might|must|should|shall|does|do|did|"
        r"isn't|aren't|wasn't|weren't|hasn't|haven't|hadn't|can't|cannot|won't|wouldn't|doesn't|don't|didn't)")
_IRREGULAR = (r"(?:fell|rose|grew|made|took|gave|said|won|lost|paid|spent|cut|hit|set|put|began|came|went|saw|"
              r"told|found|left|kept|held|brought|bought|sold|built|met|ran|led|got|became|knew|thought|"
              r"wrote|chose|drew|drove|fought|flew|forgot|hid|meant|sent|stood|struck|taught|understood)")
# a verb-like word: an auxiliary, an irregular past, "-ed", or "-s" but for common words
# that are not verbs ("as", "this", "its", "across", "various", "crisis", "focus")
_FINITE = re.compile(rf"\b(?:{_AUX}|{_IRREGULAR}|[a-z]+ed|(?!(?:as|this|its|his|us|thus|perhaps|always|whereas|"
                     rf"unless|towards|besides|sometimes|plus|news|yes)\b)[a-z]+(?<!ss)(?<!ous)(?<!is)(?<!us)s)\b")
_SUBJECT_START = re.compile(
    r"^(?:the|a|an|this|these|those|it|he|she|they|we|i|you|its|his|her|their|our|my|"
    r"there|nothing|nobody|no one|none|some|many|most|all|both|each|every\w*|someone|something|several|"
    r"few|one|another|others?|[A-Z][\w’'.-]*)\b"
)
# an introductory phrase before the subject: "but thanks to its new chips, it is ..."
_INTRODUCED = re.compile(r"^[^,;]{2,60},\s+")
_JOIN = re.compile(rf"(?:;\s+|,?\s+(?:but|while|whereas|yet)\s+|,\s+and\s+|\s+and\s+(?=(?:{_AUX}|also)\s))")
# a sentence that opens with a subordinate clause ("Although ..., it was ...") stays whole:
# its clause qualifies every statement after it
_SUBORDINATE_OPENING = re.compile(r"^\W*(?:although|though|even though|even if|if|unless|because|when|whenever|"
                                  r"while|whereas)\b", re.I)
_VERB_IN = re.compile(rf"\b(?:{_AUX}|{_IRREGULAR}|[a-z]+ed)\b")
_PAST = re.compile(rf"^(?:{_IRREGULAR}|[a-z]+ed)\b")
_LEADING_AUX = re.compile(rf"^{_AUX}\b", re.I)
# "while" with no comma before it and a progressive verb after it tells when, not a
# contrast: "He was arrested while he was driving to work" is one statement
_DURING = re.compile(r"^(?:\S+\s+){1,4}?(?:was|were|is|are|am)\s+(?!going\b)\w+ing\b", re.I)
# a second clause whose modal is left out ("0-60 mph could arrive in 5.0 seconds, and the top
# speed be 109 mph") is no statement on its own
_ELIDED = re.compile(r"^(?:(?!(?:to|will|would|can|could|may|might|must|should|shall|not|cannot|won't)\b)[\w’'-]+\s+){1,5}be\b",
                     re.I)
_WINDOW = 600  # characters read on each side of a joining word
_FIRST_AUX = re.compile(rf"\s(?={_AUX}\b)", re.I)
_FIRST_VERB = re.compile(rf"\s(?={_IRREGULAR}\b|[a-z]+(?:ed|s)\b)")


def _subject(clause: str) -> str | None:
    """The words before the clause's first verb (an auxiliary first), if short."""
    m = _FIRST_AUX.search(clause) or _FIRST_VERB.search(clause)
    if not m:
        return None
    subject = clause[: m.start()].strip()
    return subject if 1 <= _words(subject) <= 8 else None


def _clause(right: str) -> bool:
    """Does ``right`` start a statement of its own: a subject (perhaps after an introductory
    phrase without a verb, "thanks to its new chips, it ...") and a verb soon after."""
    def opens(start):
        return bool(_SUBJECT_START.match(start) and _FINITE.search(" ".join(start.split()[:8])))

    opening = _INTRODUCED.match(right)
    return opens(right) or bool(opening and not _VERB_IN.search(opening.group()) and opens(right[opening.end():]))


def _list_item_before(left: str) -> bool:
    """True when ``left`` ends in a list item after a comma or dash: a short one ("..., the
    door sills"), not a short clause ("But, it is portable"), or a longer one after another
    item without a verb ("including education reform, the preservation of natural resources")."""
    m = re.search(r"(?:,|\s[—–-])\s+([^,—–]*)$", left)
    if not m or _VERB_IN.search(m.group(1)):
        return False
    if _words(m.group(1)) <= 4:
        return True
    before = re.search(r"(?:,|\s[—–-]|\bincluding|\bsuch as)\s+([^,—–]*),\s+[^,—–]*$", left)
    return (_words(m.group(1)) <= 10 and bool(before) and _words(before.group(1)) <= 10
            and not _VERB_IN.search(before.group(1)))


def _past_subject(first: str) -> bool:
    """For "The group said ..., and demanded ...": the first clause opens with its subject
    and a past-tense verb that is not an auxiliary, which the second clause shares."""
    verb = _FIRST_AUX.search(first) or _FIRST_VERB.search(first)
    if not verb or _FIRST_AUX.search(first[:verb.end() + 1]) or re.search(r"\bthat\b", first[verb.end():]):
        return False  # "told them that he tried ..., but failed": the verb may be the inner clause's
    subject = first[:verb.start()].strip()
    return (1 <= _words(subject) <= 6 and "," not in subject and bool(_PAST.match(first[verb.end():].lstrip()))
            and bool(_SUBJECT_START.match(subject))
            and not re.match(r"(?:In|On|At|For|After|Before|With|By|From)\b", subject))


def _words(s: str) -> int:
    return len(re.findall(r"\w+", s))


# "The company, which is expected to lay off thousands, confirmed ...": a non-restrictive
# relative clause right after the subject adds a statement about it
_RELATIVE = re.compile(rf"^(?P<subject>(?:The|A|An|[A-Z][\w’'.-]*)(?:\s+[\w’'.-]+){{0,5}}?),\s+(?:which|who)\s+"
                       rf"(?P<clause>(?:{_AUX}|[a-z]+ed|[a-z]+s)\b[^,;“”\"]{{12,200}}?),\s+(?P<rest>[a-z][^“”\"]+)$")


def _relative_split(s: str) -> list[str] | None:
    """"X, which is expected to ..., confirmed Y" -> "X is expected to ...", "X confirmed Y"."""
    m = _RELATIVE.match(s)
    if not m or not _FINITE.search(" ".join(m.group("rest").split()[:3])) or _words(m.group("rest")) < 4:
        return None
    subject = m.group("subject")
    first = f"{subject} {m.group('clause').strip()}"
    return [first if first.endswith(".") else first + ".", f"{subject} {m.group('rest').strip()}"]


# “We received an inquiry ... and are cooperating in the matter,” said a spokesperson.
_QUOTE_THEN_SPEAKER = re.compile(r"^[“\"][^“”\"]{20,}[,.]?[”\"],?\s+[^“”\"]{3,120}$")


def split(sentence: str) -> list[str]:
    """The atomic claims of one sentence, in order (the sentence itself when it is one)."""
    relative = _relative_split(sentence.strip())
    if relative:
        return [part for clause in relative for part in split(clause)]
    s = sentence.strip()
    if re.search(r"\bnot only\b|\bbetween\b.*\band\b|\bboth\b", s, re.I) or _words(s) < 8:
        return [s]
    if (s[:1] in "“\"" or re.search(r"[“”\"]", s)) and not _QUOTE_THEN_SPEAKER.match(s):
        return [s]  # quotations are kept whole, but for one quotation and its speaker after it
    if _SUBORDINATE_OPENING.match(s) or s.rstrip("”’\"' )").endswith("?"):
        return [s]  # "Although ..., A, and B": the clause qualifies both; a question states nothing
    parts = []
    last = 0
    for m in _JOIN.finditer(s):
        # each side is read near the join only, so that a pathological "sentence" (a page
        # with no full stop) costs time in proportion to its length
        left = s[max(last, m.start() - _WINDOW):m.start()].strip()
        right = s[m.end():m.end() + _WINDOW].strip()
        if _words(left) < 4 or _words(right) < 4:
            continue
        if not _FINITE.search(left):
            continue
        word, comma = m.group().strip(" ,;"), "," in m.group()
        if word == "and" and _list_item_before(left):
            continue  # "the door sills, and the diffuser": the end of a list
        if word == "while" and not comma and _DURING.match(right):
            continue  # "while he was driving": when, not a contrast
        if _ELIDED.match(right):
            continue  # "..., and the top speed be 109 mph": the verb is the first clause's
        if _clause(right) or _LEADING_AUX.match(right) \
                or (_PAST.match(right) and m.start() <= _WINDOW and _past_subject(s[:m.start()])):
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
        if (_LEADING_AUX.match(clause) or _PAST.match(clause)) and a > 0:
            if not subject:
                return [s]  # no subject to borrow: keep the sentence whole
            clause = f"{subject} {clause}"
        claims.append(clause)
    return claims

"""Who makes each claim, when the article attributes it.

``attribute(sentences)`` looks at an article's sentences in order and returns one claimant
(or ``None`` when the article speaks in its own voice) per sentence:

* attribution in the sentence: "..., McLaughlin said", "“...,” Friedrich wrote",
  "according to ...", "Tricia McLaughlin, the DHS assistant secretary ..., said",
  "..., a senior Treasury Department official said";
* a quotation that runs over several sentences takes the attribution found anywhere in it
  (“At its core ...? It does not,” the order continued);
* a quotation introduced by a speaker ("Friedrich wrote:") belongs to that speaker;
* a quotation with no attribution right after a quotation by X continues X
  ("“... problems,” she said. “Biden not only ...”");
* "she said" is the last person named; "the official" is the official named before.
"""

import re

_NAME = r"[A-Z][\w’'.-]+(?:\s+(?:de|van|von|da|del|bin|al|[A-Z][\w’'.-]+)){0,4}"
_VERB = (r"(?:said|says|wrote|writes|told|tells|added|adds|continued|continues|stated|states|argued|argues|"
         r"claimed|claims|noted|notes|explained|explains|testified|tweeted|posted|announced|announces|"
         r"insisted|insists|warned|warns|acknowledged|acknowledges|contended|contends|ruled|rules|"
         r"concluded|concludes|asserted|asserts|reported|reports|responded|replied|declared|observed|"
         r"quipped|joked|remarked|recalled|suggested|emphasized|emphasised|predicted|estimated|"
         r"admitted|conceded|complained|alleged|alleges|maintained|maintains|"
         r"wondered|asked|asks|cautioned|pointed out|points out|boasted|countered)")
_WHO = rf"(?:(?:the|a|an|one|another|some|many|several)\s+(?:[\w’'-]+\s+){{0,6}}?[\w’'-]+|{_NAME}|she|he|they|it)"
_PATTERNS = [
    # “...,” Friedrich wrote.  / “...,” the order continued. / ...,” she said.
    re.compile(rf"[”\"’],?\s+(?P<who>{_WHO})\s+{_VERB}\b"),
    # “...,” said Friedrich.
    re.compile(rf"[”\"’],?\s+{_VERB}\s+(?P<who>{_NAME}|(?:the|a|an)\s+[\w\s’'-]{{2,60}}?)(?=[,.]|$)"),
    # Tricia McLaughlin, the DHS assistant secretary of public affairs, said
    re.compile(rf"(?P<who>{_NAME}),\s+(?:the|a|an)\s+[^,]{{3,80}},\s+{_VERB}\b"),
    # ..., a senior Treasury Department official said at the time.
    re.compile(rf",\s+(?P<who>(?:a|an|the)\s+(?:[\w’'-]+\s+){{0,6}}?[\w’'-]+)\s+{_VERB}\b"),
    # ..., McLaughlin said.
    re.compile(rf",\s+(?P<who>{_NAME}|she|he|they)\s+{_VERB}\b"),
    re.compile(rf"\baccording to (?P<who>(?:the\s+)?{_NAME}|(?:a|an|the)\s+[\w\s’'-]{{2,60}}?)(?=[,.;]|$)"),
    # Friedrich wrote that ... / The judge said ...
    re.compile(rf"^(?:[\W]*)(?:In [^,]{{3,80}},\s+)?(?P<who>{_NAME}|(?:the|a|an)\s+(?:[\w’'-]+\s+){{0,4}}?[\w’'-]+)\s+{_VERB}\b"),
]
_PRONOUNS = {"she", "he", "they", "it"}
_NOT_SPEAKERS = {"it", "this", "that", "there", "which", "who", "what", "another", "one", "some", "many",
                 "several", "others"}
_OPEN = "“\""
_CLOSE_ONLY = "”"


def find(sentence: str) -> str | None:
    """The attribution written in one sentence, if any (pronouns unresolved)."""
    for pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            who = m.group("who").strip().rstrip(",;:")
            if who.endswith(".") and "." not in who.split()[-1][:-1]:
                who = who[:-1]  # the sentence's full stop, not an abbreviation's
            first = who.split()[0].lower()
            if first in _NOT_SPEAKERS and (len(who.split()) == 1 or first in {"it", "this", "that", "there",
                                                                            "which", "who", "what"}):
                continue
            if who.lower() == "it":
                continue
            if who.split()[-1].lower() in {"that", "the", "a", "an", "this"}:
                continue
            return who
    return None


def _opens_quote(sentence: str) -> bool:
    return sentence.lstrip()[:1] in _OPEN


def _leaves_open(sentence: str) -> bool:
    """True when the sentence opens a quotation it does not close."""
    return sentence.count("“") > sentence.count("”") or sentence.count('"') % 2 == 1


def _closes(sentence: str) -> bool:
    """True when a sentence inside an open quotation closes it."""
    return sentence.count("”") > sentence.count("“") or sentence.count('"') % 2 == 1


def _is_person(who: str) -> bool:
    return bool(who) and who.lower() not in _PRONOUNS and not who.lower().startswith(("the ", "a ", "an "))


def attribute(sentences: list[str], new_paragraph: list[bool] | None = None) -> list[str | None]:
    """One claimant (or None) per sentence of an article, in order. ``new_paragraph[i]``
    tells whether sentence i starts a paragraph: a quotation never runs past its
    paragraph (the next paragraph of a long quotation opens with a quotation mark again)."""
    new_paragraph = new_paragraph or [False] * len(sentences)
    direct = [find(s) for s in sentences]
    # quotation runs: [first, last] sentence indexes of each quotation
    run_of = list(range(len(sentences)))
    i = 0
    while i < len(sentences):
        if _opens_quote(sentences[i]) and _leaves_open(sentences[i]):
            j = i
            while j + 1 < len(sentences) and not new_paragraph[j + 1] and not _opens_quote(sentences[j + 1]) \
                    and j - i < 12:
                j += 1
                if _closes(sentences[j]):
                    break
            for k in range(i, j + 1):
                run_of[k] = i
            i = j + 1
        else:
            i += 1
    runs: dict[int, list[int]] = {}
    for k, r in enumerate(run_of):
        runs.setdefault(r, []).append(k)

    result: list[str | None] = [None] * len(sentences)
    last_person = None
    last_described: list[str] = []
    previous_quote_claimant = None
    previous_was_quote = False
    for start in sorted(runs):
        members = runs[start]
        is_quote = _opens_quote(sentences[start])
        who = next((direct[k] for k in members if direct[k]), None)
        if who is None and is_quote and start > 0 and sentences[start - 1].rstrip().endswith(":"):
            who = result[start - 1] or find(sentences[start - 1].rstrip(": ") + " said")
        if who is None and is_quote and previous_was_quote:
            who = previous_quote_claimant
        if who:
            low = who.lower()
            if low in _PRONOUNS:
                who = last_person if low != "they" else (last_person or who)
                if low in _PRONOUNS and who and who.lower() in _PRONOUNS:
                    who = None
            elif low.startswith("the ") and len(who.split()) <= 3:
                head = who.split()[-1].lower()
                earlier = next((d for d in reversed(last_described) if d.split()[-1].lower() == head), None)
                if earlier:
                    who = earlier
        if who and is_quote and start > 0 and result[start - 1] is None and previous_was_quote \
                and re.search(r"\bcontinue[sd]?\b", " ".join(sentences[k] for k in members)):
            # “...” [unattributed] then “...,” the order continued: the same speaker
            for k in runs.get(run_of[start - 1], []):
                result[k] = who
        for k in members:
            result[k] = who
        if who and _is_person(who):
            last_person = who
        if who and who.lower().startswith(("a ", "an ")):
            last_described.append(who)
        previous_was_quote = is_quote or any(sentences[k].rstrip().endswith(("”", '"')) for k in members)
        previous_quote_claimant = who if previous_was_quote else None
    return result

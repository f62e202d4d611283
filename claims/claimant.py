"""Who makes each claim, when the article attributes it.

``attribute(sentences)`` looks at an article's sentences in order and returns one claimant
(or ``None`` when the article speaks in its own voice) per sentence.

``find(sentence)`` reads the attributions written in one sentence. It looks for a speech
verb ("said", "told", "wrote", "according to" ...) and reads the noun phrase that speaks:

* before the verb: "..., McLaughlin said", "Russia's foreign ministry said it ...",
  "Palestinian chief negotiator Saeb Erekat said", "people familiar with the matter said",
  skipping an aside or an apposition ("Israeli Prime Minister Benjamin Netanyahu, however,
  said", "Tricia McLaughlin, the DHS assistant secretary ..., said");
* after it, when the verb follows a comma or a quotation: "..., says the World Health
  Organization.", "“...,” said one legal expert, as reported ...";
* after "according to".

When a sentence has several, the one that closes the sentence wins ("Sondland said he had
..., Morrison testified." is Morrison's claim), except that a speaker named in the sentence
beats "according to a statement". Verbs that are often not speech ("added", "continued",
"reported" ...) count only next to a quotation, before "that" or a colon, or at the end of
the sentence ("Spot gold added 0.1%" is no attribution); "was said to", "got to say" and
"some say" are not either, nor the author's own "I said" / "we said".

Across sentences:

* a quotation that runs over several sentences takes the attribution found anywhere in it
  (“At its core ...? It does not,” the order continued);
* a quotation introduced by a speaker ("Friedrich wrote:") belongs to that speaker;
* a quotation with no attribution right after a quotation by X continues X
  ("“... problems,” she said. “Biden not only ...”");
* "she said" is the last person named, as a speaker or as the subject that opens a sentence
  ("Netanyahu visited ... “...,” he told settler leaders"), whom the article has not
  called "he" (and the other way round); "it said" is the last organisation that spoke;
  "they said" the last speaker named in the plural; "the official" is the official
  described before.

These are rules, tested on examples (``tests/test_splitter.py``) and measured on
hand-labelled sentences (``scripts/eval-rules``), not a parser: a speaker written in an
unusual order is missed (empty, never invented), and "she" may be given the wrong person
when the article has not yet said who is "she".
"""

import re

_STRONG = {"said", "says", "say", "told", "tells", "testified", "testifies", "tweeted",
           "insisted", "insists", "warned", "warns", "argued", "argues", "contended", "contends",
           "acknowledged", "acknowledges", "asserted", "asserts", "explained", "explains",
           "quipped", "joked", "remarked", "emphasized", "emphasised", "admitted", "admits", "conceded", "concedes",
           "complained", "alleged", "alleges", "cautioned", "boasted", "countered", "claimed", "claims",
           "stressed", "stresses", "reiterated", "reiterates", "wondered", "revealed", "reveals",
           "pledged", "pledges", "vowed", "vows", "urged", "urges", "expects"}
# often not speech: "added 0.1%", "continues to give", "reported losses", "rules out"
_WEAK = {"added", "adds", "continued", "continues", "wrote", "writes", "responded", "replied", "stated", "states",
         "noted", "notes", "announced", "announces", "reported", "reports", "ruled", "rules", "concluded",
         "concludes", "declared", "observed", "recalled", "recounted", "suggested", "predicted", "estimated", "maintained",
         "maintains", "asked", "asks",
         "posted", "confirmed", "confirms", "pointed out", "points out"}
SPEECH_VERBS = frozenset(_STRONG | _WEAK)
# only the speech verbs: every other word of a sentence is skipped by the regex itself
_VERB = re.compile(r"\b(?:[Aa]ccording to|" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")\b")

# words that end a speaker's noun phrase when reading backwards from the verb
_STOP = set("""
that which who whom whose when where while because if as after before since although though but so than then
also however is was were are be been being has have had will would can could should may might must do does did
not never it its this these those there here what whether i we you me us my our your him them
wasn’t wasn't weren’t weren't isn’t isn't aren’t aren't hasn’t hasn't haven’t haven't hadn’t hadn't didn’t didn't
said says say told tells wrote writes according added adds to into by about over under against between
now just even still only already again yet once soon later earlier recently previously repeatedly publicly
privately separately reportedly further likewise meanwhile instead
""".split())
_INNER = {"of", "for", "at", "from", "across", "in", "on", "with", "and", "de", "van", "von", "da", "del", "bin",
          "al", "la", "le", "du", "der"}
_DETERMINERS = {"the", "a", "an", "one", "two", "three", "four", "five", "several", "some", "many", "both",
                "other", "another", "his", "her", "their", "its", "most", "few", "multiple", "numerous"}
_LEADING = {"but", "and", "yet", "so", "however", "meanwhile", "still", "now", "afterward", "afterwards", "later",
            "then", "also", "indeed", "instead", "moreover", "separately", "earlier", "previously"}
_AUXILIARY = {"has", "have", "had", "also", "previously", "later", "then", "once", "repeatedly", "recently",
              "publicly", "privately", "earlier", "separately", "further", "reportedly", "again", "since",
              "long", "first", "originally", "initially", "often", "always", "never"}
_AFTER_STOP = {"in", "on", "during", "after", "before", "when", "while", "as", "adding", "who", "which", "that",
               "to", "last", "this", "yesterday", "today", "tonight", "monday", "tuesday", "wednesday", "thursday",
               "friday", "saturday", "sunday", "earlier", "later", "at", "and", "but", "because", "though",
               "although", "according", "via", "through", "about"}
PRONOUNS = {"she", "he", "they", "it"}
_WINDOW = 400  # characters read on each side of a speech verb
_FIRST_PERSON = {"i", "we", "you"}
# stop words that end a speaker's phrase even when capitalised (not part of a name)
_OPENERS = PRONOUNS | _FIRST_PERSON | _LEADING | {
    "after", "before", "while", "when", "as", "if", "though", "although", "because", "since", "that", "which",
    "who", "what", "where", "whether", "this", "these", "those", "there", "here", "its", "his", "her", "their",
    "our", "my", "your", "not", "never", "is", "was", "were", "are", "has", "have", "had"}
_TIME = (r"(?:last|this|next|on|early|late) (?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|"
         r"sunday|night|morning|evening|weekend)")
_ORGANISATION = re.compile(
    r"\b(?:ministry|office|department|agency|union|league|court|company|corporation|inc|ltd|association|"
    r"organi[sz]ation|council|commission|committee|bank|university|institute|news|times|post|reuters|nations|"
    r"party|government|house|senate|congress|administration|board|authority|authorities|service|group|"
    r"centre|center|police|army|force|forces|campaign|foundation|fund|statement|report|order|ruling|study|"
    r"survey|poll|data|team|firm|network|channel|spokesperson|spokesman|spokeswoman)\b", re.I)
# a subject of several people that opens a sentence: "Gov. Gretchen Whitmer and Republican leaders announced"
_PLURAL_SUBJECT = re.compile(r"^\W*(?:(?:But|And|However|Meanwhile|Later|On \w+),?\s+)?"
                             r"((?:[A-Z][\w.’'-]*\s+){1,4}and\s+(?:[A-Za-z][\w.’'-]*\s+){1,4}?)"
                             r"(?=(?:have|has|had|were|are|will|would|[a-z]{3,}ed)\b)")
_VERDICT = re.compile(r"^\W*(?:we|i)\s+(?:rate|rated|give|gave)\b|^\W*our (?:ruling|rating|verdict)\b", re.I)
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Col|Lt|Jr|Sr|St|Prof|Sgt|Capt|Maj)\.|"
                    r"[A-Z]\.(?=\s+[A-Z])|[\w’'&-]+(?:[’']s)?|[^\w\s]")
_OPEN = "“\""


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _acronym(tok: str) -> bool:
    return len(tok) > 1 and tok.isupper()  # WHO, IT, US: names, not the words


def _wordlike(tok: str) -> bool:
    return bool(re.match(r"[\w]", tok))


def _is_verb(sentence: str, m: re.Match) -> bool:
    """Is this occurrence of a speech verb an attribution?"""
    word = m.group().lower()
    if m.start() and sentence[m.start() - 1] in "-‐":
        return False  # "self-declared"
    if word == "according to":
        return True
    before = _tokens(sentence[:m.start()])
    prev = before[-1].lower() if before else ""
    if len(before) > 1 and _capitalised(before[-1]):
        prev = ""  # a name ("Theresa May said"), not a modal
    if prev in {"is", "was", "were", "are", "be", "been", "being", "to", "will", "would", "could", "should",
                "might", "may", "must", "can", "some", "a", "the", "any", "no", "final", "their", "his", "her",
                "its", "our", "my", "your", "i", "we", "you", "i’ve", "i've", "we’ve", "we've", "let", "who",
                "which", "that", "what", "not", "did", "does", "do", "wasn’t", "wasn't", "weren’t", "weren't",
                "isn’t", "isn't", "aren’t", "aren't", "been", "let’s", "let's", "lets"}:
        return False
    after = sentence[m.end():].lstrip()
    if word == "say" and after.rstrip().endswith("?") and len(after) < 3:
        return False  # "What did the prosecutors say?"
    if word in {"claims", "claimed"} and re.match(
            r"(?:of|victory|responsibility|credit|the lives|lives|the title|ownership|asylum|benefits)\b"
            r"|(?:(?:the|a|an|his|her|their|its|[A-Z][\w-]*[’']s)\s+)?(?:body|bodies|remains|prize|seat|spot|place)\b",
            after):
        return False  # "The family claimed Ford’s body": took, not said
    if word in {"testified", "testifies"} and re.match(r"(?:before|at|in|on|to|behind|during)\b", after) \
            and not re.search(r"\bthat\b|:", after) and not re.search(r"[“”\"]", sentence):
        return False  # "Volker and Morrison testified before the committee": an event, no words
    if word in _STRONG:
        return True
    if word in {"added", "adds", "continued", "continues"} and re.match(r"[\d$£€]", after):
        return False
    quoted_before = bool(re.search(r"[”\"’],?\s+(?:[\w’'.-]+\s+){0,8}$", sentence[:m.start()]))
    return (quoted_before or after[:1] in (":", "“", '"', ".", ",", "")
            or re.match(r"(?:[\w.,’'-]+\s+){0,6}?that\b|for (?:the )?[A-Z]", after) is not None
            or re.match(r"(?:in|on|at) (?:a|an|the|his|her|its|their) (?:statement|email|interview|letter|post|tweet|"
                        r"news conference|press conference|speech|report|ruling|filing)", after) is not None)


def _strip_trailing_aside(left: str) -> str:
    """'X, the DHS assistant secretary,' and 'X, however,' -> 'X'."""
    stripped = left.rstrip()
    if not stripped.endswith(","):
        return left
    inner = stripped[:-1]
    cut = inner.rfind(",")
    if cut == -1 or len(inner) - cut > 160 or any(q in inner[cut:] for q in "“”\""):
        return left
    return inner[:cut]


# "A spokesperson who did not wish to be named said": the speaker is the phrase before "who"
_RELATIVE = re.compile(r"\s+who\s+[^,;:“”\"()]{1,120}$")


def _before(sentence: str, start: int) -> str | None:
    """The speaker's noun phrase that ends just before ``sentence[start:]``, read backwards;
    past a relative clause ("Two officials who briefed reporters said")."""
    relative = _RELATIVE.search(sentence[:start].rstrip())
    return _phrase_before(sentence, relative.start() if relative else start)


def _phrase_before(sentence: str, start: int) -> str | None:
    """The noun phrase that ends just before ``sentence[start:]``, read word by word backwards."""
    left = sentence[:start]
    toks = _tokens(left)
    while toks and (toks[-1].lower() in _AUXILIARY or re.fullmatch(r"[a-z]+ly", toks[-1])):
        toks.pop()  # "has also", "allegedly", "reportedly": not the speaker's words
    if toks and toks[-1].lower() in {"and", "but", "or"}:
        return None  # "... and said": the subject is an earlier verb's
    left = " ".join(toks)
    if left.endswith(","):
        opening = _opening_subject(sentence[:start])
        aside = _name_aside(sentence[:start].rstrip())
        if opening and aside and not all(_capitalised(w) for w in opening.split()):
            return aside  # "Ruiz's aide, Tom Hale, said": the name, not the description
        if opening or aside:
            return opening or aside
        left = _strip_trailing_aside(left)
        toks = _tokens(left)
    phrase: list[str] = []
    for tok in reversed(toks):
        low = tok.lower()
        if not _wordlike(tok) and tok not in (".",):
            break
        if low == "to" and phrase and _capitalised(phrase[0]):
            phrase.insert(0, tok)  # "ambassador to Britain"
            continue
        if low in _STOP and not _acronym(tok) and not (_capitalised(tok) and low not in _OPENERS):
            # a stop word ends the phrase, unless it is part of a name ("Theresa May said")
            if not phrase and low in PRONOUNS | _FIRST_PERSON:
                phrase.append(tok)
            break
        phrase.insert(0, tok)
        if low in _DETERMINERS:
            at = len(toks) - len(phrase) - 1  # the token before the determiner
            if at < 0 or toks[at] not in _INNER:
                break  # "a doctor on the scene": a determiner after a preposition does not end it
        if len(phrase) > 10:
            return None
    at = len(toks) - len(phrase) - 1  # the token before the phrase
    while phrase and (phrase[0] in _INNER | {"to"} or phrase[0].lower() in _LEADING):
        phrase.pop(0)
    while len(phrase) > 2 and re.fullmatch(_TIME, " ".join(phrase[-2:]).lower()):
        del phrase[-2:]  # "the EU's top court last week ruled"
    if not phrase or phrase[-1].lower() in _INNER | _DETERMINERS:
        return None
    while at >= 0 and toks[at] in _INNER | {"to"} | _LEADING:  # what comes before must end a clause
        at -= 1
    if at >= 0 and _wordlike(toks[at]) and toks[at].lower() not in _STOP | _LEADING:
        return None  # "analysts who have done the calculations say": not the subject
    return _clean(phrase)


def _opening_subject(left: str) -> str | None:
    """'Prince Andrew, the ..., Charles, has told': the noun phrase that opens the clause
    (the sentence, or what follows a closing quotation) when asides come before the verb."""
    quote = max(left.rfind("”,"), left.rfind('",'))
    head = left[quote + 2:] if quote >= 0 else left
    m = re.match(r"\s*(?:(?:But|And|Yet|So|However|Meanwhile|Still|Now|Then|Afterward|Later),?\s+)?([^,]{2,80}),", head)
    if not m:
        return None
    toks = _tokens(m.group(1))
    if not toks or toks[0].lower() in _INNER | {"to"} | _LEADING | {"after", "before", "when", "while", "as", "if"} \
            or any(t.lower() in _STOP and not _acronym(t) and not (_capitalised(t) and i)
                   for i, t in enumerate(toks)) \
            or not (_capitalised(toks[0]) or toks[0].lower() in _DETERMINERS) or len(toks) > 9:
        return None
    return _clean(toks)


def _name_aside(left: str) -> str | None:
    """'The group that owns most of her music, Big Machine, says': the name in the aside."""
    m = re.search(r",\s+((?:[A-Z][\w’'&.-]*\s+){0,3}[A-Z][\w’'&.-]*),\s*$", left)
    if m and not m.group(1).split()[0].lower() in _LEADING | _STOP:
        return m.group(1)
    return None


def _after(sentence: str, end: int) -> str | None:
    """The speaker's noun phrase right after an inverted verb: '..., says the World Health Organization.'"""
    toks = _tokens(sentence[end:])
    phrase: list[str] = []
    for tok in toks:
        low = tok.lower()
        if not phrase and low in _AFTER_STOP:
            return None  # "said in a statement": the speaker is before the verb
        if low == "by" and phrase:
            phrase.append(tok)  # "the letter signed by seven physicians"
            continue
        if not _wordlike(tok) and tok not in ",.;!?)—–":
            return None  # "said the president’s “mercurial temperament”": an object, not a speaker
        if not _wordlike(tok) or (low in _AFTER_STOP and phrase):
            if low in {"to", "that", "which", "and", "but", "because", "though", "although", "via", "through",
                       "about"}:
                return None  # "said information ... to identify": an object and a clause, not a speaker
            break
        if low in _STOP and low not in _DETERMINERS and not _acronym(tok):
            return None  # "X, the aide, said the ruling was ...": a clause follows, not a speaker
        phrase.append(tok)
        if len(phrase) > 10:
            return None
    while phrase and phrase[-1].lower() in _INNER | _DETERMINERS:
        phrase.pop()
    return _clean(phrase) if phrase else None


def _clean(phrase: list[str]) -> str | None:
    text = " ".join(phrase)
    text = re.sub(r"\s+([’']s)\b", r"\1", text)
    text = re.sub(r"\b([A-Z][a-z]{1,4})\s+\.(?=\s)", r"\1.", text)  # "Cmdr . Sean Robertson": one title
    text = text.strip(" ,;:")
    if not text or text.lower() in _FIRST_PERSON or phrase[0].lower() in _FIRST_PERSON:
        return None
    words = text.split()
    if len(words) == 1 and words[0].lower() in {"this", "that", "there", "which", "who", "what", "another",
                                                  "one", "some", "many", "several", "others", "both"}:
        return None
    head = words[:next((i for i, w in enumerate(words) if w in _INNER), len(words))]
    if not any(_capitalised(w) for w in words) and words[0].lower() not in _DETERMINERS | PRONOUNS \
            and not any(w.endswith("s") or w in {"police", "people", "staff", "management"} for w in head):
        return None  # "everything anybody said": a speaker without a name or article is a plural
    return text


def _closes_sentence(sentence: str, m: re.Match) -> bool:
    """Is the attribution the sentence's last clause ('..., Morrison testified.')?"""
    tail = sentence[m.end():]
    return len(tail.split()) <= 12 and not re.search(r"[“”\":]|\bthat\b", tail)


def attributions(sentence: str) -> list[tuple[int, str, bool, bool]]:
    """Every attribution in one sentence: ``(position, speaker, closes_the_sentence, according_to)``."""
    found = []
    for whole in _VERB.finditer(sentence):
        # a speaker is written near its verb: reading a window around each verb keeps a
        # pathological "sentence" (a page with no full stop) linear in its length
        lo = max(0, whole.start() - _WINDOW)
        sentence_part = sentence[lo:whole.end() + _WINDOW]
        m = _VERB.match(sentence_part, whole.start() - lo)
        one = _attribution(sentence_part, m, lo) if _is_verb(sentence_part, m) else None
        if one:
            found.append(one)
    return found


def _attribution(sentence: str, m: re.Match, offset: int) -> tuple[int, str, bool, bool] | None:
    """The attribution made by the speech verb ``m`` of ``sentence`` (which starts at
    ``offset`` of the whole sentence), or None."""
    word = m.group().lower()
    left = sentence[:m.start()].rstrip()
    if word == "according to":
        source = re.match(r"\s*((?:[^,;:“”\"()]|\.(?=\w))+?)(?:[,;:“”\"()]|\.(?!\w)|$)", sentence[m.end():])
        who = source.group(1).strip() if source and len(source.group(1).split()) <= 12 else None
        if not who or who.split()[0].lower() in _FIRST_PERSON | {"which", "what"}:
            return None
        return offset + m.start(), who, _closes_sentence(sentence, m), True
    inverted = bool(re.search(r"(?:,|[”\"’],?)$", left)) and word not in {"told", "tells"}
    who = _after(sentence, m.end()) if inverted else _before(sentence, m.start())
    if inverted and (not who or who.split()[0].lower() in PRONOUNS | _FIRST_PERSON):
        # "“...,” she said" and "X, the aide, said ..." read as inverted only by their comma
        inverted, who = False, _before(sentence, m.start())
    if who is None:
        return None
    closes = _closes_sentence(sentence, m) and (inverted or bool(re.search(r"[,”\"]", left)))
    return offset + m.start(), who, closes, False


def find(sentence: str) -> str | None:
    """The attribution written in one sentence, if any (pronouns unresolved)."""
    return speaker(attributions(sentence))


def speaker(found: list[tuple[int, str, bool, bool]]) -> str | None:
    """The speaker of a sentence, from its ``attributions``: the one that closes it, else
    the first named speaker, else the first "according to"."""
    if not found:
        return None
    speakers = [f for f in found if not f[3]]
    closing = [f for f in (speakers or found) if f[2]]
    return (closing or speakers or found)[-1 if closing else 0][1]


def _opens_quote(sentence: str) -> bool:
    return sentence.lstrip()[:1] in _OPEN


def _leaves_open(sentence: str) -> bool:
    """True when the sentence opens a quotation it does not close."""
    return sentence.count("“") > sentence.count("”") or sentence.count('"') % 2 == 1


def _closes(sentence: str) -> bool:
    """True when a sentence inside an open quotation closes it."""
    return sentence.count("”") > sentence.count("“") or sentence.count('"') % 2 == 1


def _unquoted(sentence: str, inside: bool = False) -> str:
    """``sentence`` with the words inside double quotation marks blanked out (offsets kept);
    ``inside``: the sentence continues a quotation opened before it. Straight marks count
    only when they pair up, or open the sentence, or close a quotation left open."""
    straight = inside or sentence.count('"') % 2 == 0 or sentence.lstrip().startswith('"')
    out, depth = list(sentence), int(inside)
    for i, c in enumerate(sentence):
        if c == "“" or (c == '"' and straight and not depth):
            depth += 1
        elif c == "”" or (c == '"' and straight and depth):
            depth = max(0, depth - 1)
        elif depth:
            out[i] = " "
    return "".join(out)


def _is_person(who: str) -> bool:
    """A named person ('Saeb Erekat', 'study co-author Anezina Solomonidou'), not a group
    ('multiple friends of Mike Ford', 'Ford and Fry') or an organisation."""
    words = who.split() if who else []
    if not words or who.lower() in PRONOUNS or words[0].lower() in _DETERMINERS or " and " in who \
            or not _capitalised(words[-1]):
        return False
    name_starts = len(words)
    while name_starts > 0 and _capitalised(words[name_starts - 1]):
        name_starts -= 1
    if name_starts and words[name_starts - 1].lower() in _INNER | {"to", "by"}:
        return False  # "friends of Mike Ford"
    # "research team head Jennifer Ngo-Anh": a full name after its description
    return not _ORGANISATION.search(" ".join(words[name_starts:])) and \
        (len(words) - name_starts >= 2 or not _ORGANISATION.search(who))


def _is_plural(who: str) -> bool:
    last = who.split()[-1]
    return last.islower() and last.endswith("s") and not last.endswith("ss") or " and " in who \
        or who.lower().startswith(("people", "officials", "several", "many", "some", "two", "three", "both"))


_SUBJECT = re.compile(r"^\W*(?:[^,“”\"]{0,30},\s+){0,2}"
                      r"((?:[A-Z][a-z][\w’'.-]*\s+){0,3}[A-Z][a-z][\w’'-]*)\s+[a-z]+(?:ed|s)\b")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Lt|Col|Gen)\.?\s+(?:[A-Z][a-z][\w’'-]*\s+){0,2}([A-Z][a-z][\w’'-]*)"
                     r"|\b(?:President|Senator|Judge|Justice|Secretary|Minister|Prince|Princess|Queen|King|"
                     r"Ambassador|Chairman|Governor|Mayor|Representative|Congresswoman|Congressman)\s+"
                     r"(?:[A-Z][a-z][\w’'-]*\s+){0,2}([A-Z][a-z][\w’'-]*)")


def _sentence_subject(sentence: str, people: set[str]) -> str | None:
    """A person who opens the sentence as its subject: 'Netanyahu visited ...' (a name
    seen before with a title or as a speaker) or 'Taylor Swift posted ...' (a full name)."""
    m = _SUBJECT.match(sentence)
    if not m:
        return None
    words = m.group(1).split()
    while words and words[0].lower() in _STOP | _LEADING:
        words.pop(0)  # "When Ford ...", "If HP ..."
    if not words:
        return None
    name = " ".join(words)
    if name.split()[-1] in people or (len(name.split()) >= 2 and _is_person(name)
                                     and name.split()[0] not in {"The", "A", "An", "In", "On", "At", "This"}):
        return name
    return None


def attribute(sentences: list[str], new_paragraph: list[bool] | None = None) -> list[str | None]:
    """One claimant (or None) per sentence of an article, in order. ``new_paragraph[i]``
    tells whether sentence i starts a paragraph: a quotation never runs past its
    paragraph (the next paragraph of a long quotation opens with a quotation mark again)."""
    new_paragraph = new_paragraph or [False] * len(sentences)
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
    # a speech verb inside the quotation ("“And I said, ‘I want more.’ They said ...”") is
    # the quoted speaker's words, not who speaks the quotation
    direct = [find(_unquoted(s, inside=run_of[k] != k)) for k, s in enumerate(sentences)]

    result: list[str | None] = [None] * len(sentences)
    last_organisation = last_plural = None
    persons: list[str] = []  # people named so far, the latest last
    gender: dict[str, str] = {}  # "she" or "he", once a pronoun has named them
    people = {a or b for s in sentences for a, b in _TITLED.findall(s)}
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
            if low in PRONOUNS:
                if low in ("she", "he"):
                    who = next((p for p in reversed(persons) if gender.get(p, low) == low), None)
                    if who:
                        gender[who] = low
                else:
                    who = {"it": last_organisation, "they": last_plural or last_organisation}[low]
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
        if who and len(members) == 1 and _VERDICT.search(sentences[start]):
            who = None  # "We rate the statement Mostly True.": the article's own verdict
        for k in members:
            result[k] = who
        if who:
            if _is_person(who):
                persons.append(who)
                people.add(who.split()[-1])
            elif _is_plural(who):
                last_plural = who
            else:
                last_organisation = who
        else:
            subject = _sentence_subject(sentences[members[0]], people)
            if subject:
                persons.append(subject)
            group = _PLURAL_SUBJECT.match(sentences[members[0]])
            if group:  # "Gov. Whitmer and Republican leaders announced ...": who "they" are next
                last_plural = group.group(1).strip()
        if who and who.lower().startswith(("a ", "an ")):
            last_described.append(who)
        previous_was_quote = is_quote or any(sentences[k].rstrip().endswith(("”", '"')) for k in members)
        previous_quote_claimant = who if previous_was_quote else None
    return result


_DOCUMENT = re.compile(r"^(?:the|a|an)\s+(?:court(?:’s|'s)?\s+)?(?:order|ruling|opinion|decision|court|judge|federal judge)$", re.I)
_JUDGE = re.compile(r"\b((?:(?:U\.S\.|Chief|Federal|Senior)\s+)?(?:(?:District|Circuit|Magistrate|Appeals)\s+)?"
                    r"(?:Court\s+)?Judge\s+(?:[A-Z][\w’'.-]+\s+){0,2}[A-Z][\w’'-]+)")


def name_documents(claimants: list[str | None], text: str) -> list[str | None]:
    """A court document or an unnamed judge as claimant ("the order", "a judge") becomes the
    judge the article names ("U.S. District Judge Dabney Friedrich"), when it names one
    judge and only one: a document's claimant is its author. Then ``full_names``."""
    judges = {m.group(1).split()[-1]: m.group(1) for m in _JUDGE.finditer(text)}
    if len(judges) == 1:
        judge = next(iter(judges.values()))
        claimants = [judge if who and _DOCUMENT.match(who.strip()) else who for who in claimants]
    titled: dict[str, set[str]] = {}  # "president" -> {"Donald Trump"}
    for m in _TITLE_NAME.finditer(text):
        titled.setdefault(m.group(1).lower().rstrip("."), set()).add(m.group(2))
    out = []
    for who in claimants:
        m = re.fullmatch(r"[Tt]he\s+(\w+(?:\s+\w+)?)", who.strip()) if who else None
        names = titled.get(m.group(1).lower(), set()) if m else set()
        out.append(next(iter(names)) if len(names) == 1 else who)  # "the president": the one the article names
    return full_names(out)



_TITLE_NAME = re.compile(r"\b(President|Governor|Senator|Mayor|Prime Minister|Chancellor|Secretary|Minister|"
                         r"Ambassador|Attorney General|Commissioner|Premier)\s+((?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+)")


def full_names(claimants: list[str | None]) -> list[str | None]:
    """A speaker named by surname alone ("Friedrich") is given the fullest name the article
    gives the same person as a speaker ("U.S. District Judge Dabney Friedrich")."""
    full: dict[str, str] = {}
    for who in claimants:
        if who and len(who.split()) >= 2 and _is_person(who):
            last = who.split()[-1]
            if len(who) > len(full.get(last, "")):
                full[last] = who
    return [full.get(who, who) if who and len(who.split()) == 1 else who for who in claimants]

"""Standalone claim text: a claim a reviewer can read without the article.

``rewrite(text, claimant, memory)`` turns the text of one atomic claim into one that reads
alone, the way newsrooms edit a quotation, every inserted word in square brackets and taken
from the article (``Memory`` holds what the article named before the claim):

* the attribution the claimant holds is dropped: "Two people briefed on the talks said
  Trump has decided ..." -> "Trump has decided ..."; "..., McLaughlin said." -> "...";
  the quotation marks of the claimant's own quotation go too; a dateline ("SAN FRANCISCO
  (AP) —") is no part of the claim;
* an opening pronoun is replaced by whom it refers to: after a dropped opening
  attribution, the speaker ("Google said it will cut ..." -> "[Google] will cut ...");
  "he"/"she"/"his"/"her" otherwise by the person of the last three sentences the article
  names most, whose pronouns agree ("[Morrison] was not concerned"); any other "it" stays;
* a bare "The company" ("the retailer", "the agency" ...) by the organisation the article
  names most, not a place; "The deal", "The campaign" get it as owner ("[WeWork]’s deal");
* an acronym the article spelled out ("The New York State Attorney General (NYAG)") is
  spelled out where the claim uses it: "the NYAG [New York State Attorney General]".

Where an opening reference has no referent in the article before it, nothing is guessed:
``needs_context`` is true instead. The claim's ``sentence`` and span never change; only
``text`` does. Rules, not a parser: measured with ``../shared/eval/score-claims`` (the
"standalone" figure) and read on development pages outside the labelled ones.
"""

import re
from collections import Counter

from . import claimant as claimant_rules

# names: runs of capitalised words ("Home Depot", "Kristi Noem", "U.S. Rep. Ilhan Omar")
_NAME = re.compile(r"(?<![\w’'])(?:[A-Z][\w’'&.-]*[\w]|[A-Z])(?:\s+(?:of|for|de|van|von|al|bin|the)?\s*[A-Z][\w’'&.-]*[\w])*")
_NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "It", "They", "We", "I", "His", "Her", "Its",
    "Their", "Our", "This", "That", "These", "Those", "There", "When", "While", "After", "Before", "As", "If",
    "For", "With", "From", "By", "To", "Of", "Mr", "Mrs", "Ms", "Dr", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec", "However", "Meanwhile", "According", "Since", "Although", "Yet", "So",
    "Also", "Now", "Then", "Still", "Today", "Yesterday", "Last", "Next", "Some", "Many", "Most", "All", "Both",
    "What", "Who", "Why", "How", "Where", "Which", "Not", "No", "Yes", "Here", "One", "Two", "Three", "Under",
    "Over", "Despite", "During", "Among", "Until", "Instead", "Because", "Such", "Each", "Every", "Other",
    "Another", "More", "Less", "Than", "Only", "Even", "Just", "Like", "Unlike", "Through", "Into", "About",
    "Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Rep.", "Gov.", "President", "Reuters", "AP", "CNN", "BBC",
}
_ORG_HEADS = (r"company|firm|retailer|carrier|airline|group|agency|ministry|bank|startup|start-up|giant|"
              r"organi[sz]ation|network|manufacturer|maker|automaker|plane-maker|chipmaker|developer|"
              r"insurer|lender|publisher|broadcaster|operator|provider|platform|outlet|newspaper|site|website|"
              r"department|regulator|government|administration|club|team|union|charity|university|school")
# only the bare description ("The company said"): "The German automaker" or "The group that owns
# her music" says which one itself
_OPENING_ORG = re.compile(rf"^(?P<np>[Tt]he\s+(?:{_ORG_HEADS}))(?P<poss>[’']s)?\b(?![\w-])"
                          r"(?!\s+(?:that|which|who|of|in|at|behind|said to)\b)")
# a definite thing the article is about: "The deal is valued at ...", "The campaign cost ..."
# (not "the order", "the agreement", "the ruling": a court's or two parties' documents)
_OPENING_THING = re.compile(r"^The(?P<mods>(?:\s+[\w’'-]+){0,2}?)\s+(?P<head>deal|plan|program|programme|campaign|"
                            r"project|proposal|policy|listing|offer|sale|contract|bill|investigation|"
                            r"probe|move|initiative|merger|acquisition|takeover|tagline|slogan)\b"
                            r"(?!\s+(?:by|of|from|between|with|to|for)\b)")  # "The order by Judge X" names its own
_OPENING_PRONOUN = re.compile(r"^(?P<p>He|She|His|Her|Its|It|They|Their)\b(?![’'])(?!\s+[A-Z])")  # not "He Jianxiong"
_ACRONYM_DEF = re.compile(r"((?:[A-Z][\w’'-]*\s+(?:of\s+|for\s+|the\s+|and\s+)?){1,7}[A-Z][\w’'-]*)\s+\(([A-Z]{2,6}s?)\)")
# a closing attribution: '..., McLaughlin said.', '...,” said a WeWork spokesperson when ...'
_CLOSING = re.compile(r"^(?P<body>.*?[^\s,])(?P<comma>,?)\s*(?P<q>[”\"’]?)\s+(?P<attr>(?:[\w’'.-]+\s+){0,12}?(?:"
                      + "|".join(sorted(claimant_rules.SPEECH_VERBS, key=len, reverse=True))
                      + r")\b(?P<tail>[^“”\"]{0,160}))$")
_CLOSING_ACCORDING = re.compile(r"^(?P<body>.*?[^\s,]),\s+according to\s+[^,“”\"]{1,120}[.!]?\s*$")
_OPENING_ATTR = re.compile(r"^(?P<attr>[^,“”\"]{1,80}?\s(?:said|says|told\s+[\w\s]{1,40}?|testified|wrote|"
                           r"argued|alleged|claimed|reported|announced|confirmed|warned|noted|stated|insisted)"
                           r"(?:\s+(?:(?:on|in|last|this)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                           r"week|month|year|night|morning|evening|afternoon|[A-Z][a-z]+\s+\d{1,2}))?"
                           r"|[^,“”\"]{1,80}?\s(?:said|says|told\s+[\w\s]{1,40}?)\s+(?:on|in|last|this)\s+\w+)\s+(?:that\s+)?(?P<body>[A-Z“\"].*|(?:the|a|an|it|he|she|they|its|his|her|their)\b.*)$")
_TOKENS = re.compile(r"[\w’'-]+")
_PLACE = re.compile(r"\b(?:in|from|across|near)\s+((?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+)")
# a dateline: "SAN FRANCISCO (AP) — ", "DUBAI, United Arab Emirates — ", "(Reuters) - ", "VIENNA — "
_DATELINE = re.compile(r"^(?:[A-Z][A-Z.’'-]+(?:\s+[A-Z][A-Z.’'-]+){0,3}(?:,\s+(?:[A-Z][\w.’'-]*\s*){1,4})?\s*"
                       r"(?:\((?:AP|Reuters|AFP|UPI|CNN|Bloomberg|[A-Z][\w ]{1,20})\)\s*)?|\((?:AP|Reuters|AFP|UPI)\)\s*)"
                       r"[—–-]{1,2}\s+(?=[A-Z“\"])")
_PRONOUN_FORMS = {"he": "person", "she": "person", "his": "person", "her": "person",
                  "it": "org", "its": "org", "they": "plural", "their": "plural"}


def _names(sentence: str) -> list[str]:
    """Capitalised names in a sentence, the first word of the sentence only when it is
    followed by another capitalised word ("Home Depot said", not "Shares fell")."""
    out = []
    for m in _NAME.finditer(sentence):
        words = m.group().split()
        while words and (words[0] in _NOT_NAMES or words[0].rstrip(".") in _NOT_NAMES):
            words.pop(0)
        while words and words[-1].lower() in {"of", "for", "the", "and"}:
            words.pop()
        if not words:
            continue
        name = re.sub(r"[’']s?$", "", " ".join(words))  # "Buckley’s" names Buckley
        at_start = sentence[:m.start()].strip(" “\"‘'(—-") == "" and len(m.group().split()) == 1
        if at_start or len(name) < 2:
            continue
        out.append(name)
    return out


_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}


def _surname(name: str) -> str:
    words = [w for w in name.split() if w.rstrip(",") not in _SUFFIXES]
    return (words or name.split())[-1].rstrip(",")


class Memory:
    """What the article names: people, organisations and places, and acronyms spelled out.

    A name of two or more words is a person's when the article also uses its last word
    alone ("Adam Neumann" ... "Neumann said"), as news style does for people and not for
    organisations or places ("Home Depot", "New York"); a name after a title ("Sen.",
    "President") or a speaker the claimant rules call a person is one too. Every other
    name counts towards the article's topic: the organisation or place it names most."""

    def __init__(self, text: str, sentences: list[str], claimants: list[str | None]):
        self.acronyms = {}
        for long, short in _ACRONYM_DEF.findall(text):
            initials = iter("".join(w[0] for w in long.split() if w[0].isupper()))
            if all(c in initials for c in short.rstrip("s")):  # NYAG: New York (State) Attorney General
                self.acronyms.setdefault(short, re.sub(r"^The\s+", "", long.strip()))
        names = _names(text)
        tokens = _TOKENS.findall(text)
        before: dict[str, set[str]] = {}  # each word of the text: the words seen right before it
        for prev, tok in zip([""] + tokens, tokens):
            before.setdefault(tok, set()).add(prev)
        self.surnames: set[str] = set()
        for name in set(names):
            words = name.split()
            if len(words) >= 2 and all(w[:1].isupper() and not w.isupper() for w in words):
                last = _surname(name)
                if before.get(last, set()) - {words[-2]}:  # "Neumann" after something else than "Adam"
                    self.surnames.add(last)
        self.surnames.update(re.findall(
            r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Judge|President|Senator|Governor|Mayor|Justice|Prince|Princess|King|"
            r"Queen|Duke|Duchess|Lord|Sir|Dame|Pope)\.?\s+"
            r"(?:[A-Z][\w’'-]+\s+){0,2}([A-Z][\w’'-]+)", text))
        for who in claimants:
            if who and claimant_rules._is_person(who) and len(who.split()) >= 2:
                self.surnames.add(_surname(who))
        # a name that opens a sentence is its subject: it counts three times
        self.salient = Counter(n for n in names if not self.is_person(n) and not re.fullmatch(r"[\d\W]*\w?", n))
        for sentence in sentences:
            first = re.match(r"^\W*((?:[A-Z][\w’'&.-]*[\w]\s+){0,3}[A-Z][\w’'&.-]*[\w])(?:[’']s)?\s+[a-z]", sentence)
            if first and first.group(1) in self.salient:
                self.salient[first.group(1)] += 2
        # a place ("in Hong Kong", "from Delhi") is not the organisation a "company" is: a
        # name the text writes after "in", "from", "across" or "near" at least half the time
        after_place_word = Counter(_PLACE.findall(text))
        self.places = {p for p, n in after_place_word.items() if 2 * n >= text.count(p)}
        self.recent: list[list[str]] = []  # people named in each sentence read so far
        self.gender: dict[str, Counter] = {}
        self.acronym_uses = [(re.compile(rf"(?<!\[)\b{re.escape(short)}\b(?![\]’'])"), short, long)
                             for short, long in self.acronyms.items()]

    def is_person(self, name: str) -> bool:
        return _surname(name) in self.surnames and not name.isupper()

    def see(self, sentence: str) -> None:
        """Remember the people named in a sentence, in order, and, when it names one person,
        which pronouns it uses for them ("Swift ... her": she)."""
        people = ([_surname(n) for n in _names(sentence) if self.is_person(n)]
                  + [w for w in re.findall(r"^\W*([A-Z][\w’'-]+)", sentence) if w in self.surnames])
        self.recent.append(people)
        if len(set(people)) == 1:
            words = set(re.findall(r"\b\w+\b", sentence.lower()))
            votes = self.gender.setdefault(people[0], Counter())
            votes["he"] += bool(words & {"he", "his", "him", "himself"})
            votes["she"] += bool(words & {"she", "her", "hers", "herself"})

    def _gender(self, name: str) -> str | None:
        votes = self.gender.get(name, Counter())
        if votes["he"] > votes["she"]:
            return "he"
        return "she" if votes["she"] > votes["he"] else None

    def person(self, pronoun: str = "", rest: str = "") -> str | None:
        """The person a "he" or "she" opening a sentence refers to: of the people named in
        the three sentences before it, the one the article has named most so far (the
        nearest on a tie)."""
        want = {"he": "he", "his": "he", "she": "she", "her": "she"}.get(pronoun.lower())
        recent = [p for people in self.recent[-3:] for p in people
                  if p not in rest and (not want or self._gender(p) in (want, None))]  # not "He urged Mr. Trump"
        if not recent:
            return None
        seen = Counter(p for people in self.recent for p in people)  # the story's main person first
        return max(dict.fromkeys(reversed(recent)), key=lambda p: seen[p])

    def topic(self) -> str | None:
        """The organisation the article names most often (at least twice), not a place
        (a name the article mostly writes after "in", "from", "across")."""
        best = [(n, c) for n, c in self.salient.most_common(5) if n not in self.places][:1]
        return best[0][0] if best and best[0][1] >= 2 else None


def _drop_attribution(text: str, who: str | None) -> tuple[str, bool | str]:
    """``text`` without the attribution its claimant ``who`` holds, and which was dropped:
    False, True (a closing one, or quotation marks) or "opening" ("Google said it ...": the
    pronoun that follows is the speaker; inside a quotation "it" is something else)."""
    if not who:
        return text, False
    name = _surname(who)
    m = _CLOSING.match(text)
    if m and (m.group("q") or m.group("comma")) and name in m.group("attr") and len(m.group("tail").split()) <= 10 \
            and " that " not in m.group("tail"):
        body = re.sub(r"^[“\"‘]", "", m.group("body").strip()).rstrip(",")
        if len(body.split()) >= 4:
            return _terminate(body), True
    m = _CLOSING_ACCORDING.match(text)
    if m and name in text[m.end("body"):]:
        return _terminate(m.group("body")), True
    if re.fullmatch(r"\s*[“\"][^“”\"]+[”\"]\s*", text):  # the whole claim is the claimant's quotation
        return _terminate(text.strip()[1:-1]), True
    if text.startswith("“") and text.count("“") > text.count("”"):
        return _terminate(text[1:]), True  # the first sentence of a quotation that runs on
    m = _OPENING_ATTR.match(text)
    if m and name in m.group("attr") and len(m.group("body").split()) >= 4:
        body = m.group("body").strip()
        if body[:1] in "“\"" and (body.count("”") or body.count('"') >= 2):
            body = re.sub(r"[”\"](?=[.!]?$)", "", body[1:])
        return _terminate(body[:1].upper() + body[1:]), "opening"
    return text, False


def _terminate(body: str) -> str:
    body = body.rstrip()
    if body.count("“") < body.count("”") or body.count('"') % 2:
        body = re.sub(r"[”\"]+$", "", body)
    return body if re.search(r"[.!?…][”\"’]?$", body) else body.rstrip(",;:") + "."


def _possessive(name: str) -> str:
    return f"[{name}]" + ("’" if name.endswith("s") else "’s")


def rewrite(text: str, who: str | None, memory: Memory) -> tuple[str, bool]:
    """The standalone text of one claim, and whether it still needs context (an opening
    reference with nothing in the article before it to resolve it)."""
    text = _DATELINE.sub("", text, count=1)  # where the story was filed is no part of the claim
    out, dropped = _drop_attribution(text, who)
    needs = False
    m = _OPENING_PRONOUN.match(out)
    if m:
        word = m.group("p")
        form = _PRONOUN_FORMS[word.lower()]
        ref = None
        # "Trump said he would ...": Trump; "Google said it will ...": Google
        opening = dropped == "opening" and who
        if opening and form == "person" and (memory.is_person(who) or claimant_rules._is_person(who)):
            ref = _surname(who)
        elif opening and form == "org" and not memory.is_person(who) and len(who.split()) <= 6:
            ref = who
        elif opening and form == "plural" and claimant_rules._is_plural(who):
            ref = who
        elif form == "person" and not dropped:
            ref = memory.person(word, out[m.end():])
        # "It"/"Its" otherwise is left as written: a product, a plan, a place ... no guess
        if ref:
            out = (_possessive(ref) if word in ('His', 'Her', 'Its', 'Their') else f"[{ref}]") + out[m.end():]
        elif word != "It" or re.match(r"^It\s+(?:does|did|do|doesn[’']t|didn[’']t|is not|isn[’']t)\b", out):
            needs = True  # "It does not,” the order continued.": what does not?
    else:
        m = _OPENING_ORG.match(out)
        if m:
            ref = memory.topic()
            if ref and ref.lower() not in m.group("np").lower():
                out = (_possessive(ref) if m.group('poss') else f"[{ref}]") + out[m.end():]
            elif not ref:
                needs = True
        m = _OPENING_THING.match(out)
        ref = memory.topic()
        if m and ref and ref.lower() not in out.lower():
            out = _possessive(ref) + out[len("The"):]
    if re.match(r"^\W*(?:This|That|These|Those|They)\s+[a-z]", out):
        needs = True  # "This comes after ...", "They worry ...": about something said before
    for pattern, short, long in memory.acronym_uses:
        if short in out and long.lower() not in out.lower():  # the first use outside brackets, spelled out
            out = pattern.sub(f"{short} [{long}]", out, count=1)
    return out, needs

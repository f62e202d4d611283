"""Which sentences a reviewer should see: the reasons a sentence is left out of the queue.

A sentence of the article that states nothing worth checking stays in the article text
(``claims extract --dry-run --all`` shows it, with its reason) but is not stored as a claim.
``reason(sentence)`` names the kind of sentence it is, or returns None for a candidate claim;
the pipeline (``claims.splitter``) asks it after the model has scored every sentence.

The kinds follow the labelling guide fact-checkers used for ``../shared/eval/claims-gold``
("leave out: questions, headlines and subheadings, bylines, captions, promotions, links to
other stories, the article's own method, 'X did not respond to a request for comment',
'X has reached out to Y', greetings, teasers"). Each is a pattern on the sentence's form,
not on a page's words, so it carries to pages it was not tuned on.
"""

import re

# A sentence ends with a stop, a question or exclamation mark (and closing marks), or a
# closing quotation mark; a line introducing a list or a quotation ends with ':'.
_TERMINAL = re.compile(r"[.!…][\"'”’)\]]*\s*$|[\"”’]\s*$|:\s*$")
_QUESTION = re.compile(r"\?[\"'”’)\]]*\s*$")
# "X declined to comment", "did not respond to a request for comment", "has reached out to"
_NO_COMMENT = re.compile(
    r"\b(declined|refused) (to comment|comment|to say|to elaborate|to discuss)\b|"
    r"\bdid(?:n[’']t| not) (immediately )?(respond|return|reply|answer)\b|"
    r"\b(could|can) ?not (immediately )?be reached\b|\bwere not immediately available\b|"
    r"\bwas not immediately available\b|\b(has|have|had) reached out\b|\bwe reached out\b|"
    r"\brequests? for comment\b|\bno immediate (response|comment|reply)\b",
    re.IGNORECASE,
)
# Credits, notices and calls to action: who reported, who edited, how to follow or reach
# the newsroom, copyright lines, promotions.
_NOTICE = re.compile(
    r"^\W*(\(?(additional )?reporting by|\(?editing by|\(?writing by|\(?compiled by|reach the (reporters?|writers?|author)\b|"
    r"follow\b.{0,80}\b(at|on)\b|©|copyright\b|all rights reserved|get access to|subscribe\b|sign up\b|"
    r"click (here|to)\b|download\b.{0,40}\bapp\b|read more\b|watch\b.{0,30}:|listen\b.{0,30}:|"
    r"(main |top )?(image|photo|picture|graphic|video|chart|map)( credit)?\s*:|\((graphic|photo|video|chart|map|factbox)\b)",
    re.IGNORECASE,
)
_PROMOTION = re.compile(r"\bfor as little as\b|\b(free trial|promo code|discount code|limited time offer)\b", re.IGNORECASE)
# The article's own method: "To create the chart, we converted ...", "This graphic shows ..."
_METHOD = re.compile(
    r"^\W*(to (create|make|build|calculate|compile|produce) (this|the|these|our)\b.{0,80}\bwe\b|"
    r"(this|our|the following) (graphic|chart|map|table|graph|photo|video|image|infographic)\b.{0,60}\b(shows|illustrates)\b|"
    r"we (converted|calculated|analy[sz]ed|compiled|used|searched|contacted|asked)\b)",
    re.IGNORECASE,
)
# An appeal, not a statement: "Let us now focus on ...", "We implore you to ..."
_APPEAL = re.compile(r"\b(let us|let[’']s|we implore|we urge|i urge|i implore|please)\b", re.IGNORECASE)
_URL_ONLY = re.compile(r"^\W*(https?://|www\.|pic\.twitter\.com/)\S*\W*$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+")


def reason(sentence: str) -> str | None:
    """Why ``sentence`` is no claim for the review queue ("question", "no comment", ...), or
    None when it may be one."""
    s = sentence.strip()
    if not _WORD.search(s) or _URL_ONLY.match(s):
        return "link"
    if _QUESTION.search(s):
        return "question"
    if _NOTICE.match(s) or _PROMOTION.search(s):
        return "notice"
    if _NO_COMMENT.search(s) and len(_WORD.findall(s)) < 40:
        return "no comment"
    if _METHOD.match(s):
        return "method"
    if _APPEAL.search(s) and not re.search(r"\d", s):
        return "appeal"
    if not _TERMINAL.search(s):
        return "fragment"  # a headline, byline or caption line: no sentence ends here
    if s[:1].islower() or s[:1] in ",;:)]}":
        return "fragment"  # the rest of a sentence cut in two
    return None


def normalised(sentence: str) -> str:
    """The words of a sentence, for finding the same sentence twice (a pull quote)."""
    return " ".join(_WORD.findall(sentence.lower()))

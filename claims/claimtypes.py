"""Full Fact's claim types (Konstantinovskiy et al. 2021) by transparent rules:
quantity, correlation or causation, current laws or rules, prediction, personal
experience, other claim, not a claim. The checkable model decides "not a claim"; the
rules pick among the others: a penalty is a rule, a forecast a prediction (even of a
number), then quantity, correlation or causation, rules, prediction, personal experience
in the order Full Fact lists them. ../shared/eval has no type labels; scripts/eval-rules
measures these rules on hand-labelled sentences of its development pages.
"""

import re

TYPES = ["quantity", "correlation or causation", "current laws or rules", "prediction",
         "personal experience", "other claim", "not a claim"]

_CAUSE = re.compile(r"\b(because|caused?|causes|causing|due to(?! (?:be|open|launch|start|begin|take|arrive|hold|close)\b)|"
                    r"led (?:\w+ ){0,4}to|linked (?:\w+ ){0,4}to|leads? to|result(ed|s)? in|as a result|"
                    r"thanks to|linked to|responsible for|contribut(e|es|ed) to|blamed? for|increases? the risk|"
                    r"trigger(s|ed|ing)?|(made|makes|make) the difference|(occurs|happens) when)\b", re.I)
# Numbers that name rather than count: docket and section numbers, years, dates, times.
_IDENTIFIER = re.compile(
    r"\b(?:dkt|no|nos|sec|case|rule|article|art|title|chapter|ch|vol|p|pp|exhibit|ex|docket)\.?\s*#?\d[\d\-–.]*"
    r"|§+\s*\d[\w.\-–]*|\b(?:19|20)\d\d\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b\d+\s+U\.?\s?S\.?\s?C\.?",
    re.I,
)
# A number that counts stands alone ("$4m", "3.5%", "590 km"), unlike the digits of a name
# ("my6sense", "IL-25", "4K", "F-35") or a score ("2-1"); "most" counts before "of", a name or
# a plural ("most voters"), not as a superlative ("the most popular", "most at risk").
_QUANTITY = re.compile(r"(?<![\w-])\d[\d,.]*(?:\s*%|(?:m|bn|k|tn)\b|(?![\w-]))"
                       r"|\b(percent|per cent|millions?|billions?|trillions?|thousands?|hundreds?|half|twice|double[sd]?|"
                       r"tripled?|majority|fewer|more than|less than|average|rate|record (?:highs?|lows?|levels?|number))\b"
                       r"|(?<!\bthe )\bmost (?:of\b|(?-i:[A-Z])|\w+s\b)", re.I)  # "most voters", not "most likely"
_RULE = re.compile(r"\b(law|laws|legal|illegal|legali[sz]ed|rule[sd]?|ruling|court|judge|statute|(?-i:Code)|"
                   r"(?:tax|penal|criminal|civil|building|zoning|labou?r) code|regulation|"
                   r"memorandum|order(?! to)|injunction|prohibit(s|ed)?|requires?|"
                   r"ban(s|ned)?|authori[sz]e[sd]?|mandat(e|es|ory)|eligible|entitled|lawsuit|constitution(al)?)\b"
                   r"|§|\bU\.S\.C\b|\b[A-Z]\w* Act\b", re.I)
# "allows" / "permits" say what a rule lets happen only next to a word for a rule or an
# agreement ("The deal allows DHS to ask ..."), not in "abandoning likes allowed Mosseri to"
_ALLOWS = re.compile(r"\b(allow(s|ed)?|permit(s|ted)?)\b", re.I)
_AGREEMENT = re.compile(r"\b(deal|agreement|treaty|policy|policies|bill|contract|licen[cs]e|permit|"
                        r"guidelines?|terms|charter|rules?|laws?|memorandum|order|act)\b", re.I)
_PENALTY = re.compile(r"\bfaces? (?:a maximum of|a minimum of|up to)\b|\b(?:maximum|minimum) (?:sentence|penalty|fine)\b|"
                      r"\b(?:years?|months?) in (?:prison|jail)\b", re.I)
# "may"/"might" and "expects" forecast only where no rule speaks ("the IRS may share data" under a statute)
_WEAK_PREDICT = re.compile(r"\b(expects?|(?:may|might) (?!have\b|not\b|be (?:\w+ed|used)\b)[a-z]+|"
                           r"would be (?:able|cut|released|launched|ready|available)\b)\b", re.I)
# trends and rankings count without a number: "prices are climbing", "one of the first two"
_TREND = re.compile(r"\b(?:rose|fell|climb(?:ed|ing|s)?|slipp(?:ed|ing)|slid|jump(?:ed|s)?|surg(?:ed|es|ing)|"
                    r"plung(?:ed|es|ing)|soar(?:ed|s|ing)|tumbl(?:ed|es|ing)|little changed|one of the (?:first|last|"
                    r"largest|biggest|few)|almost all|nearly all|highest|lowest|largest|biggest)\b", re.I)
_PREDICT = re.compile(r"\b(will|going to|expected to|set to|scheduled (?:to|for)|slated (?:to|for)|due to (?:be|open|launch|start)|forecasts?|"
                      r"predict(s|ed)?|projected|next (year|month|week)|by 20\d\d|would (cost|create|raise|cut|lead))\b"
                      r"|[’']ll\b", re.I)
_PERSONAL = re.compile(r"^\W*(I|my)\b|\b(I|we) (was|were|have|had|saw|met|grew up|lived|worked|found|tested)\b"
                       r"|\b(I|we)[’'](ve|m|re)\b|\bin (my|our) (use|experience|testing|tests)\b", re.I)


# A fact-check's own verdict: "We rate the statement Mostly True.", "We rated it Pants on Fire."
VERDICT = re.compile(r"\b(?:we|i)\s+(?:rate|rated|give|gave|find|found)\b.{0,80}\b(?:true|false|pants on fire|"
                     r"misleading|four pinocchios|three pinocchios|two pinocchios|one pinocchio|half[- ]true|"
                     r"mostly (?:true|false)|unproven|mixture|correct|incorrect)\b|^\W*our (?:ruling|rating|verdict)\b",
                     re.IGNORECASE)


_AGE = re.compile(r"(?<=[A-Za-z.]), \d{1,3},")  # "Patrick W. Carlineo Jr., 55, of Addison": an age, not a count


def claim_type(text: str, checkable: bool) -> str:
    if not checkable:
        return "not a claim"
    if VERDICT.search(text):
        return "other claim"  # a verdict rates a claim; it counts nothing
    if _PENALTY.search(text):
        return "current laws or rules"
    if _PREDICT.search(text) and not _CAUSE.search(text):
        return "prediction"  # a forecast, even of a number
    if _QUANTITY.search(_IDENTIFIER.sub(" ", _AGE.sub(" ", text))):
        return "quantity"
    if _CAUSE.search(text):
        return "correlation or causation"
    if _TREND.search(text):
        return "quantity"  # a trend or a ranking: "prices are climbing", "one of the first two"
    if _RULE.search(text) or (_ALLOWS.search(text) and _AGREEMENT.search(text)):
        return "current laws or rules"
    if _PREDICT.search(text) or _WEAK_PREDICT.search(text):
        return "prediction"
    if _PERSONAL.search(text):
        return "personal experience"
    return "other claim"

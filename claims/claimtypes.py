"""Full Fact's claim types (Konstantinovskiy et al. 2021) by transparent rules:
quantity, correlation or causation, current laws or rules, prediction, personal
experience, other claim, not a claim. There is no labelled data for the types in
../shared/eval, so these rules are not measured; the checkable model decides
"not a claim", the rules pick among the others in the order Full Fact lists them.
"""

import re

TYPES = ["quantity", "correlation or causation", "current laws or rules", "prediction",
         "personal experience", "other claim", "not a claim"]

_CAUSE = re.compile(r"\b(because|caused?|causes|causing|due to|led to|leads? to|result(ed|s)? in|as a result|"
                    r"thanks to|linked to|responsible for|contribut(e|es|ed) to|blamed? for|increases? the risk)\b", re.I)
# Numbers that name rather than count: docket and section numbers, years, dates, times.
_IDENTIFIER = re.compile(
    r"\b(?:dkt|no|nos|sec|case|rule|article|art|title|chapter|ch|vol|p|pp|exhibit|ex|docket)\.?\s*#?\d[\d\-–.]*"
    r"|§+\s*\d[\w.\-–]*|\b(?:19|20)\d\d\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b\d+\s+U\.?\s?S\.?\s?C\.?",
    re.I,
)
_QUANTITY = re.compile(r"\d|\b(percent|per cent|million|billion|trillion|thousands?|hundreds?|half|twice|double[sd]?|"
                       r"tripled?|majority|most|fewer|more than|less than|average|rate|record)\b", re.I)
_RULE = re.compile(r"\b(law|laws|legal|illegal|rule[sd]?|ruling|court|judge|statute|code|act|regulation|"
                   r"memorandum|order|injunction|allow(s|ed)?|permit(s|ted)?|prohibit(s|ed)?|requires?|"
                   r"ban(s|ned)?|authori[sz]e[sd]?|mandat(e|es|ory)|eligible|entitled|lawsuit|constitution(al)?)\b|§|\bU\.S\.C\b", re.I)
_PREDICT = re.compile(r"\b(will|going to|expected to|forecasts?|predict(s|ed)?|projected|next (year|month|week)|by 20\d\d|"
                      r"would (cost|create|raise|cut|lead))\b", re.I)
_PERSONAL = re.compile(r"^\W*(I|we|my|our)\b|\b(I|we) (was|were|have|had|saw|met|grew up|lived|worked)\b", re.I)


def claim_type(text: str, checkable: bool) -> str:
    if not checkable:
        return "not a claim"
    if _QUANTITY.search(_IDENTIFIER.sub(" ", text)):
        return "quantity"
    if _CAUSE.search(text):
        return "correlation or causation"
    if _RULE.search(text):
        return "current laws or rules"
    if _PREDICT.search(text):
        return "prediction"
    if _PERSONAL.search(text):
        return "personal experience"
    return "other claim"

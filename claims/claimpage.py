"""One claim with everything a reviewer reads about it: as a dict (``claims show --json``)
or as a page of text for the terminal (``claims show``)."""

import json
import textwrap
from typing import Optional

from sqlite_utils import Database

from . import matching, registry

ARTICLE_KEYS = ("id", "title", "url", "outlet", "published")


def details(db: Database, claim_id) -> dict:
    """The claim's row, its article, the article text around it, its sources, its history,
    its suggested links and where else it was seen (``appearances``, when recorded)."""
    claim = registry.get_claim(db, claim_id)
    out = dict(claim)
    if claim["article_id"] is not None:
        article = registry.get_article(db, claim["article_id"])
        out["article"] = {k: article[k] for k in ARTICLE_KEYS}
    out["context"] = registry.context(db, claim)
    out["sources"] = registry.sources_for(db, claim["id"])
    out["history"] = registry.history(db, claim["id"])
    out["links"] = matching.links_for(db, claim["id"])
    from . import repeats

    first = repeats.first_of(db, claim["id"])
    out["repeat_of"] = first if first != claim["id"] else None
    out["appearances"] = repeats.appearances(db, claim["id"]) if out["repeat_of"] is None else []
    out["seen"] = max(1, len(out["appearances"]))
    return out


def _wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    lines = []
    for para in (text or "").split("\n"):
        lines += textwrap.wrap(para, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]
    return lines


def _field(label: str, value: str, width: int) -> list[str]:
    """``label`` then ``value`` wrapped under itself (a URL, which cannot wrap, stays whole)."""
    pad = " " * 13
    return textwrap.wrap(value, width=width, initial_indent=f"{label:<13}", subsequent_indent=pad,
                         break_long_words=False, break_on_hyphens=False) or [label]


def _short(value, limit: int = 80) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def render(d: dict, width: int = 88) -> str:
    """``details`` as a page of text: the claim, its article context with the claim's
    sentence marked »like this«, sources, history, links."""
    width = max(40, width)
    score = d.get("checkworthiness")
    head = [f"Claim {d['id']}", f"[{d['status']}]", f"version {d['version']}"]
    if score is not None:
        head.append(f"check-worthiness {score:.2f}")
    if d.get("claim_type"):
        head.append(d["claim_type"])
    out = textwrap.wrap("  ".join(head), width=width, subsequent_indent="  ", break_on_hyphens=False) + [""]
    out += _wrap(d["text"], width)
    out.append("")
    out += _field("Claimant:", d.get("claimant") or "(none: the article itself)", width)
    if d.get("assignee"):
        out += _field("Assigned to:", d["assignee"], width)
    article = d.get("article")
    if article:
        where = ", ".join(x for x in (article.get("outlet"), article.get("published")) if x)
        out += _field(f"Article {article['id']}:", (article.get("title") or "(untitled)") + (f" ({where})" if where else ""),
                      width)
        if article.get("url"):
            out.append(" " * 13 + article["url"])
    else:
        out += _field("Article:", "(added by hand)", width)
    if d.get("sentence") and d["sentence"] != d["text"]:
        out.append("Extracted from:")
        out += _wrap(d["sentence"], width, "  ")
    context = d.get("context")
    if context:
        out += ["", "In the article:"]
        marked = "…" + context["before"].lstrip() + "»" + context["span"] + "«" + context["after"].rstrip() + "…"
        out += _wrap(" ".join(marked.split()), width)
    out += ["", f"Sources ({len(d['sources'])}):"]
    for s in d["sources"]:
        out.append(f"  {s['id']}. {s['url']}")
        out += _wrap(f"{s['kind']}, {s['stance']}" + (f": {s['title']}" if s.get("title") else ""), width, "     ")
    if not d["sources"]:
        out.append("  none yet: claims source ID URL")
    if d.get("repeat_of"):
        out += ["", f"Grouped as a repeat of claim {d['repeat_of']}: reviewers work on that one "
                    f"(claims ungroup {d['id']} to undo)."]
    appearances = d.get("appearances")
    if appearances and len(appearances) > 1:
        out += ["", f"Seen {len(appearances)} times:"]
        for a in appearances:
            where = a.get("article_title") or a.get("article_url") or "added by hand"
            out += _wrap(f"claim {a['claim_id']}, {(a.get('published') or a.get('seen_at') or '')[:10]}, "
                         f"{a.get('claimant') or 'the article itself'}: {where}", width)
    out += ["", "History:"]
    for e in d["history"]:
        change = ""
        if e.get("old_value") is not None or e.get("new_value") is not None:
            change = f"{_short(e['old_value'], 40) if e.get('old_value') is not None else '-'} -> " \
                     f"{_short(e['new_value'], 40) if e.get('new_value') is not None else '-'}"
        line = f"{e['at'][:16].replace('T', ' ')}  {e.get('actor') or '?'}  {e['action']}  {change}".rstrip()
        out += textwrap.wrap(line, width=width, initial_indent="  ", subsequent_indent="      ",
                             break_long_words=False, break_on_hyphens=False)
        if e.get("note"):
            out += _wrap(f"note: {e['note']}", width, "      ")
    links = d.get("links") or []
    if links:
        out += ["", "Suggested earlier checks:"]
        for link in links:
            match = link.get("match") or {}
            verdict = match.get("rating") or match.get("status") or ""
            out += _wrap(f"link {link['id']} [{link['state']}] {link['match_kind']} {link['match_id']} "
                         f"{verdict}  {_short(match.get('text') or '', 60)}", width)
    return "\n".join(out)


def as_json(d: dict) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)


def terminal_width(default: Optional[int] = None) -> int:
    import shutil

    return min(100, default or shutil.get_terminal_size((88, 24)).columns)

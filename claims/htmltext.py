"""The main text of an HTML page: trafilatura, with readability-lxml for the prose it misses.

trafilatura (favor-precision mode) gives the cleanest text, but on pages that cut the
article into several containers (advertising between the parts) it keeps only the first
part. readability-lxml scores the page differently and usually keeps the whole article,
with more furniture. So trafilatura's text is the base, and a readability paragraph is
added only when trafilatura lacks it, it reads as prose (at least ``MIN_PROSE_WORDS`` words
ending in sentence punctuation), it is not a caption, credit, byline or promotion, and it
comes after a paragraph both tools kept (it is then placed right after that paragraph).

The text keeps the page's block structure for ``claims.splitter.clean``: paragraphs are
separated by a blank line, while the lines of one paragraph broken by ``<br>`` (a tour
schedule, an address) and the items of one list are separated by a single newline.
"""

import copy
import re

MIN_PROSE_WORDS = 8
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*\s*$|[\"”]\s*$")
_LB = "⟦lb⟧"  # stands for a <br> while trafilatura turns its tree into text
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "–": "-", "—": "-"})
# readability containers that hold no article prose
_SKIP_TAGS = {"figure", "figcaption", "aside", "form", "nav", "footer", "button", "noscript"}
_SKIP_ATTR = re.compile(
    r"caption|credit|byline|author|newsletter|sign-?up|promo|related|share|social|subscribe|comment|sidebar|widget",
    re.I,
)
# hidden inline furniture inside the prose: hover cards ("Ilhan OmarIlhan OmarHillicon
# Valley: ... MORE" on thehill.com), tooltips, screen-reader-only labels, hidden elements
_HIDDEN_CLASS = re.compile(r"rollover[\w-]*block|hover-?card|tooltip|popover|sr-only|visually-hidden|screen-reader",
                           re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_ATTRIBUTE = re.compile(r"<[^>]*\shidden[\s>=/]", re.I)
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th", "tr",
               "div", "section", "article", "ul", "ol", "table", "br", "header"}


def main_text(html: str) -> tuple[str, dict]:
    """``(text, meta)`` of an HTML page: the article text (blocks separated by blank lines)
    and the title, url, author, published date and site name found in the page. When
    trafilatura finds no text at all (a page laid out in a table, say), readability's
    paragraphs are the text, if one of them reads as prose."""
    import trafilatura

    html = without_hidden(html)
    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True, favor_precision=True
    )
    text = (doc.text if doc is not None else "") or ""
    if not text.strip():
        paragraphs = readability_paragraphs(html)
        if not any(is_prose(p) for p in paragraphs):
            return "", {}  # menus and buttons only: no article
        try:
            doc = trafilatura.extract_metadata(html)
        except Exception:  # metadata is a bonus: the text stands without it
            doc = None
        return "\n\n".join(paragraphs), _meta(doc)
    blocks = _blocks_of(getattr(doc, "body", None), text)
    blocks = add_missing_prose(blocks, readability_paragraphs(html))
    return "\n\n".join("\n".join(lines) for lines in blocks), _meta(doc)


#: Elements whose content is never visible text: scripts, styles, inert templates, the
#: fallback of scripts, embedded documents and drawings. Dropped whole, in HTML and Markdown.
INVISIBLE_TAGS = ("template", "noscript", "iframe", "object", "embed", "svg", "math", "script", "style", "canvas")
_INVISIBLE_OPEN = re.compile(r"<(%s)\b[^<>]{0,2000}>" % "|".join(INVISIBLE_TAGS), re.I)
_INVISIBLE_CLOSE = {tag: re.compile(r"</%s\s*>" % tag, re.I) for tag in INVISIBLE_TAGS}
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def drop_invisible(text: str) -> str:
    """``text`` (HTML, or Markdown with raw HTML in it) without the ``INVISIBLE_TAGS``
    elements and what they hold. An element left open ends at its paragraph (a blank line) in
    Markdown terms. Linear time: each closing tag is searched for at most once per tag name."""
    if not _INVISIBLE_OPEN.search(text):
        return text
    out, pos = [], 0
    unclosed_after: dict[str, int] = {}  # tag -> a position after which it is never closed
    while True:
        m = _INVISIBLE_OPEN.search(text, pos)
        if not m:
            break
        out.append(text[pos:m.start()])
        tag = m.group(1).lower()
        end = None
        if m.end() < unclosed_after.get(tag, len(text) + 1):
            close = _INVISIBLE_CLOSE[tag].search(text, m.end())
            if close:
                end = close.end()
            else:
                unclosed_after[tag] = m.end()
        if end is None:
            blank = _PARAGRAPH_END.search(text, m.end())
            end = blank.start() if blank else len(text)
        out.append(" ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def without_hidden(html: str) -> str:
    """The page without the elements a reader never sees in the text: ``INVISIBLE_TAGS``,
    ``_HIDDEN_CLASS``, and short elements hidden by an inline ``display: none`` or the
    ``hidden`` attribute. The page as it was when it has none or does not parse."""
    has_invisible = bool(_INVISIBLE_OPEN.search(html))
    if not (has_invisible or _HIDDEN_CLASS.search(html) or _HIDDEN_STYLE.search(html)
            or _HIDDEN_ATTRIBUTE.search(html)):
        return html  # nothing to drop: no second parse
    try:
        import lxml.html

        tree = lxml.html.document_fromstring(html)
    except Exception:  # trafilatura copes with what lxml refuses
        return drop_invisible(html) if has_invisible else html
    dropped = False
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("html", "body", "head"):
            continue
        if el.tag.lower().rpartition("}")[2] in INVISIBLE_TAGS:
            el.drop_tree()  # keeps the tail: the prose after the element
            dropped = True
            continue
        hidden = _HIDDEN_STYLE.search(el.get("style") or "") or el.get("hidden") is not None
        # a long hidden block may be the rest of the article behind "Read more": it stays
        if _HIDDEN_CLASS.search(el.get("class") or "") or (hidden and len(el.text_content()) < 300):
            el.drop_tree()  # keeps the tail: the prose after the element
            dropped = True
    return lxml.html.tostring(tree, encoding="unicode") if dropped else html


def _meta(doc) -> dict:
    if doc is None:
        return {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    meta = {
        "title": data.get("title"),
        "url": data.get("url"),
        "author": data.get("author"),
        "published": data.get("date"),
        "outlet": data.get("sitename"),
    }
    return {k: v for k, v in meta.items() if v}


def _blocks_of(body, text: str) -> list[list[str]]:
    """trafilatura's text as blocks of lines: a paragraph broken by <br> or a list is one block."""
    if body is None:
        return [[line] for line in text.split("\n") if line.strip()]
    from trafilatura.xml import xmltotxt

    marked = copy.deepcopy(body)
    for lb in list(marked.iter("lb")):
        lb.tag, lb.text = "hi", _LB  # survives the conversion as text, a line break after it
    converted = re.sub(re.escape(_LB) + r"[^\S\n]*\n?", _LB, xmltotxt(marked, False) or "")
    blocks: list[list[str]] = []
    joined = False  # the previous line ended in a <br>: this one belongs to its block
    in_list = False
    for raw in converted.split("\n"):
        parts = [part.strip() for part in raw.split(_LB)]
        lines = [part for part in parts if part]
        if not lines:
            joined = joined or len(parts) > 1
            continue
        item = lines[0].startswith("- ")
        if blocks and (joined or (item and in_list)):
            blocks[-1].extend(lines)
        else:
            blocks.append(lines)
        joined, in_list = not parts[-1], item
    if norm("".join("".join(b) for b in blocks)) != norm(text):
        return [[line] for line in text.split("\n") if line.strip()]  # the marking changed the text
    return blocks


def readability_paragraphs(html: str) -> list[str]:
    """The paragraphs readability-lxml finds in the page's main container, without figures,
    captions, credits, bylines, asides and promotions."""
    try:
        import lxml.html
        from readability import Document

        summary = Document(html).summary(html_partial=True)
        tree = lxml.html.fromstring(summary)
    except Exception:  # readability gives up on some pages (empty, no body): no extra text
        return []
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag in _SKIP_TAGS or _SKIP_ATTR.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            el.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    lines = (re.sub(r"\s+", " ", line).strip() for line in tree.text_content().split("\n"))
    return [line for line in lines if line]


def is_prose(line: str) -> bool:
    return len(line.split()) >= MIN_PROSE_WORDS and bool(_TERMINAL.search(line))


def norm(text: str) -> str:
    """Text for comparing two extractions: no spacing, one quote style, lower case."""
    return re.sub(r"\s+", "", text.translate(_QUOTES)).lower()


def add_missing_prose(blocks: list[list[str]], extra: list[str]) -> list[list[str]]:
    """Insert the paragraphs of ``extra`` (another extractor's, in page order) that ``blocks``
    lack, when they read as prose and follow a paragraph both have; each goes right after
    the block holding the last paragraph both have."""
    keyed = [norm(" ".join(lines)) for lines in blocks]
    exact: dict[str, list[int]] = {}
    for k, key in enumerate(keyed):
        exact.setdefault(key, []).append(k)
    whole = "".join(keyed)
    inserts: dict[int, list[str]] = {}
    seen = set()
    at = None  # index of the block holding the last shared paragraph
    for para in extra:
        key = norm(para)
        if not key:
            continue
        if key in exact:  # the common case, without searching the whole text
            at = next((k for k in exact[key] if k >= (at or 0)), at)  # never back up
            continue
        if key in whole:
            for k in range(at or 0, len(keyed)):
                if key in keyed[k]:
                    at = k
                    break
            continue
        if at is None or key in seen or not is_prose(para):
            continue
        seen.add(key)
        inserts.setdefault(at, []).append(para)
    if not inserts:
        return blocks
    out = []
    for k, lines in enumerate(blocks):
        out.append(lines)
        out.extend([para] for para in inserts.get(k, []))
    return out

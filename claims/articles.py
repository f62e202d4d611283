"""Reading an article from a file or stdin: size limit, encoding, HTML main text."""

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .parsing import check_encoding, printable
from .registry import RegistryError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes_limit() -> int:
    """The input size limit: ``CLAIMS_MAX_BYTES`` (a number of bytes) if set, else 20 MB."""
    raw = os.environ.get("CLAIMS_MAX_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        limit = int(raw.replace("_", ""))
    except ValueError:
        limit = -1
    if limit < 0:
        raise RegistryError(f"CLAIMS_MAX_BYTES must be a whole number of bytes, not {raw!r}")
    return limit
_HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<article|<div|<p[\s>])", re.I)


@dataclass
class RawArticle:
    name: str
    text: str
    meta: dict = field(default_factory=dict)  # title, url, author, published found in HTML


def read_bytes(path: str, max_bytes: int | None = None) -> bytes:
    if max_bytes is None:
        max_bytes = max_bytes_limit()
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        p = Path(path)
        if not p.exists():
            if re.match(r"https?://", path):
                raise RegistryError(f"{path}: claims reads files, it does not fetch pages; save the page "
                                    f"and run: claims extract page.html --url {path}")
            raise RegistryError(f"{path}: no such file")
        if p.is_dir():
            raise RegistryError(f"{path}: is a directory, not an article")
        if p.stat().st_size > max_bytes:
            raise RegistryError(
                f"{path}: {p.stat().st_size:,} bytes is over the {max_bytes:,}-byte limit "
                "(set CLAIMS_MAX_BYTES to raise it)"
            )
        data = p.read_bytes()
    if len(data) > max_bytes:
        raise RegistryError(f"{path}: over the {max_bytes:,}-byte limit (set CLAIMS_MAX_BYTES to raise it)")
    return data


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    if b"\x00" in data and not encoding:
        at = data.index(b"\x00")
        where = "" if at < 8192 else f" (a NUL byte at {at:,})"
        raise RegistryError(f"{name}: looks like a binary file, not text{where}")
    if encoding:
        encoding = check_encoding(encoding)
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as e:
        raise RegistryError(
            f"{name}: not valid {encoding or 'UTF-8'} (byte {e.start}); pass --encoding, e.g. --encoding latin-1"
        ) from None
    except (UnicodeError, ValueError, LookupError, IndexError, TypeError) as e:
        raise RegistryError(f"{name}: cannot be decoded as {encoding}: {printable(str(e))}") from None
    text = text.replace("\x00", "")
    return text


def is_html(name: str, data: bytes) -> bool:
    return name.lower().endswith((".html", ".htm")) or bool(_HTML.match(data[:1024]))


def html_to_text(html: str) -> tuple[str, dict]:
    """Main text and metadata of an HTML page (trafilatura, completed by readability-lxml:
    see ``claims.htmltext``)."""
    from .htmltext import main_text

    return main_text(html)


def read_article(path: str, encoding: str | None = None, max_bytes: int | None = None) -> RawArticle:
    """Read ``path`` (or ``-`` for stdin) as an article: plain text, Markdown or HTML."""
    name = "<stdin>" if path == "-" else path
    data = read_bytes(path, max_bytes)
    text = decode(data, name, encoding)
    meta = {}
    if is_html(name, data):
        text, meta = html_to_text(text)
    else:
        if name.lower().endswith((".md", ".markdown")):
            text = strip_markdown(text)
        meta = byline(text)
    if not text.strip():
        raise RegistryError(f"{name}: the article is empty")
    return RawArticle(name=name, text=cut_long_lines(text), meta=checked_meta(meta))


def checked_meta(meta: dict) -> dict:
    """What a page says about itself, kept only when it passes the checks an option's value
    passes: an http(s) URL, a real ``YYYY-MM-DD`` date, text without control characters."""
    from .parsing import has_control, parse_date, validate_url

    out = {}
    for key, value in meta.items():
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            if key == "url":
                value = validate_url(value)
            elif key == "published":
                value = parse_date(value[:10] if len(value) > 10 and value[10] in "T " else value)
        except RegistryError:
            continue
        if has_control(value):
            value = " ".join(value.split())
            if has_control(value):
                continue
        out[key] = value
    return out


#: The longest line the sentence splitter is given. Its time grows with the square of a
#: line's length (pySBD and the repairs after it), so a longer line is cut first, at the
#: best break near the end of each window: a sentence end, then a clause end, then a space.
MAX_LINE = 3000
_CUTS = [
    re.compile(r"(?<=[a-z]{2}[.!?])[\"'”’)\]]*\s+(?=[\"“‘(]?[A-Z])"),  # "... rose. The ..."
    re.compile(r"(?<=[.!?;:])[\"'”’)\]]*\s+"),
    re.compile(r"(?<=[,)\]])\s+"),
    re.compile(r"\s+"),
]


def cut_long_lines(text: str, limit: int = MAX_LINE) -> str:
    """``text`` with every line longer than ``limit`` cut into lines of at most ``limit``
    characters (a newline in place of the whitespace at each cut; without whitespace, a
    hard cut). Linear time: each window is searched once. Shorter lines are left as they are."""
    if len(text) <= limit or all(len(line) <= limit for line in text.split("\n")):
        return text
    out = []
    for line in text.split("\n"):
        start = 0
        while len(line) - start > limit:
            window = line[start + limit // 2:start + limit]
            base = start + limit // 2
            for cut in _CUTS:
                found = None
                for found in cut.finditer(window):
                    pass
                if found is not None:
                    out.append(line[start:base + found.start()])
                    start = base + found.end()
                    break
            else:
                out.append(line[start:start + limit])
                start += limit
        out.append(line[start:])
    return "\n".join(out)


_BYLINE = re.compile(r"^\W*(?i:by)\s+(?P<author>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|der)){0,7})"
                     r"(?:\s*(?:,|\||·|—|–|-|(?i:on))\s*(?P<date>[^|]{6,40}?))?\W*$")
_DATE_LINE = re.compile(r"^\W*(?:(?i:published|updated|posted)\s*:?\s*)?(?P<date>[^|]{6,40}?)\W*$")
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
             "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
             "december", "now", "then", "noon", "midnight", "tomorrow", "today", "tonight"}
_DATE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b. %d, %Y", "%b %d %Y",
                 "%Y-%m-%d", "%A, %B %d, %Y", "%A %d %B %Y", "%A, %d %B %Y")


def _date(text: str) -> str | None:
    """``text`` as YYYY-MM-DD when it is a date alone ("3 March 2024", "March 3, 2024")."""
    from datetime import datetime

    cleaned = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", " ".join(text.split()))
    cleaned = re.sub(r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)$", "", cleaned,
                     flags=re.I)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def byline(text: str, lines: int = 8) -> dict:
    """The author and date a plain-text or Markdown article states at its top ("By Jo
    Reporter, 3 March 2024", "Published: March 3, 2024"), for the fields the user left empty."""
    meta: dict = {}
    for line in [ln for ln in text[:8000].splitlines() if ln.strip()][:lines]:
        line = line.strip()
        if len(line) > 120:
            continue
        m = _BYLINE.match(line)
        when = m and m.group("date") and _date(m.group("date"))
        if m and "author" not in meta and (when or not m.group("date")) \
                and m.group("author").split()[0].lower() not in _CALENDAR:  # "By Monday, ..." is no byline
            meta["author"] = m.group("author").strip()
            if when:
                meta.setdefault("published", when)
            continue
        m = _DATE_LINE.match(line)
        when = m and _date(m.group("date"))
        if when:
            meta.setdefault("published", when)
    return meta


def strip_markdown(text: str) -> str:
    """Markdown to plain prose: headings become title lines, links keep their words; raw HTML
    elements that show nothing (script, style, template, iframe...) go with their content."""
    from .htmltext import drop_invisible

    text = drop_invisible(text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"^\s{0,3}(>|[-*+]\s|\d+\.\s)\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|`)", "", text)
    return re.sub(r"(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])", r"\1", text)  # *emphasis*

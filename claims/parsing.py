"""The one parser for every id, limit, date and URL a user gives, and bounded JSON.

Every command takes its ids and limits through ``ID``/``LIMIT`` (ASCII digits only, 1 up to
SQLite's largest integer), its dates through ``parse_date`` (``YYYY-MM-DD``, a real calendar
date), and every path that stores a URL checks it with ``validate_url`` (http or https, a
host, a valid port, no whitespace or control characters). No third-party imports but Click.
"""

import datetime
import json
import re
import unicodedata
from typing import Optional
from urllib.parse import urlsplit

import click

from .errors import RegistryError

#: SQLite's largest integer (a 64-bit signed INTEGER PRIMARY KEY).
MAX_INTEGER = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: JSON read from users' files: at most this deep, integers at most this many digits.
MAX_JSON_DEPTH = 64
MAX_JSON_INT_DIGITS = 20


def parse_positive(value, what: str, *, minimum: int = 1) -> int:
    """``value`` (text of ASCII digits, or an int) as an int from ``minimum`` to
    ``MAX_INTEGER``, or one RegistryError naming ``what``. ``1_0``, ``٣``, ``３``, ``-1``,
    ``+1`` and ``1.0`` are refused: only what SQLite would store as that number is taken."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value) and len(value) <= 19:
        number = int(value)
    else:
        number = None
    if number is None or not minimum <= number <= MAX_INTEGER:
        raise RegistryError(f"{what} must be a number from {minimum} to {MAX_INTEGER} (ASCII digits), "
                            f"not {safe_repr(value)}")
    return number


def parse_id(value, what: str) -> int:
    """A row id typed by a user: ``what`` is "claim", "article"..."""
    return parse_positive(value, f"{what} id")


class Positive(click.ParamType):
    """A Click type for ids, limits and offsets: a bad value is one ``Error:`` line, exit 1."""

    name = "integer"

    def __init__(self, what: Optional[str] = None, minimum: int = 1):
        self.what = what
        self.minimum = minimum

    def convert(self, value, param, ctx):
        what = self.what or (param.opts[0] if param is not None and param.opts else "the value")
        try:
            return parse_positive(value, what, minimum=self.minimum)
        except RegistryError as e:
            raise click.ClickException(str(e)) from None


def ID(what: str) -> Positive:
    return Positive(f"{what} id")


LIMIT = Positive()
OFFSET = Positive(minimum=0)


def parse_date(value, what: str = "the date") -> Optional[str]:
    """``YYYY-MM-DD`` of a real calendar date (``2024-02-30`` and ``yesterday`` are refused);
    ``None`` for ``None``, empty for empty (which clears a field where that means something)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return ""
    if _DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise RegistryError(f"{what} must be an ISO 8601 date (YYYY-MM-DD), not {safe_repr(value)}")


class Date(click.ParamType):
    name = "date"

    def convert(self, value, param, ctx):
        what = param.opts[0] if param is not None and param.opts else "the date"
        try:
            return parse_date(value, what)
        except RegistryError as e:
            raise click.ClickException(str(e)) from None


DATE = Date()


def parse_since(since: Optional[str]) -> Optional[str]:
    """``--since`` (a date, or an ISO 8601 time) as UTC text comparable with ``created_at``."""
    if since is None or not since.strip():
        return None
    since = since.strip()
    if len(since) == 10:
        return parse_date(since, "--since")
    try:
        if not since.isascii() or not since[:4].isdigit():
            raise ValueError
        moment = datetime.datetime.fromisoformat(since)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")
    except (ValueError, OverflowError):
        raise RegistryError(f"--since must be a date (YYYY-MM-DD) or an ISO 8601 time, not {safe_repr(since)}")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control or format character (newline, escape, bidi...)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def validate_url(url) -> str:
    """An http(s) URL with a host and a valid port, without whitespace or control characters."""
    url = (url or "").strip() if isinstance(url, str) else ""
    ok = bool(url) and not has_control(url) and not any(ch.isspace() for ch in url) and "\\" not in url
    if ok:
        try:
            parts = urlsplit(url)
            port = parts.netloc.rpartition("@")[2].rpartition("]")[2]
            port = port.partition(":")[2] if ":" in port else None
            ok = (parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
                  and (port is None or port == "" or (_DIGITS.fullmatch(port) is not None
                                                      and 1 <= int(port) <= 65535)))
            if ok:
                parts.port  # raises ValueError on what urlsplit itself cannot read
        except ValueError:
            ok = False
    if not ok:
        raise RegistryError(f"not a valid http(s) URL: {safe_repr(url)}")
    return url


def safe_repr(value) -> str:
    """``repr`` of a user's value for an error message, cut short: one line, no escapes."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_JSON_INT_DIGITS:
        raise ValueError(f"an integer of {len(digits)} digits (at most {MAX_JSON_INT_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"a number too large: {text[:20]}")
    return value


def loads_json(text: str, name: str):
    """``json.loads`` for a user's file: at most ``MAX_JSON_DEPTH`` deep, integers of at most
    ``MAX_JSON_INT_DIGITS`` digits, no NaN/Infinity. ``json.JSONDecodeError`` for bad syntax
    (as ``json.loads``), a RegistryError for the bounds."""
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_no_constant)
    except RecursionError:
        raise RegistryError(f"{name}: the JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)") from None
    except json.JSONDecodeError:
        raise
    except ValueError as e:
        raise RegistryError(f"{name}: {e}") from None
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise RegistryError(f"{name}: the JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return data


def _no_constant(text: str):
    raise ValueError(f"{text} is not a JSON number")


def check_encoding(name: str) -> str:
    """A text encoding's canonical name, or one error: unknown names and codecs that are no
    text encodings (``undefined``, ``rot13``, ``hex``...) are refused before any use."""
    import codecs

    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        raise RegistryError(f"unknown encoding {safe_repr(name)}") from None
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise RegistryError(f"{safe_repr(name)} is not a text encoding")
    return info.name


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(value):
    """Text from the registry made safe for a terminal: control and format characters
    (ESC sequences, bidi overrides, BEL, newlines...) shown as escapes, never run.
    Anything that is not a string is returned as it is."""
    if not isinstance(value, str) or value.isprintable():
        return value
    return "".join(ch if ch.isprintable() or ch == " " else _ESCAPES.get(ch, f"\\u{ord(ch):04x}" if ord(ch) > 0xff
                                                                           else f"\\x{ord(ch):02x}")
                   for ch in value)


def json_text(value, **kwargs) -> str:
    """``json.dumps(value, ensure_ascii=False, **kwargs)`` safe for a terminal: the characters
    JSON leaves raw that a terminal may act on (C1 controls such as CSI, DEL, bidi overrides,
    line separators) are written as ``\\uXXXX`` escapes, which read back the same."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch in "\n ":
            out.append(ch)
        elif ord(ch) > 0xFFFF:
            high, low = divmod(ord(ch) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def printable_text(text: str) -> str:
    """``printable`` line by line: a page of several lines keeps its line breaks, and
    nothing else a terminal would act on."""
    return "\n".join(printable(line) for line in text.split("\n"))

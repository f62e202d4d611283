"""Published fact-checks from elsewhere: reading JSON lines and ClaimReview, importing them.

Two input forms, told apart by their content:

- JSON lines, one fact-check per line: ``id`` and ``text`` (the claim that was checked),
  and where present ``title``, ``rating``, ``speaker``, ``date``, ``url``, ``publisher``.
  Other fields are kept as JSON in ``extra``.
- schema.org ClaimReview JSON-LD: one object, a list of objects, an object with an
  ``@graph``, or one object per line. ``claimReviewed`` -> text,
  ``reviewRating.alternateName`` -> rating, ``itemReviewed.author.name`` -> speaker,
  ``url``, ``datePublished`` -> date, ``author.name`` (the fact-checking organisation)
  -> publisher, ``@id`` / ``identifier`` / ``url`` -> ref.

Every record keeps its own id as ``ref``; ``(publisher, ref)`` is unique, so importing a
file again updates changed records and leaves the rest alone. The whole file is read and
checked before anything is written, then written in one transaction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator, Optional

from sqlite_utils import Database

from .registry import RegistryError, get_row, now, write
from .parsing import loads_json, validate_url

FIELDS = ["text", "title", "rating", "speaker", "date", "url"]
KNOWN = set(FIELDS) | {"id", "publisher"}


def _name(value) -> Optional[str]:
    """The name of a schema.org Person/Organization (or a list of them, or a string)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    return None


def _str(value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return _str(value[0]) if value else None
    return None


def is_claim_review(obj: dict) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "ClaimReview" in kinds or "claimReviewed" in obj


def from_claim_review(obj: dict) -> dict:
    """Map one ClaimReview object to a fact-check record."""
    rating = obj.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    item = obj.get("itemReviewed") or {}
    if isinstance(item, list):
        item = item[0] if item else {}
    ref = _str(obj.get("@id")) or _str(obj.get("identifier")) or _str(obj.get("url"))
    extra = {}
    if isinstance(rating, dict):
        for key in ("ratingValue", "bestRating", "worstRating"):
            if rating.get(key) is not None:
                extra[key] = rating[key]
    if isinstance(item, dict) and _str(item.get("datePublished")):
        extra["claimDate"] = _str(item.get("datePublished"))
    return {
        "id": ref,
        "text": _str(obj.get("claimReviewed")),
        "title": _str(obj.get("name")) or _str(obj.get("headline")),
        "rating": (_str(rating.get("alternateName")) or _str(rating.get("ratingValue"))) if isinstance(rating, dict) else None,
        "speaker": _name(item.get("author")) if isinstance(item, dict) else None,
        "date": _str(obj.get("datePublished")),
        "url": _str(obj.get("url")),
        "publisher": _name(obj.get("author")) or _name(obj.get("publisher")),
        "_extra": extra,
    }


def _objects(path: Path) -> Iterator[tuple[str, object]]:
    """(where, object) for every top-level record in the file."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise RegistryError(f"cannot read {path}: {e.strerror or e}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistryError(f"{path} is not UTF-8 text")
    if not text.strip():
        raise RegistryError(f"{path} is empty")
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = loads_json(text, str(path))
        except json.JSONDecodeError as e:
            raise RegistryError(f"{path}: not valid JSON: {e}")
        for i, obj in enumerate(data, 1):
            yield f"{path} item {i}", obj
        return
    # One JSON document (possibly pretty-printed) or JSON lines: try the whole first.
    if stripped.startswith("{") and "\n{" not in stripped:
        try:
            data = loads_json(text, str(path))
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            graph = data.get("@graph")
            if isinstance(graph, list):
                for i, obj in enumerate(graph, 1):
                    yield f"{path} @graph item {i}", obj
            else:
                yield f"{path}", data
            return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = loads_json(line, f"{path} line {n}")
        except json.JSONDecodeError as e:
            raise RegistryError(f"{path} line {n}: not valid JSON ({e.msg})")
        if isinstance(obj, dict) and isinstance(obj.get("@graph"), list):
            for i, item in enumerate(obj["@graph"], 1):
                yield f"{path} line {n} @graph item {i}", item
        else:
            yield f"{path} line {n}", obj


def read_records(path, *, publisher: Optional[str] = None) -> list[dict]:
    """Every record of the file as a row for ``fact_checks``; raises on the first bad one."""
    path = Path(path)
    rows = []
    seen = {}
    for where, obj in _objects(path):
        if not isinstance(obj, dict):
            raise RegistryError(f"{where}: expected a JSON object")
        if is_claim_review(obj):
            rec = from_claim_review(obj)
            extra = rec.pop("_extra")
        elif obj.get("@type") is not None and "text" not in obj:
            continue  # another schema.org node in a @graph (an Organization, a WebPage ...)
        else:
            rec = {k: obj.get(k) for k in KNOWN}
            extra = {k: v for k, v in obj.items() if k not in KNOWN}
        ref, text = _str(rec.get("id")), _str(rec.get("text"))
        if not ref:
            hint = "a ClaimReview needs @id, identifier or url" if is_claim_review(obj) else "each line needs 'id'"
            raise RegistryError(f"{where}: no id ({hint})")
        if not text:
            raise RegistryError(f"{where}: no claim text ('text', or 'claimReviewed' in a ClaimReview)")
        row = {
            "publisher": publisher or _str(rec.get("publisher")) or "",
            "ref": ref,
            "text": text,
            **{k: _str(rec.get(k)) for k in FIELDS[1:]},
            "extra": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
        }
        if row["url"]:
            try:
                row["url"] = validate_url(row["url"])
            except RegistryError as e:
                raise RegistryError(f"{where}: {e}") from None
        key = (row["publisher"], ref)
        if key in seen:
            rows[seen[key]] = row  # the last occurrence in the file wins
        else:
            seen[key] = len(rows)
            rows.append(row)
    if not rows:
        raise RegistryError(f"{path}: no fact-checks found")
    return rows


_COLUMNS = ["publisher", "ref", "text", "title", "rating", "speaker", "date", "url", "extra"]
_UPSERT = (
    "INSERT INTO fact_checks ({cols}, imported_at, updated_at) VALUES ({marks}, :at, :at) "
    "ON CONFLICT (publisher, ref) DO UPDATE SET {sets}, updated_at = :at WHERE {changed}"
).format(
    cols=", ".join(_COLUMNS),
    marks=", ".join(f":{c}" for c in _COLUMNS),
    sets=", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[2:]),
    changed=" OR ".join(f"fact_checks.{c} IS NOT excluded.{c}" for c in _COLUMNS[2:]),
)


def import_records(db: Database, rows: list[dict], *, batch: int = 2000,
                   progress: Optional[Callable[[int], None]] = None) -> dict:
    """Upsert rows into ``fact_checks`` in one transaction.

    Returns counts ``{"read", "added", "updated", "unchanged"}``; ``progress`` is called
    with the number of rows written after each batch.
    """
    at = now()
    before = db.execute("SELECT count(*) FROM fact_checks").fetchone()[0]
    with write(db):
        for s in range(0, len(rows), batch):
            chunk = [{**r, "at": at} for r in rows[s:s + batch]]
            db.conn.executemany(_UPSERT, chunk)
            if progress:
                progress(len(chunk))
        after = db.execute("SELECT count(*) FROM fact_checks").fetchone()[0]
    added = after - before
    updated = db.execute(
        "SELECT count(*) FROM fact_checks WHERE updated_at = ? AND imported_at != ?", [at, at]
    ).fetchone()[0]
    return {"read": len(rows), "added": added, "updated": updated,
            "unchanged": len(rows) - added - updated}


def get_fact_check(db: Database, fact_check_id) -> dict:
    return get_row(db, "fact_checks", fact_check_id, "fact-check")

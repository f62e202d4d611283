"""Writing claims out: CSV for reviewers, streamed row by row."""

import contextlib
import csv
import itertools
import json
import operator
import os
from pathlib import Path
from typing import IO, Iterable, Iterator

from sqlite_utils import Database

from .filters import ClaimFilter, claim_filters, parse_since  # noqa: F401 (claim_filters, parse_since: here before)
from .registry import RegistryError

REVIEWER_COLUMNS = ["new_status", "note", "source_url", "source_title", "source_stance",
                    "new_claim", "new_claimant", "new_claim_type", "reviewer"]
EXPORT_COLUMNS = [
    "id", "claim", "sentence", "claimant", "article_title", "article_url", "claim_type",
    "checkable", "checkworthiness", "status", "sources", "version", "assignee",
] + REVIEWER_COLUMNS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell a spreadsheet would run as a formula gets a leading apostrophe.

    So that ``unneutralise`` can undo it exactly, a value that already starts with
    apostrophes followed by a formula character gets one more: ``'=x`` is written
    ``''=x``. Any other value is written as it is.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """The inverse of ``neutralise``: ``'=x`` reads back as ``=x``, ``''=x`` as ``'=x``.

    A value like ``'Tis`` (an apostrophe not followed by a formula character) is left alone.
    """
    if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_START):
        return value[1:]
    return value


def export_rows(db: Database, *, sources_as: str = "urls", **filters) -> Iterator[dict]:
    """One dict per claim in ``EXPORT_COLUMNS`` order (without the reviewer columns),
    streamed from one query: memory stays flat however many claims match.

    ``sources_as="urls"`` joins the source URLs with spaces (for CSV);
    ``"list"`` gives a list of ``{url, title, kind, stance}`` (for JSON).
    """
    sql, params = export_query(db, sources_as=sources_as, **filters)
    cursor = db.conn.execute(sql, params)  # filters are checked now, before anything is written
    return _export_rows(cursor, sources_as)


def _neutralise_sql(expr: str) -> str:
    """``neutralise`` done by SQLite: the same rule, without a Python call per cell."""
    # "x < 'A'" (no function call) passes every value whose first character is a formula
    # character or an apostrophe, and stops almost every other one at once.
    return (f"CASE WHEN {expr} < 'A' AND typeof({expr}) = 'text' AND substr(ltrim({expr}, ''''), 1, 1) "
            f"IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || {expr} ELSE {expr} END")


def write_export_csv(db: Database, out: IO[str], *, bom: bool = False, **filters) -> int:
    """The same bytes as ``write_csv(export_rows(db, **filters), out, bom=bom)``, at the speed
    of a bare ``csv.writer`` over a cursor: formula cells are neutralised inside the query and
    the rows go to the writer as the tuples SQLite returns. Returns the row count."""
    sql, params = export_query(db, neutralised=True, **filters)
    cursor = db.conn.execute(sql, params)
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    # writerows over C-level iterators: no Python bytecode per row; the counter counts them
    counter = itertools.count()
    writer.writerows(map(operator.itemgetter(0), zip(cursor, counter)))
    return next(counter)


def export_query(db: Database, *, sources_as: str = "urls", neutralised: bool = False,
                 **filters) -> tuple[str, list]:
    """The SQL and parameters behind ``export_rows``; the filters (``claims.filters.ClaimFilter``
    options, sort included) are checked here.

    ``neutralised=True`` (CSV only) neutralises formula cells in SQL and adds the empty
    reviewer columns: every row is then exactly what ``write_csv`` would write.
    """
    chosen = ClaimFilter.of(**filters)
    where, params = chosen.where(db, "c")
    n = _neutralise_sql if neutralised else (lambda expr: expr)
    if sources_as == "list":
        sources_sql = ("(SELECT json_group_array(json_object('id', s.id, 'url', s.url, 'title', s.title, "
                       "'kind', s.kind, 'stance', s.stance)) FROM (SELECT * FROM sources s2 "
                       "WHERE s2.claim_id = c.id ORDER BY s2.id) s)")
    else:  # never neutralised: every write path checks a source URL is http(s)
        sources_sql = ("(SELECT group_concat(url, ' ') FROM (SELECT s.url FROM sources s "
                       "WHERE s.claim_id = c.id ORDER BY s.id))")
    reviewer = "".join(f", '' AS {c}" for c in REVIEWER_COLUMNS) if neutralised else ""
    # status is not neutralised either: it is a statuses.name (a foreign key), never a formula
    sql = f"""
        SELECT c.id, {n('c.text')} AS claim, {n('c.sentence')} AS sentence, {n('c.claimant')} AS claimant,
               {n('a.title')} AS article_title, {n('a.url')} AS article_url, {n('c.claim_type')} AS claim_type,
               c.checkable, c.checkworthiness, c.status,
               {sources_sql} AS sources,
               c.version, {n('c.assignee')} AS assignee{reviewer}
        FROM claims c LEFT JOIN articles a ON a.id = c.article_id
    """
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {chosen.order_by('c')}"
    return sql, params


def _export_rows(cursor, sources_as) -> Iterator[dict]:
    names = [d[0] for d in cursor.description]
    for row in cursor:
        item = dict(zip(names, row))
        if sources_as == "list":
            item["sources"] = json.loads(item["sources"] or "[]")
        yield item


@contextlib.contextmanager
def output_file(path, *, encoding="utf-8"):
    """A text file that appears at ``path`` only when complete: written beside it under a
    temporary name and renamed at the end, so a failed export leaves no half file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding=encoding, newline="") as f:
            yield f
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise RegistryError(f"cannot write {path}: {e.strerror or e}") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(rows: Iterable[dict], out: IO[str]) -> int:
    """Write rows as a JSON array, one object per line, streaming; returns the count."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(rows: Iterable[dict], out: IO[str], *, bom: bool = False, for_reviewers: bool = True) -> int:
    """Write rows as CSV (``out`` opened with ``newline=""``); returns the row count."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    columns = EXPORT_COLUMNS if for_reviewers else None
    count = 0
    for row in rows:
        if columns is None:
            columns = list(row)
        if count == 0:
            writer.writerow(columns)
        writer.writerow([neutralise(row.get(c, "")) if row.get(c) is not None else "" for c in columns])
        count += 1
    if count == 0 and columns:
        writer.writerow(columns)
    return count

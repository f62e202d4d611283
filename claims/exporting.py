"""Writing claims out: CSV for reviewers, streamed row by row."""

import csv
from typing import IO, Iterable, Iterator

from sqlite_utils import Database

REVIEWER_COLUMNS = ["new_status", "note", "source_url", "source_title", "source_stance", "reviewer"]
EXPORT_COLUMNS = [
    "id", "claim", "sentence", "claimant", "article_title", "article_url", "claim_type",
    "checkable", "checkworthiness", "status", "sources", "version",
] + REVIEWER_COLUMNS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_rows(db: Database, *, statuses=(), article_id=None, claim_type=None,
                min_checkworthiness=None, since=None) -> Iterator[dict]:
    """One dict per claim in ``EXPORT_COLUMNS`` order, streamed from one query."""
    where, params = [], []
    if statuses:
        where.append("c.status IN ({})".format(", ".join("?" for _ in statuses)))
        params.extend(statuses)
    if article_id is not None:
        where.append("c.article_id = ?")
        params.append(article_id)
    if claim_type:
        where.append("c.claim_type = ?")
        params.append(claim_type)
    if min_checkworthiness is not None:
        where.append("c.checkworthiness >= ?")
        params.append(min_checkworthiness)
    if since:
        where.append("c.created_at >= ?")
        params.append(since)
    sql = """
        SELECT c.id, c.text AS claim, c.sentence, c.claimant, a.title AS article_title,
               a.url AS article_url, c.claim_type, c.checkable, c.checkworthiness, c.status,
               (SELECT group_concat(s.url, ' ') FROM sources s WHERE s.claim_id = c.id) AS sources,
               c.version
        FROM claims c LEFT JOIN articles a ON a.id = c.article_id
    """
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.id"
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))


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

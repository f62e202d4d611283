"""Which claims, in what order: the one filter builder behind ``claims list``, ``claims
export`` (CSV, JSON), ClaimReview and ``claims lint``, so that the same options select the
same claims everywhere.

``ClaimFilter`` holds the options; ``where(db, alias)`` checks them (an unknown status or
claim type, a bad date, a score outside 0-1 is a RegistryError before anything is read or
written) and gives SQL clauses with their parameters; ``order_by(alias)`` the ORDER BY.
"""

import datetime
from dataclasses import dataclass, fields
from typing import Optional

from sqlite_utils import Database

from .registry import RegistryError, fts_query, validate_status

#: --sort NAME -> (column, descending by default)
SORTS = {
    "id": ("id", False),
    "checkworthiness": ("checkworthiness", True),  # most check-worthy first
    "added": ("created_at", True),  # newest first
    "updated": ("updated_at", True),  # most recently changed first
}


def parse_since(since: Optional[str]) -> Optional[str]:
    """``--since`` as a string comparable with the registry's UTC ``created_at`` times."""
    if since is None or not since.strip():
        return None
    since = since.strip()
    try:
        if len(since) == 10:
            return datetime.date.fromisoformat(since).isoformat()
        moment = datetime.datetime.fromisoformat(since)
    except ValueError:
        raise RegistryError(f"--since must be a date (YYYY-MM-DD) or an ISO 8601 time, not {since!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class ClaimFilter:
    statuses: tuple = ()
    article_id: Optional[int] = None
    claim_type: Optional[str] = None
    min_checkworthiness: Optional[float] = None
    since: Optional[str] = None
    claimant: Optional[str] = None
    assigned: Optional[str] = None
    search: Optional[str] = None
    repeats: bool = False  # include claims grouped as repeats of an earlier claim (claims/repeats.py)
    sort: str = "id"
    reverse: bool = False

    @classmethod
    def of(cls, **options) -> "ClaimFilter":
        """From keyword options, ignoring the ones that are None (Click passes every option)."""
        names = {f.name for f in fields(cls)}
        unknown = set(options) - names
        if unknown:
            raise TypeError(f"unknown filter options: {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in options.items() if v is not None})

    def where(self, db: Database, alias: str = "c") -> tuple[list[str], list]:
        """WHERE clauses and parameters, the options checked first. A search with no
        words matches nothing (``0``)."""
        from .claimtypes import TYPES

        where, params = [], []
        if self.statuses:
            for s in self.statuses:
                validate_status(db, s)
            where.append(f"{alias}.status IN ({', '.join('?' for _ in self.statuses)})")
            params.extend(self.statuses)
        if self.article_id is not None:
            where.append(f"{alias}.article_id = ?")
            params.append(self.article_id)
        if self.claim_type:
            if self.claim_type not in TYPES:
                raise RegistryError(f"unknown claim type {self.claim_type!r}; choose one of: {', '.join(TYPES)}")
            where.append(f"{alias}.claim_type = ?")
            params.append(self.claim_type)
        if self.min_checkworthiness is not None:
            if not 0 <= self.min_checkworthiness <= 1:
                raise RegistryError(f"--min-checkworthiness must be between 0 and 1, not {self.min_checkworthiness}")
            where.append(f"{alias}.checkworthiness >= ?")
            params.append(self.min_checkworthiness)
        since = parse_since(self.since)
        if since:
            where.append(f"{alias}.created_at >= ?")
            params.append(since)
        if self.claimant is not None and self.claimant.strip():
            where.append(f"{alias}.claimant = ? COLLATE NOCASE")
            params.append(self.claimant.strip())
        if self.assigned is not None and self.assigned.strip():
            where.append(f"{alias}.assignee = ?")
            params.append(self.assigned.strip())
        if self.search is not None:
            query = fts_query(self.search)
            if query:
                where.append(f"{alias}.rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)")
                params.append(query)
            else:
                where.append("0")
        if not self.repeats and db.execute(  # no per-row check while nothing is grouped
                "SELECT 1 FROM claim_appearances WHERE state = 'grouped' LIMIT 1").fetchone():
            where.append(f"NOT EXISTS (SELECT 1 FROM claim_appearances ap WHERE ap.repeat_id = {alias}.id "
                         "AND ap.state = 'grouped')")
        if self.sort not in SORTS:
            raise RegistryError(f"unknown sort {self.sort!r}; choose one of: {', '.join(SORTS)}")
        return where, params

    def order_by(self, alias: str = "c") -> str:
        column, descending = SORTS[self.sort]
        if self.reverse:
            descending = not descending
        direction = "DESC" if descending else "ASC"
        if column == "id":
            return f"{alias}.id {direction}"
        nulls = "NULLS LAST" if descending else "NULLS FIRST"
        return f"{alias}.{column} {direction} {nulls}, {alias}.id {direction}"


def claim_filters(db: Database, *, alias: str = "c", **options) -> tuple[list[str], list]:
    """WHERE clauses and parameters for the filter options (``ClaimFilter`` fields)."""
    return ClaimFilter.of(**options).where(db, alias)

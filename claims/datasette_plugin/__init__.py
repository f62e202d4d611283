"""Datasette plugin: the claim page, the article page, status badges and charts.

Registered by the ``datasette`` entry point in pyproject.toml, so any Datasette in the
same environment (``claims serve``, or ``datasette registry.db -m metadata.yml``) loads it.
It only acts on databases that look like a claims registry (they have the registry's
tables); everywhere else every hook returns nothing and the templates fall through to
Datasette's own (``{% extends "default:row.html" %}``).

The module imports nothing from ``claims``: ``claims publish`` copies this file and the
templates next to a snapshot (``plugins/``, ``templates/``), so a published registry shows
the same pages where the ``claims`` package is not installed.

All text from the database reaches the page through Jinja's autoescaping; the only
markup built here is in ``render_cell``, from escaped values.
"""

import datetime
import functools
import re
import sqlite3
import sys
import threading
import urllib.parse
import weakref
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args, path_with_replaced_args
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

PACKAGE_PLUGIN = "claims.datasette_plugin"
REGISTRY_TABLES = {"claims", "articles", "statuses", "sources", "claim_events"}
CSS_PATH = "/-/claims/registry.css"
#: Characters of article text shown on each side of a claim whose paragraph is long.
CONTEXT_CHARS = 600
#: Articles drawn in the per-article chart on the database page (most recent first).
CHART_ARTICLES = 25
STATUS_ACTIONS = ("created", "status", "status-forced")
#: The columns the claims table page opens on (after the id), the ones a reviewer reads;
#: ``?_nocol=key`` shows every column but the key, ``?_col=...`` any choice.
CLAIMS_COLUMNS = ("text", "status", "checkworthiness", "claimant", "article_id", "claim_type")
#: The forms a desk copy behind a login may post to (datasette-auth-passwords, Datasette).
LOGIN_PATHS = ("/-/login", "/-/logout")
#: The claims columns whose counts the claim_counts table keeps (migration m004).
COUNTED = frozenset({"status", "claim_type", "article_id", "claimant"})
#: Filtered pages matching at most this many rows get all their facets from one query.
COMBINED_MAX_ROWS = 100_000
#: Most of a registry file Datasette's connections map into memory (SQLite caps it lower
#: where compiled so).
MMAP_BYTES = 2 ** 31
#: The longest string or BLOB a query may make: one anonymous ``select randomblob(900000000)``
#: is an error, not 900 MB (articles are at most 20 MB, ``CLAIMS_MAX_BYTES``)
MAX_VALUE_BYTES = 64 * 1024 * 1024
#: Sent with every page: no other site may frame it, scripts and styles only from the site
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                 b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; "
                                 b"form-action 'self'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _shadowed() -> bool:
    """True for a copy of this file loaded from a plugins directory when the installed
    package's plugin is also loaded: the copy then stays silent, so nothing runs twice."""
    if __name__ == PACKAGE_PLUGIN:
        return False
    from datasette.plugins import pm

    installed = sys.modules.get(PACKAGE_PLUGIN)
    return installed is not None and pm.is_registered(installed)


def status_class(status) -> str:
    """CSS class for a status name: letters, digits and hyphens only."""
    slug = re.sub(r"[^a-z0-9-]", "", str(status or "").lower())
    return f"claims-s-{slug or 'none'}"


def safe_url(url):
    """``url`` if it is an http(s) link, else None (never a javascript: href)."""
    if isinstance(url, str) and re.match(r"https?://", url.strip(), re.I):
        return url.strip()
    return None


def paragraph_around(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> dict:
    """The paragraph of ``text`` that holds ``text[start:end]``, cut into before/span/after.

    Paragraphs are separated by blank lines. At most ``limit`` characters are kept on each
    side of the span; ``cut_before``/``cut_after`` say whether text was left out.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    p_start = text.rfind("\n\n", 0, start)
    p_start = 0 if p_start < 0 else p_start + 2
    p_end = text.find("\n\n", end)
    p_end = len(text) if p_end < 0 else p_end
    before_from = max(p_start, start - limit)
    after_to = min(p_end, end + limit)
    return {
        "before": text[before_from:start],
        "span": text[start:end],
        "after": text[end:after_to],
        "cut_before": before_from > p_start,
        "cut_after": after_to < p_end,
    }


def highlight_segments(text: str, claims: list) -> list:
    """Cut ``text`` at every claim's start and end. Each segment is ``{"text", "claims",
    "link", "ends"}``: ``claims`` covering it (in order of id; empty for plain text);
    ``link`` the one claim whose span is exactly this segment when no other claim covers it
    (the segment itself can then be the link), else None; ``ends`` the claims whose span ends
    here and that have no such link (they get a reference after the segment). Several claims
    can share a sentence (atomic claims), and spans may overlap."""
    starts = {}
    for c in claims:
        s, e = max(0, c["start"]), min(c["end"], len(text))
        if e > s:
            starts.setdefault(s, []).append((s, e, c))
    cuts = sorted({0, len(text)} | set(starts) | {e for group in starts.values() for _, e, _ in group})
    segments, active = [], []  # active: the spans covering the current piece (a sweep)
    for a, b in zip(cuts, cuts[1:]):
        active = [span for span in active if span[1] > a] + starts.get(a, [])
        covering = sorted((c for _, _, c in active), key=lambda c: c["id"])
        if segments and not covering and not segments[-1]["claims"]:
            segments[-1]["text"] += text[a:b]
            continue
        exact = [c for s, e, c in active if s == a and e == b]
        link = exact[0] if len(covering) == 1 and exact == covering else None
        ends = [c for _, e, c in active if e == b and c is not link]
        segments.append({"text": text[a:b], "claims": covering, "link": link,
                         "ends": sorted(ends, key=lambda c: c["id"])})
    return segments


def segment_class(claims: list) -> str:
    """The status class of a highlighted segment: its claims' status, or mixed."""
    statuses = {c.get("status") for c in claims}
    return status_class(statuses.pop()) if len(statuses) == 1 else "claims-s-mixed"


#: Check-worthiness from which a claim is check-worthy; the strength of its highlight.
CHECKWORTHY = 0.5


def strength(checkworthiness) -> str:
    """CSS class of a highlight's strength: claims-cw-0 below the check-worthy line, then
    1 to 3 as check-worthiness rises."""
    cw = checkworthiness or 0
    level = 0 if cw < CHECKWORTHY else 1 if cw < 0.7 else 2 if cw < 0.85 else 3
    return f"claims-cw-{level}"


def stacked(counts: dict, statuses: list, scale: float) -> list:
    """Segments of one stacked bar, in status order: ``{"status", "label", "count", "x", "width"}``
    with x and width in percent of ``scale`` (the largest total drawn)."""
    out, x = [], 0.0
    known = [s["name"] for s in statuses]
    for name in known + sorted(set(counts) - set(known)):
        n = counts.get(name, 0)
        if not n:
            continue
        width = 100.0 * n / scale if scale else 0
        label = next((s["label"] for s in statuses if s["name"] == name), name)
        out.append({"status": name, "label": label, "count": n, "x": round(x, 3), "width": round(width, 3)})
        x += width
    return out


def add_day_deltas(deltas: dict, rows) -> dict:
    """Fold history rows ``(day, old_status, new_status, n)`` into ``deltas``: per day, how
    many claims each status gained (positive) or lost (negative). A ``created`` event has no
    old status. Returns ``deltas``."""
    for day, old, new, n in rows:
        day_delta = deltas.setdefault(str(day), {})
        if new is not None:
            day_delta[new] = day_delta.get(new, 0) + n
        if old is not None:
            day_delta[old] = day_delta.get(old, 0) - n
    return deltas


def timeline(deltas: dict, max_days: int = 92) -> tuple[list, str]:
    """Claims by status over time from per-day ``deltas`` (see ``add_day_deltas``).

    Returns ``(buckets, unit)``: one bucket per day, or per month when the history spans
    more than ``max_days`` days, each ``{"key", "counts"}`` with how many claims had each
    status at the end of that bucket. Days without events are filled in."""
    if not deltas:
        return [], "day"
    days = sorted(deltas)
    snapshots, running = {}, {}
    for day in days:
        for status, n in deltas[day].items():
            running[status] = running.get(status, 0) + n
        snapshots[day] = {k: v for k, v in running.items() if v > 0}
    try:
        first, last = datetime.date.fromisoformat(days[0]), datetime.date.fromisoformat(days[-1])
    except ValueError:
        return [{"key": d, "counts": snapshots[d]} for d in days], "day"
    unit = "day" if (last - first).days <= max_days else "month"
    buckets, counts, day = [], {}, first
    while day <= last:
        key = day.isoformat()
        counts = snapshots.get(key, counts)
        bucket_key = key if unit == "day" else key[:7]
        if buckets and buckets[-1]["key"] == bucket_key:
            buckets[-1]["counts"] = counts
        else:
            buckets.append({"key": bucket_key, "counts": counts})
        day += datetime.timedelta(days=1)
    return buckets, unit


# --- reading the registry ----------------------------------------------------------


async def _registry(datasette, database):
    """The Database if ``database`` is a claims registry, else None."""
    if not database or _shadowed():
        return None
    try:
        db = datasette.get_database(database)
    except KeyError:
        return None
    if not REGISTRY_TABLES <= set(await db.table_names()):
        return None
    return db


async def _rows(db, sql, params=None):
    return [dict(r) for r in (await db.execute(sql, params or [])).rows]


async def _statuses(db):
    return await _rows(db, "select * from statuses order by sort_order")


def _pk(request):
    try:
        return int(tilde_decode(request.url_vars["pks"]))
    except (KeyError, TypeError, ValueError):
        return None


async def _nav(datasette, database, request):
    """Links to the canned queries, the claims table and the charts."""
    actor = request.actor if request is not None else None
    queries = await datasette.get_canned_queries(database, actor)
    links = [{"href": datasette.urls.table(database, "claims"), "label": "All claims"}]
    for name, query in queries.items():
        links.append({"href": datasette.urls.table(database, name), "label": query.get("title") or name})
    links.append({"href": datasette.urls.database(database) + "#claims-charts", "label": "Charts"})
    return links


#: Rows on one page of a canned query that takes a ``page`` parameter (its SQL's LIMIT).
PAGE_SIZE = 100


def _pager(request):
    """For a canned query with a ``page`` parameter: ``pages(rows shown)`` gives the page
    number, the rows' numbers, and the previous and next pages' URLs (next when the page
    is full)."""
    try:
        page = max(int(request.args.get("page") or 1), 1)
    except (TypeError, ValueError):
        page = 1

    def pages(n):
        url = lambda p: path_with_replaced_args(request, {"page": str(p)})  # noqa: E731
        return {"page": page, "first": (page - 1) * PAGE_SIZE + 1, "last": (page - 1) * PAGE_SIZE + n,
                "prev": url(page - 1) if page > 1 else None, "next": url(page + 1) if n >= PAGE_SIZE else None}

    return pages


async def _status_totals(db, statuses, where="", params=None):
    rows = await _rows(db, f"select status, count(*) as n from claims {where} group by status", params)
    counts = {r["status"]: r["n"] for r in rows}
    total = sum(counts.values())
    return {"total": total, "segments": stacked(counts, statuses, total)}


async def _article_chart(datasette, database, db, statuses, limit=CHART_ARTICLES):
    articles = await _rows(
        db, "select id, title, url from articles order by id desc limit ?", [limit]
    )
    n_articles = (await db.execute("select count(*) from articles")).first()[0]
    counts = await _rows(
        db,
        "select article_id, status, count(*) as n from claims "
        "where article_id in (select id from articles order by id desc limit ?) "
        "group by article_id, status",
        [limit],
    )
    counts += await _rows(
        db, "select null as article_id, status, count(*) as n from claims where article_id is null group by status"
    )
    by_article = {}
    for r in counts:
        by_article.setdefault(r["article_id"], {})[r["status"]] = r["n"]
    rows = [{"id": a["id"], "title": a["title"] or f"Article {a['id']}",
             "href": datasette.urls.row(database, "articles", a["id"]),
             "counts": by_article.get(a["id"], {})} for a in articles]
    if None in by_article:
        rows.append({"id": None, "title": "Added by hand (no article)",
                     "href": datasette.urls.table(database, "claims") + "?article_id__isnull=1",
                     "counts": by_article[None]})
    scale = max([sum(r["counts"].values()) for r in rows] or [0])
    for r in rows:
        r["total"] = sum(r["counts"].values())
        r["segments"] = stacked(r["counts"], statuses, scale)
    return {"rows": rows, "articles": n_articles, "shown": len(articles)}


_timeline_cache = weakref.WeakKeyDictionary()
_timeline_lock = threading.Lock()


def _refresh_timeline(datasette, database, conn):
    """Bring the cached per-day deltas of ``database`` up to date through ``conn`` and
    return the timeline. claim_events is append-only, so only rows added since the last
    call are read; if the row remembered last is gone or different (another file under the
    same name) it starts again."""
    with _timeline_lock:
        cache = _timeline_cache.setdefault(datasette, {})
        state = cache.get(database)
        top, top_at = conn.execute(
            "select id, at from claim_events where id = (select max(id) from claim_events)"
        ).fetchone() or (0, None)
        if state is not None:
            seen = conn.execute("select at from claim_events where id = ?", [state["last_id"]]).fetchone()
            if state["last_id"] > top or (state["last_id"] and (seen is None or seen[0] != state["last_at"])):
                state = None
        if state is None:
            state = {"last_id": 0, "last_at": None, "deltas": {}}
        if top > state["last_id"]:
            rows = conn.execute(
                "select substr(at, 1, 10), old_value, new_value, count(*) from claim_events "
                "where id > ? and id <= ? and action in (?, ?, ?) group by 1, 2, 3",
                [state["last_id"], top, *STATUS_ACTIONS],
            )
            add_day_deltas(state["deltas"], rows)
            state["last_id"], state["last_at"] = top, top_at
        cache[database] = state
        return timeline(state["deltas"])


def _warm_timelines(datasette):
    """Read each registry's history once, off the event loop, so that the first visitor of
    a large registry's database page does not wait for it."""
    for name, db in list(datasette.databases.items()):
        if getattr(db, "is_memory", True) or not getattr(db, "path", None):
            continue
        uri = "file:" + urllib.parse.quote(str(db.path)) + "?mode=ro" + ("" if db.is_mutable else "&immutable=1")
        try:
            conn = sqlite3.connect(uri, uri=True)
            try:
                tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
                if REGISTRY_TABLES <= tables:
                    _refresh_timeline(datasette, name, conn)
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # the chart is read on the first request instead


async def _time_chart(datasette, database, db, statuses):
    """The status-over-time chart, from the cached per-day deltas."""
    read = functools.partial(_refresh_timeline, datasette, database)
    buckets, unit = await db.execute_fn(read)
    scale = max([sum(b["counts"].values()) for b in buckets] or [0])
    width = 100.0 / max(len(buckets), 12)  # a single day is a bar, not a wall
    for i, b in enumerate(buckets):
        b["x"] = round(i * width, 3)
        b["width"] = round(width, 3)
        b["total"] = sum(b["counts"].values())
        b["segments"] = stacked(b["counts"], statuses, scale)  # y in percent of the tallest
    return {"buckets": buckets, "unit": unit, "scale": scale}


def _profile(datasette) -> str:
    """``public`` for a snapshot written by ``claims publish`` (the default profile),
    ``desk`` for its desk profile and for a live registry (``claims serve``)."""
    return (datasette.plugin_config("claims") or {}).get("profile") or "desk"


def jsonld(item) -> Markup:
    """``item`` as JSON for a ``<script type="application/ld+json">``: nothing in it can
    end the script (``<``, ``>`` and ``&`` are escaped as JSON allows)."""
    import json

    text = json.dumps(item, ensure_ascii=False, indent=2)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def verdict_event(history: list, status):
    """The event that set the claim's current verdict: the last status change to it."""
    for e in reversed(history):
        if e.get("action") in ("status", "status-forced") and e.get("new_value") == status:
            return e
    return None


async def _claim_page(datasette, database, db, claim_id):
    rows = await _rows(db, "select * from claims where id = ?", [claim_id])
    if not rows:
        return {}
    claim = rows[0]
    status = next((s for s in await _statuses(db) if s["name"] == claim["status"]), None)
    article, context, siblings = None, None, []
    if claim.get("article_id") is not None:
        found = await _rows(db, "select * from articles where id = ?", [claim["article_id"]])
        if found:
            article = found[0]
            article["safe_url"] = safe_url(article.get("url"))
            article["href"] = datasette.urls.row(database, "articles", article["id"])
            if claim.get("start") is not None and claim.get("end") is not None:
                context = paragraph_around(article["text"] or "", claim["start"], claim["end"])
                siblings = await _rows(
                    db, "select id, text, status, coalesce((select label from statuses where name = claims.status), "
                        'status) as label from claims where article_id = ? and start = ? and "end" = ? '
                        "and id != ? order by id", [claim["article_id"], claim["start"], claim["end"], claim_id])
                for sib in siblings:
                    sib["href"] = datasette.urls.row(database, "claims", sib["id"])
    sources = await _rows(db, "select * from sources where claim_id = ? order by id", [claim_id])
    for s in sources:
        s["safe_url"] = safe_url(s.get("url"))
    history = await _rows(db, "select * from claim_events where claim_id = ? order by id", [claim_id])
    links = []
    if await db.table_exists("claim_links"):  # suggested earlier checks (claims similar)
        links = await _rows(db, (
            "select l.id, l.match_kind, l.match_id, l.score, l.state, l.why, "
            "coalesce(f.text, c.text) as text, coalesce(f.rating, c.status) as verdict, f.url, f.publisher "
            "from claim_links l left join fact_checks f on l.match_kind = 'fact_check' and f.id = l.match_id "
            "left join claims c on l.match_kind = 'claim' and c.id = l.match_id "
            "where l.claim_id = ? order by l.score desc, l.id"), [claim_id])
        for link in links:
            link["safe_url"] = safe_url(link.get("url"))
            table = "fact_checks" if link["match_kind"] == "fact_check" else "claims"
            link["href"] = datasette.urls.row(database, table, link["match_id"])
    appearances, repeat_of = [], None
    if await db.table_exists("claim_appearances"):  # a claim seen again (claims/repeats.py)
        first = await _rows(db, "select claim_id from claim_appearances where repeat_id = ? and state = 'grouped'",
                            [claim_id])
        if first:
            repeat_of = {"id": first[0]["claim_id"],
                         "href": datasette.urls.row(database, "claims", first[0]["claim_id"])}
        else:
            appearances = await _rows(db, (
                "select c.id as claim_id, c.claimant, a.url, a.title as article_title, a.published from claims c "
                "left join articles a on a.id = c.article_id where c.id = ? or c.id in (select repeat_id from "
                "claim_appearances where claim_id = ? and state = 'grouped') order by c.id"), [claim_id, claim_id])
            for a in appearances:
                a["safe_url"] = safe_url(a.get("url"))
                a["href"] = datasette.urls.row(database, "claims", a["claim_id"])
    review = None
    if await db.table_exists("claim_reviews"):  # written by claims publish with a publisher
        import json

        found = (await db.execute("select claimreview from claim_reviews where claim_id = ?", [claim_id])).rows
        review = json.loads(found[0][0]) if found else None
    for r in history:
        r["anchor"] = f"event-{r['id']}"
    return {
        "claims_appearances": appearances,
        "claims_repeat_of": repeat_of,
        "claims_profile": _profile(datasette),
        "claims_verdict": verdict_event(history, claim["status"]) if (status or {}).get("kind") == "verdict" else None,
        "claims_review": review,
        "claims_jsonld": jsonld,
        "claims_links": links,
        "claims_claim": claim,
        "claims_status": status or {"name": claim["status"], "label": claim["status"], "description": ""},
        "claims_article": article,
        "claims_context": context,
        "claims_siblings": siblings,
        "claims_sources": sources,
        "claims_history": history,
        "claims_status_class": status_class,
        "claims_history_url": datasette.urls.table(database, "claim_history") + "?" + urlencode({"claim_id": claim_id}),
    }


async def _article_page(datasette, database, db, article_id):
    rows = await _rows(db, "select * from articles where id = ?", [article_id])
    if not rows:
        return {}
    article = rows[0]
    article["safe_url"] = safe_url(article.get("url"))
    statuses = await _statuses(db)
    labels = {s["name"]: s["label"] for s in statuses}
    claims = await _rows(
        db, 'select id, text, status, claimant, start, "end", checkworthiness from claims where article_id = ? '
            'order by start, id',
        [article_id],
    )
    for c in claims:
        c["href"] = datasette.urls.row(database, "claims", c["id"])
        c["label"] = labels.get(c["status"], c["status"])
    spans = [c for c in claims if c["start"] is not None and c["end"] is not None]
    segments = highlight_segments(article["text"] or "", spans)
    anchored = set()
    for seg in segments:  # each claim's anchor (#claim-ID) where its span starts
        seg["anchors"] = [c for c in seg["claims"] if c["id"] not in anchored and c is not seg["link"]]
        anchored.update(c["id"] for c in seg["claims"])
        seg["strength"] = strength(max((c["checkworthiness"] or 0) for c in seg["claims"]) if seg["claims"] else 0)
    totals = await _status_totals(db, statuses, "where article_id = ?", [article_id])
    claims_url = datasette.urls.table(database, "claims")
    for seg in totals["segments"]:
        seg["href"] = claims_url + "?" + urlencode({"article_id": article_id, "status": seg["status"]})
    return {
        "claims_profile": _profile(datasette),
        "claims_article_page": article,
        "claims_segments": segments,
        "claims_segment_class": segment_class,
        "claims_unplaced": [c for c in claims if c["start"] is None or c["end"] is None],
        "claims_totals": totals,
        "claims_status_class": status_class,
        "claims_table_url": claims_url + "?" + urlencode({"article_id": article_id}),
    }


_status_cache = weakref.WeakKeyDictionary()


async def _known_statuses(datasette, database) -> frozenset:
    """Status names of a registry (empty for any other database), read once per
    Datasette instance: render_cell runs for every cell."""
    cache = _status_cache.setdefault(datasette, {})
    if database not in cache:
        db = await _registry(datasette, database)
        names = frozenset(r[0] for r in (await db.execute("select name from statuses")).rows) if db else frozenset()
        if not names:
            return names  # not (yet) a registry: ask again next time
        cache[database] = names
    return cache[database]


def _compact_cell(row, value, column, datasette, database):
    async def inner():
        if not await _known_statuses(datasette, database):
            return None
        if column == "key":
            return Markup('<span class="claims-key" title="{}">{}…</span>').format(value, value[:10])
        try:
            same = row["text"] == value
        except (KeyError, IndexError, TypeError):
            return None
        return Markup('<span class="claims-small">same as text</span>') if same else None

    return inner


#: In query results, columns holding a row's id, and the table of that row.
ID_COLUMNS = {"claim_id": "claims", "article_id": "articles", "source_id": "sources", "event": "claim_events"}
#: In query results, columns that name a row whose id is in another column of the result.
LABEL_COLUMNS = {"text": "claim_id", "claim": "claim_id", "article": "article_id", "title": "article_id"}


def _query_link(row, value, column, datasette, database):
    """A cell of a query's result as a link to its claim, article, source or event page:
    an id column (ID_COLUMNS), or a text or title next to one (LABEL_COLUMNS)."""
    if column in ID_COLUMNS:
        id_column, table = column, ID_COLUMNS[column]
    elif column in LABEL_COLUMNS:
        id_column = LABEL_COLUMNS[column]
        table = ID_COLUMNS[id_column]
    else:
        return None
    try:
        row_id = row[id_column]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(row_id, int) or value in (None, ""):
        return None

    async def inner():
        if not await _known_statuses(datasette, database):
            return None
        href = datasette.urls.row(database, table, row_id)
        return Markup('<a href="{}">{}</a>').format(href, value)

    return inner


# --- home page, about page and feeds --------------------------------------------------

ABOUT_PATH = "/-/claims/about"
#: Entries in each Atom feed.
FEED_ENTRIES = 50
FEEDS = {"verdicts": "New verdicts", "checkworthy": "New check-worthy claims"}


def feed_url(datasette, database, kind) -> str:
    return datasette.urls.path(f"/-/claims/feeds/{tilde_encode(database)}/{kind}.atom")


async def _homes(datasette) -> list:
    """What the home page says of each registry: counts and where to start."""
    out = []
    for name in list(datasette.databases):
        db = await _registry(datasette, name)
        if db is None:
            continue
        counts = {r["kind"]: r["n"] for r in await _rows(db, (
            "select coalesce(s.kind, 'other') as kind, sum(c.n) as n from "
            "(select value as status, n from claim_counts where facet = 'status') c "
            "left join statuses s on s.name = c.status group by 1")
        )} if await db.table_exists("claim_counts") else {}
        queries = await datasette.get_canned_queries(name, None)
        out.append({
            "name": name,
            "url": datasette.urls.database(name),
            "claims_url": datasette.urls.table(name, "claims"),
            "articles_url": datasette.urls.table(name, "articles"),
            "verdicts": counts.get("verdict", 0),
            "claims": sum(counts.values()),
            "articles": (await db.execute("select count(*) from articles")).first()[0],
            "queue_url": datasette.urls.table(name, "review_queue") if "review_queue" in queries else None,
            "verdicts_url": datasette.urls.table(name, "latest_verdicts") if "latest_verdicts" in queries else None,
            "charts_url": datasette.urls.database(name) + "#claims-charts",
            "feeds": [{"title": title, "url": feed_url(datasette, name, kind)} for kind, title in FEEDS.items()],
        })
    return out


async def atom_feed(datasette, database, db, kind, request) -> bytes:
    """An Atom feed of the registry's newest verdicts (``verdicts``: by the time of the
    verdict, with the reviewer's explanation) or newest claims at or above the
    check-worthy line (``checkworthy``: by the time they were added)."""
    import xml.etree.ElementTree as ET

    if kind == "verdicts":
        rows = await _rows(db, """
            select c.id, c.text, c.claimant, st.label, v.at as updated, v.note, v.action
            from claim_events v cross join claims c on c.id = v.claim_id and c.status = v.new_value
            cross join statuses st on st.name = c.status and st.kind = 'verdict'
            where v.action in ('status', 'status-forced') and v.id = (
                select max(e.id) from claim_events e where e.claim_id = v.claim_id
                and e.action in ('status', 'status-forced'))
            order by v.id desc limit ?""", [FEED_ENTRIES])  # newest events first: stops after the limit
        for r in rows:  # a forced verdict's note explains the override: internal
            r["title"] = f"{r['label']}: {r['text']}"
            r["summary"] = r["note"] if r["action"] == "status" else None
    else:
        rows = await _rows(db, """
            select c.id, c.text, c.claimant, c.created_at as updated, c.checkworthiness
            from claims c where c.checkworthiness >= ? order by c.created_at desc limit ?""",
                           [CHECKWORTHY, FEED_ENTRIES])
        for r in rows:
            r["title"] = r["text"]
            r["summary"] = f"Check-worthiness {r['checkworthiness']:.2f}"
    title = (datasette.metadata("title") or "Claim registry") + f": {FEEDS[kind].lower()}"
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    self_url = datasette.absolute_url(request, feed_url(datasette, database, kind))
    ET.SubElement(feed, f"{{{ns}}}title").text = title
    ET.SubElement(feed, f"{{{ns}}}id").text = self_url
    ET.SubElement(feed, f"{{{ns}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ns}}}link", rel="alternate",
                  href=datasette.absolute_url(request, datasette.urls.database(database)))
    ET.SubElement(feed, f"{{{ns}}}updated").text = max(
        [r["updated"] for r in rows if r["updated"]] or ["1970-01-01T00:00:00+00:00"])
    author = ET.SubElement(feed, f"{{{ns}}}author")
    ET.SubElement(author, f"{{{ns}}}name").text = datasette.metadata("title") or "Claim registry"
    for r in rows:
        url = datasette.absolute_url(request, datasette.urls.row(database, "claims", r["id"]))
        entry = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(entry, f"{{{ns}}}id").text = url
        ET.SubElement(entry, f"{{{ns}}}title").text = r["title"]
        ET.SubElement(entry, f"{{{ns}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ns}}}updated").text = r["updated"] or "1970-01-01T00:00:00+00:00"
        if r.get("summary"):
            ET.SubElement(entry, f"{{{ns}}}summary").text = r["summary"]
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


# --- facets from claim_counts --------------------------------------------------------


class SummaryColumnFacet(ColumnFacet):
    """Datasette's column facet with two shortcuts on a claims registry, same output:

    - on the unfiltered claims table, the columns claim_counts keeps (status, claim type,
      article, claimant) are read from that table, which triggers keep in step with
      claims: a few rows instead of a GROUP BY over every claim (65-300 ms each at a
      million); with ``?status=X`` as the only filter, from claim_status_counts;
    - on a filtered page or a search matching at most COMBINED_MAX_ROWS rows, all its
      column facets come from one query that reads the matching rows once (a search of
      11,000 matches: about 65 ms instead of 4 x 30-45 ms).

    Anything else (another database, more matching rows, an unknown count) is Datasette's
    own query per column."""

    _skip = frozenset()

    @staticmethod
    def _column(config):
        return config["config"].get("column") or config["config"]["simple"]

    def get_configs(self):
        return [c for c in super().get_configs() if self._column(c) not in self._skip]

    def _result(self, column, source, rows, facet_size, expanded, qs_pairs):
        values = []
        for row in rows[:facet_size]:
            selected = (column, str(row["value"])) in qs_pairs
            toggle = (path_with_removed_args(self.request, {column: str(row["value"])}) if selected
                      else path_with_added_args(self.request, {column: row["value"]}))
            values.append({
                "value": row["value"], "label": expanded.get((column, row["value"]), row["value"]),
                "count": row["count"], "selected": selected,
                "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
            })
        return {
            "name": column, "type": self.type, "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
            "results": values, "truncated": len(rows) > facet_size,
        }

    def _status_only(self):
        """The status when the page's only filter is ``?status=X`` (a click in the status
        facet), else None."""
        if (isinstance(self.params, dict) and list(self.params) == ["p0"] and isinstance(self.params["p0"], str)
                and self.sql.rstrip().endswith('from claims where "status" = :p0')):
            return self.params["p0"]
        return None

    async def _rows_by_column(self, columns, facet_size):
        """``{column: rows}`` for the columns this class answers itself, or None."""
        db = await _registry(self.ds, self.database)
        if db is None or not columns:
            return None
        unfiltered = not self.params and self.sql.rstrip().endswith("from claims")
        if self.table == "claims" and unfiltered and await db.table_exists("claim_counts"):
            mine = [c for c in columns if c in COUNTED]
            if not mine:
                return None
            sql = " union all ".join(
                "select * from (select facet, value, n as count from claim_counts where facet = ? "
                f"order by n desc, value limit {facet_size + 1})" for _ in mine)
            out = {c: [] for c in mine}
            for r in (await db.execute(sql, mine)).rows:
                out[r["facet"]].append(r)
            return out
        status = self._status_only()
        if self.table == "claims" and status is not None and await db.table_exists("claim_status_counts"):
            mine = [c for c in columns if c in COUNTED]
            if not mine:
                return None
            out = {}
            if "status" in mine:
                out["status"] = [r for r in (await db.execute(
                    "select value, n as count from claim_counts where facet = 'status' and value = ?", [status])).rows]
            others = [c for c in mine if c != "status"]
            if others:
                sql = " union all ".join(
                    "select * from (select facet, value, n as count from claim_status_counts where status = ? "
                    f"and facet = ? order by n desc, value limit {facet_size + 1})" for _ in others)
                out.update({c: [] for c in others})
                for r in (await db.execute(sql, [v for c in others for v in (status, c)])).rows:
                    out[r["facet"]].append(r)
            return out
        if unfiltered or len(columns) < 2 or self.row_count is None or self.row_count > COMBINED_MAX_ROWS:
            return None
        parts = []
        for c in columns:
            n, label = escape_sqlite(c), "'" + c.replace("'", "''") + "'"
            parts.append(f"select * from (select {label} as facet, {n} as value, count(*) as count from m "
                         f"where {n} is not null group by {n} order by count desc, value limit {facet_size + 1})")
        names = ", ".join(escape_sqlite(c) for c in columns)
        # m is used once per column: SQLite (3.35 and later) reads the matching rows once
        sql = f"with m as (select {names} from ({self.sql})) " + " union all ".join(parts)
        rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                      custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
        out = {c: [] for c in columns}
        for r in rows:
            out[r["facet"]].append(r)
        return out

    async def facet_results(self):
        configs = self.get_configs()
        facet_size = self.get_facet_size()
        try:
            columns = list(dict.fromkeys(self._column(c) for c in configs))  # metadata and ?_facet=
            by_column = await self._rows_by_column(columns, facet_size)
        except (QueryInterrupted, sqlite3.OperationalError):
            by_column = None  # Datasette's own queries, each with its time limit
        if not by_column:
            return await super().facet_results()
        self._skip = frozenset(by_column)
        try:
            results, timed_out = await super().facet_results()
        finally:
            del self._skip
        qs_pairs = self.get_querystring_pairs()
        for c in configs:
            column = self._column(c)
            if column in by_column:
                rows = by_column[column]
                expanded = await self.ds.expand_foreign_keys(
                    self.database, self.table, column, [r["value"] for r in rows[:facet_size]])
                results.append(self._result(column, c["source"], rows, facet_size, expanded, qs_pairs))
        order = [self._column(c) for c in configs]
        results.sort(key=lambda r: order.index(r["name"]) if r["name"] in order else len(order))
        return results, timed_out


# --- hooks -----------------------------------------------------------------------


@hookimpl(hookwrapper=True)
def register_facet_classes():
    """Swap Datasette's column facet for SummaryColumnFacet (same type, same output)."""
    outcome = yield
    if _shadowed():
        return
    outcome.force_result([[SummaryColumnFacet if k is ColumnFacet else k for k in classes]
                          for classes in outcome.get_result()])


@hookimpl
def prepare_connection(conn, database, datasette):
    """Read a registry through a memory map: the claims page and a search look up
    thousands of rows by id, and mapped pages skip a read() and a copy each (a search's
    facets at a million claims: about a third faster). The memory is the OS page cache's.
    No query may build a value over MAX_VALUE_BYTES."""
    if _shadowed():
        return
    try:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        if conn.execute("select 1 from sqlite_master where type = 'table' and name = 'claims'").fetchone():
            conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    except sqlite3.Error:
        pass


@hookimpl
def startup(datasette):
    if not _shadowed():
        threading.Thread(target=_warm_timelines, args=(datasette,), name="claims-timeline", daemon=True).start()


def _default_columns(scope) -> bool:
    """Give a GET of a claims table page (HTML) without ``_col``/``_nocol`` the columns of
    CLAIMS_COLUMNS, by adding them to the query string. True if it did. Every link the
    page builds (facets, sort, next page) keeps them."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return False
    parts = scope.get("path", "").split("/")
    if len(parts) != 3 or parts[2] != "claims":
        return False
    query = scope.get("query_string", b"").decode("latin-1")
    names = {pair.split("=", 1)[0] for pair in query.split("&") if pair}
    if names & {"_col", "_nocol"}:
        return False
    added = "&".join("_col=" + c for c in CLAIMS_COLUMNS)
    scope["query_string"] = (query + "&" + added if query else added).encode("latin-1")
    return True


@hookimpl
def asgi_wrapper(datasette):
    """With ``plugins: {claims: {read_only: true}}`` in the metadata (``claims publish``
    writes it), answer every request that is not GET, HEAD or OPTIONS with 405: no form,
    canned query or API of the site can be posted to; with ``login: true`` as well (a desk
    copy behind a password), except the login and logout forms. On a registry, the claims
    table page opens on the columns a reviewer reads (CLAIMS_COLUMNS)."""

    def wrap(app):
        async def read_only(scope, receive, send):
            config = datasette.plugin_config("claims") or {}
            if (scope.get("type") == "http" and scope.get("method") not in ("GET", "HEAD", "OPTIONS")
                    and not _shadowed() and config.get("read_only")
                    and not (config.get("login") and scope.get("path") in LOGIN_PATHS)):
                response = Response.text("This registry is published read-only.\n", status=405,
                                         headers={"Allow": "GET, HEAD, OPTIONS"})
                await response.asgi_send(send)
                return
            if scope.get("type") == "http" and scope.get("path", "").endswith("/claims") and not _shadowed():
                database = tilde_decode(scope["path"].split("/")[1]) if scope["path"].count("/") == 2 else None
                if database and await _registry(datasette, database) is not None:
                    scope = dict(scope)
                    _default_columns(scope)
            if scope.get("type") == "http" and not _shadowed():
                send = _safe_send(send, _is_csv(scope))
            await app(scope, receive, send)

        return read_only

    return wrap


def _is_csv(scope) -> bool:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope.get("path", "").endswith(".csv") or "_format=csv" in query


def neutralise_csv(body: bytes) -> bytes:
    """Datasette's CSV with every cell that a spreadsheet would run as a formula (starting
    with =, +, -, @, tab or CR) given a leading apostrophe, as ``claims export`` does."""
    import csv
    import io

    text = body.decode("utf-8", errors="surrogateescape")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(["'" + cell if cell.startswith(_FORMULA) else cell for cell in row])
    return out.getvalue().encode("utf-8", errors="surrogateescape")


def _safe_send(send, csv_body: bool):
    """``send`` that adds SECURITY_HEADERS to the response and, for a CSV download (a
    ``.csv`` path answered 200 with a CSV or plain-text type), sends the body formula-safe (the whole body at once: CSV downloads stop at max_returned_rows,
    ``allow_csv_stream`` is off)."""
    chunks = []
    state = {"csv": False}

    async def wrapped(message):
        if message["type"] == "http.response.start":
            original = message.get("headers", [])
            names = {name.lower() for name, _ in original}
            kind = next((v.lower() for k, v in original if k.lower() == b"content-type"), b"")
            state["csv"] = csv_body and message.get("status") == 200 and kind.startswith((b"text/csv", b"text/plain"))
            headers = [(k, v) for k, v in original if not (state["csv"] and k.lower() == b"content-length")]
            headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            message = {**message, "headers": headers}
        elif message["type"] == "http.response.body" and state["csv"]:
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            message = {"type": "http.response.body", "body": neutralise_csv(b"".join(chunks)), "more_body": False}
        await send(message)

    return wrapped


@hookimpl
def extra_css_urls(datasette):
    if _shadowed():
        return []
    return [datasette.urls.path(CSS_PATH)]


@hookimpl
def register_routes(datasette):
    if _shadowed():
        return []

    async def css(request):
        template = datasette.jinja_env.get_template("claims/registry.css")
        return Response(await template.render_async(), content_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "max-age=3600"})

    async def feed(request):
        database = tilde_decode(request.url_vars["database"])
        kind = request.url_vars["kind"]
        db = await _registry(datasette, database)
        if db is None:
            return Response.text("Not a claims registry\n", status=404)
        body = await atom_feed(datasette, database, db, kind, request)
        return Response(body, content_type="application/atom+xml; charset=utf-8",
                        headers={"Cache-Control": "max-age=300"})

    async def about(request):
        return Response.html(await datasette.render_template(
            "claims/about.html", {"claims_profile": _profile(datasette), "claims_registries": await _homes(datasette),
                                  "metadata": datasette.metadata() or {}},
            request=request))

    return [(r"^" + CSS_PATH + r"$", css),
            (r"^/-/claims/feeds/(?P<database>[^/]+)/(?P<kind>verdicts|checkworthy)\.atom$", feed),
            (r"^" + ABOUT_PATH + r"$", about)]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name == "index" and not _shadowed():
        async def home():
            return {"claims_home": await _homes(datasette), "claims_profile": _profile(datasette),
                    "claims_about_url": datasette.urls.path(ABOUT_PATH)}

        return home
    if view_name not in ("row", "table", "database") or not database:
        return {}

    async def inner():
        db = await _registry(datasette, database)
        if db is None:
            return {}
        if view_name == "row" and request is not None:
            pk = _pk(request)
            if pk is None:
                return {}
            if table == "claims":
                return await _claim_page(datasette, database, db, pk)
            if table == "articles":
                return await _article_page(datasette, database, db, pk)
            return {}
        statuses = await _statuses(db)
        nav = await _nav(datasette, database, request)
        if view_name == "table" and table:
            order = list((datasette.table_metadata(database, table) or {}).get("facets") or [])

            def facet_order(results):
                """Facets in the order the metadata lists them, then the others."""
                names = [f if isinstance(f, str) else next(iter(f.values()), None) for f in order]
                return sorted(results or [], key=lambda r: names.index(r["name"]) if r["name"] in names else len(names))
        else:
            facet_order = None
        if view_name == "table" and table == "claims":

            def status_bar(facet_results):
                """The status facet Datasette has just computed, as one stacked bar: no
                query of its own, and it follows the page's filters and search."""
                for facet in facet_results or []:
                    if facet.get("name") == "status" and facet.get("type", "column") == "column":
                        counts = {r["value"]: r["count"] for r in facet["results"]}
                        links = {r["value"]: r["toggle_url"] for r in facet["results"] if not r.get("selected")}
                        segments = stacked(counts, statuses, sum(counts.values()))
                        for seg in segments:
                            seg["href"] = links.get(seg["status"])
                        return {"total": sum(counts.values()), "segments": segments}
                return None

            return {"claims_nav": nav, "claims_status_bar": status_bar, "claims_status_class": status_class,
                    "claims_facet_order": facet_order}
        queries = await datasette.get_canned_queries(database, request.actor if request is not None else None)
        query_name = None
        if view_name == "table" and table is None and request is not None:  # a canned query
            query_name = tilde_decode(request.url_vars.get("table") or "")
        if query_name in queries:
            paged = ":page" in (queries[query_name].get("sql") or "")
            return {"claims_nav": nav, "claims_pages": _pager(request) if paged else None}
        if view_name == "table":
            return {"claims_facet_order": facet_order}
        if view_name == "database":
            return {
                "claims_nav": nav,
                "claims_status_class": status_class,
                "claims_article_chart": await _article_chart(datasette, database, db, statuses),
                "claims_time_chart": await _time_chart(datasette, database, db, statuses),
                "claims_statuses": statuses,
                "claims_counts_url": datasette.urls.table(database, "status_counts_per_article"),
            }
        return {}

    return inner


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Statuses as coloured badges, in the claims and statuses tables and in query results;
    in the claims table, the key shortened and a sentence that only repeats the text folded."""
    if _shadowed():
        return None
    if table is None:  # the result of a query (a canned query): ids and titles link to their pages
        link = _query_link(row, value, column, datasette, database)
        if link is not None:
            return link
    label = None
    if isinstance(value, dict) and column == "status":  # a foreign key Datasette has labelled
        value, label = value.get("value"), value.get("label")
    if not isinstance(value, str):
        return None
    if table == "claims" and column in ("key", "sentence"):
        return _compact_cell(row, value, column, datasette, database)
    if column not in ("status", "name"):
        return None
    if column == "name" and table != "statuses":
        return None
    if table not in (None, "claims", "statuses"):
        return None

    async def inner():
        known = await _known_statuses(datasette, database)
        if value not in known:
            return None
        badge = Markup('<span class="claims-badge {}">{}</span>').format(status_class(value), label or value)
        if table == "claims":
            href = datasette.urls.row(database, "statuses", tilde_encode(value))
            return Markup('<a class="claims-badge-link" href="{}">{}</a>').format(href, badge)
        return badge

    return inner

"""schema.org ClaimReview JSON-LD for claims with a verdict, and a linter for it.

``review_items`` builds one ClaimReview per claim whose status is a verdict (``statuses``
rows of kind ``verdict``), streamed from one query::

    {"@context": "https://schema.org", "@type": "ClaimReview",
     "url": "https://factcheck.example.org/claims/3",          # the review's page
     "claimReviewed": "<the claim's text>",
     "datePublished": "2026-11-25",                             # when the verdict was set
     "author": {"@type": "Organization", "name": ..., "url": ...},   # the publisher
     "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5,
                      "worstRating": 1, "alternateName": "False"},
     "itemReviewed": {"@type": "Claim",
                      "author": {"@type": "Person", "name": <claimant>},
                      "datePublished": <the article's publication date>,
                      "appearance": {"@type": "CreativeWork", "url": <article URL>, ...}}}

``lint`` reports what a ClaimReview consumer (Google's fact-check tools, the Fact Check
Explorer) rejects (``error``) or warns about (``warning``), following Google's
ClaimReview documentation: ``claimReviewed``, ``reviewRating`` with ``alternateName`` and
``url`` are required, the review ``url`` must be on the publisher's domain (or a
subdomain), ``claimReviewed`` should stay under 75 characters and should not carry the
verdict itself.
"""

import datetime
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional
from urllib.parse import urlsplit

from sqlite_utils import Database

from .filters import ClaimFilter
from .registry import RegistryError, validate_url

CLAIM_REVIEWED_MAX = 75

#: Words that, inside claimReviewed, look like the verdict rather than the claim.
VERDICT_WORDS = [
    "true", "false", "mostly true", "mostly false", "half true", "half-true", "misleading",
    "unproven", "fake", "hoax", "debunked", "correct", "incorrect", "accurate", "inaccurate",
    "pants on fire", "fact check", "fact-check",
]
_VERDICT_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(VERDICT_WORDS, key=len, reverse=True))
                         + r")(?![\w-])", re.IGNORECASE)

#: A claimant whose name contains one of these is an Organization, otherwise a Person.
_ORGANISATION_RE = re.compile(
    r"\b(department|ministry|agency|service|court|office|government|administration|"
    r"committee|commission|council|party|association|union|institute|university|company|"
    r"corporation|corp|inc|ltd|llc|bureau|board|authority|police|campaign|news|times|post|"
    r"irs|dhs|ice|fbi|cia|nasa|eu|nhs)\b",
    re.IGNORECASE,
)


@dataclass
class Publisher:
    """The organisation that publishes the fact checks (ClaimReview ``author``)."""

    name: Optional[str] = None
    url: Optional[str] = None
    logo: Optional[str] = None
    review_url: Optional[str] = None  # template with {id}; default "<url>/claims/{id}"

    def review_url_for(self, claim_id) -> Optional[str]:
        template = self.review_url or (self.url.rstrip("/") + "/claims/{id}" if self.url else None)
        return template.format(id=claim_id) if template else None

    def as_author(self) -> Optional[dict]:
        if not (self.name or self.url):
            return None
        author = {"@type": "Organization", "name": self.name, "url": self.url}
        if self.logo:
            author["logo"] = {"@type": "ImageObject", "url": self.logo}
        return {k: v for k, v in author.items() if v is not None}


def load_publisher(config: Optional[str] = None, *, name=None, url=None, logo=None, review_url=None) -> Publisher:
    """The publisher from a TOML config file's ``[publisher]`` table, options winning::

        [publisher]
        name = "Example Fact Check"
        url = "https://factcheck.example.org"
        logo = "https://factcheck.example.org/logo.png"       # optional
        review_url = "https://factcheck.example.org/claims/{id}"  # optional
    """
    values = {}
    if config:
        path = Path(config)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RegistryError(f"{config}: no such config file")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise RegistryError(f"{config}: not a readable TOML config file: {e}")
        values = data.get("publisher", {})
        if not isinstance(values, dict):
            raise RegistryError(f"{config}: [publisher] must be a table")
        unknown = set(values) - {"name", "url", "logo", "review_url"}
        if unknown:
            raise RegistryError(f"{config}: unknown [publisher] keys: {', '.join(sorted(unknown))}")
    publisher = Publisher(
        name=name or values.get("name"),
        url=url or values.get("url"),
        logo=logo or values.get("logo"),
        review_url=review_url or values.get("review_url"),
    )
    for attr in ("url", "logo"):
        if getattr(publisher, attr):
            setattr(publisher, attr, validate_url(getattr(publisher, attr)))
    if publisher.review_url:
        if "{id}" not in publisher.review_url:
            raise RegistryError(f"the review URL template needs {{id}}: {publisher.review_url!r}")
        try:
            validate_url(publisher.review_url.format(id=1))
        except (KeyError, IndexError, ValueError):
            raise RegistryError(f"the review URL template may only use {{id}}: {publisher.review_url!r}")
    return publisher


def require_publisher(publisher: Publisher) -> Publisher:
    if not publisher.name or not publisher.url:
        raise RegistryError(
            "ClaimReview needs the publishing organisation: --publisher-name and --publisher-url "
            "(or a [publisher] table in a --config TOML file)"
        )
    return publisher


def _iso_date(value) -> Optional[str]:
    """The date part of an ISO 8601 date or time, or None if it is not one."""
    if not value:
        return None
    value = str(value).strip()
    try:
        if len(value) == 10:
            return datetime.date.fromisoformat(value).isoformat()
        return datetime.datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return None


def person_or_organisation(name: str) -> str:
    return "Organization" if _ORGANISATION_RE.search(name) else "Person"


def _drop_empty(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, "", {}, [])}


def review_items(db: Database, publisher: Publisher, **filters) -> Iterator[tuple[int, dict]]:
    """``(claim_id, ClaimReview)`` for every claim with a verdict matching the filters
    (``claims.filters.ClaimFilter`` options, sort included), streamed."""
    chosen = ClaimFilter.of(**filters)
    where, params = chosen.where(db, "c")
    where.insert(0, "st.kind = 'verdict'")
    sql = f"""
        SELECT c.id, c.text, c.claimant, c.updated_at, st.rating_value, st.best_rating,
               st.worst_rating, st.alternate_name, st.label,
               a.url AS article_url, a.title AS article_title, a.outlet, a.published,
               (SELECT e.at FROM claim_events e
                 WHERE e.claim_id = c.id AND e.action IN ('status', 'status-forced') AND e.new_value = c.status
                 ORDER BY e.id DESC LIMIT 1) AS verdict_at,
               (SELECT json_group_array(json_object('url', r.url, 'headline', r.title, 'published', r.published,
                                                    'outlet', r.outlet))
                  FROM (SELECT a2.* FROM claim_appearances ap JOIN claims c2 ON c2.id = ap.repeat_id
                        JOIN articles a2 ON a2.id = c2.article_id
                        WHERE ap.claim_id = c.id AND ap.state = 'grouped' ORDER BY ap.repeat_id) r) AS repeats
        FROM claims c
        JOIN statuses st ON st.name = c.status
        LEFT JOIN articles a ON a.id = c.article_id
        WHERE {' AND '.join(where)}
        ORDER BY {chosen.order_by('c')}
    """
    cursor = db.conn.execute(sql, params)  # filters are checked now, before anything is written
    return _items(cursor, publisher)


def _creative_work(a: dict) -> dict:
    publisher_of_article = {"@type": "Organization", "name": a["outlet"]} if a.get("outlet") else None
    return _drop_empty({
        "@type": "CreativeWork",
        "url": a["url"],
        "headline": a.get("headline"),
        "datePublished": _iso_date(a.get("published")),
        "publisher": publisher_of_article,
    })


def _items(cursor, publisher: Publisher) -> Iterator[tuple[int, dict]]:
    names = [d[0] for d in cursor.description]
    author = publisher.as_author()
    for values in cursor:
        row = dict(zip(names, values))
        rating = _drop_empty({
            "@type": "Rating",
            "ratingValue": row["rating_value"],
            "bestRating": row["best_rating"],
            "worstRating": row["worst_rating"],
            "alternateName": row["alternate_name"] or row["label"],
        })
        claimant = None
        if row["claimant"]:
            claimant = {"@type": person_or_organisation(row["claimant"]), "name": row["claimant"]}
        elif row["outlet"]:
            # The article says it in its own voice: the outlet is the claimant.
            claimant = {"@type": "Organization", "name": row["outlet"]}
        seen = [{"url": row["article_url"], "headline": row["article_title"], "published": row["published"],
                 "outlet": row["outlet"]}] + json.loads(row["repeats"] or "[]")
        # every article the claim appeared in (claims/repeats.py): one object, or a list when several
        appearances = [_creative_work(a) for a in seen if a.get("url")]
        appearance = appearances[0] if len(appearances) == 1 else appearances or None
        item = _drop_empty({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": publisher.review_url_for(row["id"]),
            "claimReviewed": row["text"],
            "datePublished": _iso_date(row["verdict_at"] or row["updated_at"]),
            "author": author,
            "reviewRating": rating,
            "itemReviewed": _drop_empty({
                "@type": "Claim",
                "author": claimant,
                "datePublished": _iso_date(row["published"]),
                "appearance": appearance,
            }),
        })
        yield row["id"], item


# --- lint ----------------------------------------------------------------------------


@dataclass
class Finding:
    level: str  # "error": a consumer rejects the item; "warning": it is accepted but flagged
    field: str
    message: str

    def __str__(self):
        return f"{self.level}: {self.field}: {self.message}"


def _host(url) -> Optional[str]:
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except (ValueError, AttributeError):
        return None


def _is_url(value) -> bool:
    try:
        validate_url(value)
        return True
    except (RegistryError, TypeError, AttributeError):
        return False


def _number(value) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def lint(item, *, publisher_url: Optional[str] = None) -> list[Finding]:
    """What a ClaimReview consumer will reject (errors) or warn about in ``item``.

    The review URL is checked against ``publisher_url`` when given, else against the
    item's ``author.url``.
    """
    out: list[Finding] = []

    def error(f, m):
        out.append(Finding("error", f, m))

    def warning(f, m):
        out.append(Finding("warning", f, m))

    if not isinstance(item, dict):
        return [Finding("error", "(item)", "not a JSON object")]
    if item.get("@type") != "ClaimReview":
        error("@type", f"must be ClaimReview, not {item.get('@type')!r}")
    context = item.get("@context")
    if context not in ("https://schema.org", "http://schema.org", "https://schema.org/", "http://schema.org/"):
        error("@context", f"must be https://schema.org, not {context!r}")

    claim = item.get("claimReviewed")
    if not isinstance(claim, str) or not claim.strip():
        error("claimReviewed", "missing: the claim being reviewed is required")
    else:
        if len(claim) > CLAIM_REVIEWED_MAX:
            warning("claimReviewed", f"{len(claim)} characters; keep it under {CLAIM_REVIEWED_MAX} so it does not "
                    "wrap on a phone")
        found = _VERDICT_RE.search(claim)
        if found:
            warning("claimReviewed", f"contains the verdict word {found.group(0)!r}: state the claim, not the rating")

    rating = item.get("reviewRating")
    if not isinstance(rating, dict):
        error("reviewRating", "missing: the rating is required")
    else:
        if not (isinstance(rating.get("alternateName"), str) and rating["alternateName"].strip()):
            error("reviewRating.alternateName", "missing: the verdict as words (e.g. \"False\") is required")
        value = rating.get("ratingValue")
        if value is not None:
            v, best, worst = _number(value), _number(rating.get("bestRating")), _number(rating.get("worstRating"))
            if v is None:
                error("reviewRating.ratingValue", f"not a number: {value!r}")
            elif best is None or worst is None:
                warning("reviewRating", "ratingValue without bestRating and worstRating: the scale is unknown")
            elif not (min(best, worst) <= v <= max(best, worst)):
                error("reviewRating.ratingValue", f"{value} is outside the scale {worst}..{best}")

    url = item.get("url")
    author = item.get("author")
    if not url:
        error("url", "missing: the page of the fact check is required")
    elif not _is_url(url):
        error("url", f"not an http(s) URL: {url!r}")
    if not isinstance(author, dict) or not author.get("name"):
        error("author", "missing: the publishing organisation (name and url) is required")
    else:
        if author.get("@type") not in ("Organization", "Person"):
            error("author.@type", f"must be Organization or Person, not {author.get('@type')!r}")
        if not author.get("url"):
            warning("author.url", "missing: the publisher's site")
    domain_of = publisher_url or (author.get("url") if isinstance(author, dict) else None)
    if url and _is_url(url) and domain_of:
        review_host, publisher_host = _host(url), _host(domain_of)
        if publisher_host and publisher_host.startswith("www."):
            publisher_host = publisher_host[4:]
        if publisher_host and not (review_host == publisher_host or review_host.endswith("." + publisher_host)):
            error("url", f"{review_host} is not on the publisher's domain {publisher_host}")

    if not _iso_date(item.get("datePublished")):
        warning("datePublished", "missing or not an ISO 8601 date: when the fact check was published")

    reviewed = item.get("itemReviewed")
    if not isinstance(reviewed, dict):
        warning("itemReviewed", "missing: the Claim (who said it, where and when)")
    else:
        if reviewed.get("@type") != "Claim":
            warning("itemReviewed.@type", f"should be Claim, not {reviewed.get('@type')!r}")
        claimant = reviewed.get("author")
        if not isinstance(claimant, dict) or not claimant.get("name"):
            warning("itemReviewed.author", "missing: who made the claim")
        if not _iso_date(reviewed.get("datePublished")):
            warning("itemReviewed.datePublished", "missing or not an ISO 8601 date: when the claim was made")
        appearance = reviewed.get("appearance") or reviewed.get("firstAppearance")
        appearances = appearance if isinstance(appearance, list) else [appearance]
        if not appearance:
            warning("itemReviewed.appearance", "missing: where the claim appeared")
        else:
            for a in appearances:
                if not isinstance(a, dict) or not _is_url(a.get("url")):
                    error("itemReviewed.appearance.url", "not an http(s) URL")
    return out


def lint_items(items: Iterable[tuple[object, dict]], *, publisher_url=None) -> Iterator[tuple[object, list[Finding]]]:
    for label, item in items:
        yield label, lint(item, publisher_url=publisher_url)


def read_items(path) -> Iterator[tuple[str, dict]]:
    """ClaimReview items from a JSON file: an array, one object, or newline-delimited JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as e:
        raise RegistryError(f"{path}: cannot read it as UTF-8 JSON: {e}")
    try:
        data = json.loads(text)
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else [data]
    except json.JSONDecodeError:
        items = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise RegistryError(f"{path}: line {n}: not JSON: {e.msg}")
    for n, item in enumerate(items, 1):
        label = f"item {n}"
        if isinstance(item, dict) and item.get("url"):
            label += f" ({item['url']})"
        yield label, item


def write_items(items: Iterable[tuple[int, dict]], out, *, findings: Optional[list] = None,
                publisher_url=None) -> int:
    """Write ClaimReview items as a JSON array, streaming. With ``findings`` (a list),
    each item is linted as it is written and ``(claim_id, [Finding])`` appended for
    items with problems."""
    count = 0
    out.write("[")
    for claim_id, item in items:
        out.write(("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False, indent=2))
        count += 1
        if findings is not None:
            problems = lint(item, publisher_url=publisher_url)
            if problems:
                findings.append((claim_id, problems))
    out.write("\n]\n" if count else "]\n")
    return count

"""The rows of the registry, described once.

These SQLModel classes are the one description of each table's columns. The tables
themselves are created by the numbered migrations in ``claims.migrations`` (an applied
migration is never edited); ``tests/test_schema.py`` checks that the two agree.
Use them to read the registry from a notebook::

    from sqlmodel import Session, select
    from claims.registry import engine
    from claims.models import Claim
    with Session(engine("registry.db")) as session:
        session.exec(select(Claim).where(Claim.status == "unreviewed")).first()
"""

from enum import Enum
from typing import Optional

from sqlmodel import Field, SQLModel


class SourceKind(str, Enum):
    court_filing = "court filing"
    official_document = "official document"
    statement = "statement"
    news_report = "news report"
    dataset = "dataset"
    other = "other"


class Stance(str, Enum):
    supports = "supports"
    refutes = "refutes"
    context = "context"


class Article(SQLModel, table=True):
    __tablename__ = "articles"

    id: Optional[int] = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, description="sha256 of text: re-adding the same text is a no-op")
    url: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = Field(default=None, description="publication date, ISO 8601")
    text: str = Field(description="the cleaned article text that claims' start/end point into")
    added_at: str


class Status(SQLModel, table=True):
    __tablename__ = "statuses"

    name: str = Field(primary_key=True)
    label: str
    description: str
    sort_order: int
    kind: str = Field(description="workflow, verdict or other")
    needs_source: int = Field(description="1 if setting this verdict requires a source")
    rating_value: Optional[int] = Field(default=None, description="ClaimReview ratingValue, 1 (false) to 5 (true)")
    best_rating: Optional[int] = None
    worst_rating: Optional[int] = None
    alternate_name: Optional[str] = Field(default=None, description="ClaimReview alternateName")


class Claim(SQLModel, table=True):
    __tablename__ = "claims"

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, description="deterministic identity: article sha256 + span + text, or the text of a hand-added claim")
    article_id: Optional[int] = Field(default=None, foreign_key="articles.id")
    text: str
    sentence: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    claimant: Optional[str] = None
    claim_type: Optional[str] = None
    checkable: Optional[int] = None
    checkworthiness: Optional[float] = None
    status: str = Field(default="unreviewed", foreign_key="statuses.name")
    version: int = Field(default=1, description="bumped by every change; exported to CSV to detect conflicts")
    extractor: Optional[str] = None
    extractor_version: Optional[str] = None
    model: Optional[str] = None
    threshold: Optional[float] = None
    created_at: str
    updated_at: str
    assignee: Optional[str] = Field(default=None, description="the reviewer the claim is given to (claims assign)")
    needs_context: Optional[int] = Field(
        default=None, description="1 when the text opens with a reference the extractor could not resolve")


class Source(SQLModel, table=True):
    __tablename__ = "sources"

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id")
    url: str
    title: Optional[str] = None
    kind: str = SourceKind.other.value
    stance: str = Stance.context.value
    note: Optional[str] = None
    added_by: Optional[str] = None
    added_at: str


class ClaimEvent(SQLModel, table=True):
    __tablename__ = "claim_events"

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id")
    at: str
    actor: Optional[str] = None
    action: str = Field(description="created, status, source-added, source-removed, ...")
    old_value: Optional[str] = None
    new_value: Optional[str] = None
    note: Optional[str] = None


class FactCheck(SQLModel, table=True):
    __tablename__ = "fact_checks"

    id: Optional[int] = Field(default=None, primary_key=True)
    publisher: str = Field(default="", description="who published the fact-check; ref is unique per publisher")
    ref: str = Field(description="the record's own id in the imported file")
    text: str = Field(description="the claim that was checked")
    title: Optional[str] = None
    rating: Optional[str] = Field(default=None, description="the publisher's verdict, as published")
    speaker: Optional[str] = Field(default=None, description="who made the checked claim")
    date: Optional[str] = None
    url: Optional[str] = None
    extra: Optional[str] = Field(default=None, description="other fields of the record, as JSON")
    imported_at: str
    updated_at: str


class ClaimLink(SQLModel, table=True):
    __tablename__ = "claim_links"

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id")
    match_kind: str = Field(description="claim or fact_check")
    match_id: int = Field(description="claims.id or fact_checks.id, by match_kind")
    score: Optional[float] = None
    method: Optional[str] = Field(default=None, description="how the match was found and scored")
    why: Optional[str] = Field(default=None, description="JSON: what agreed and what disagreed")
    state: str = Field(default="suggested", description="suggested, confirmed or rejected")
    created_at: str
    decided_at: Optional[str] = None
    decided_by: Optional[str] = None


class FactCheckVector(SQLModel, table=True):
    __tablename__ = "fact_check_vectors"

    fact_check_id: int = Field(primary_key=True, foreign_key="fact_checks.id")
    model: str = Field(description="the embedding model that made the vector")
    vector: bytes = Field(description="float16 sentence vector of the fact-check's text (claims/dense.py)")


class ClaimAppearance(SQLModel, table=True):
    __tablename__ = "claim_appearances"

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", description="the first claim, which reviewers work on")
    repeat_id: int = Field(foreign_key="claims.id", unique=True, description="the claim that says the same again")
    score: Optional[float] = None
    method: Optional[str] = None
    why: Optional[str] = Field(default=None, description="JSON: what agreed (claims similar's reasons)")
    seen_at: str
    state: str = Field(default="grouped", description="grouped, or split by a reviewer")
    split_at: Optional[str] = None
    split_by: Optional[str] = None

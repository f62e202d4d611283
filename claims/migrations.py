"""Numbered schema migrations, recorded in the registry's ``_sqlite_migrations`` table.

An applied migration is never edited: change the schema by adding the next one.
``claims.registry.open_registry`` applies whatever is pending, under the write lock,
every time a command opens the registry.
"""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("claims")

STATUSES = [
    # name, label, description, sort_order, kind, needs_source, rating_value
    ("unreviewed", "Unreviewed", "Extracted or added, not yet looked at by a fact-checker.", 10, "workflow", 0, None),
    ("in-review", "In review", "A fact-checker is working on it.", 20, "workflow", 0, None),
    ("true", "True", "Accurate, with nothing significant missing.", 30, "verdict", 1, 5),
    ("mostly-true", "Mostly true", "Accurate but needs clarification or extra information.", 40, "verdict", 1, 4),
    ("half-true", "Half true", "Partially accurate but leaves out important details or takes things out of context.", 45, "verdict", 1, 3),
    ("misleading", "Misleading", "Contains accurate elements but gives a false overall impression.", 50, "verdict", 1, 2),
    ("mostly-false", "Mostly false", "Contains an element of truth but ignores facts that would give a different impression.", 60, "verdict", 1, 2),
    ("false", "False", "Not accurate.", 70, "verdict", 1, 1),
    ("unproven", "Unproven", "The evidence available does not settle it either way.", 80, "verdict", 0, None),
    ("not-checkable", "Not checkable", "Opinion, prediction or otherwise not a verifiable statement of fact.", 90, "other", 0, None),
]


@migrations(name="m001_initial")
def m001_initial(db: Database):
    db.executescript(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            url TEXT,
            title TEXT,
            outlet TEXT,
            author TEXT,
            published TEXT,
            text TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE statuses (
            name TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL,
            sort_order INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('workflow', 'verdict', 'other')),
            needs_source INTEGER NOT NULL DEFAULT 0,
            rating_value INTEGER CHECK (rating_value BETWEEN 1 AND 5),
            best_rating INTEGER,
            worst_rating INTEGER,
            alternate_name TEXT
        );
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            article_id INTEGER REFERENCES articles(id),
            text TEXT NOT NULL CHECK (length(trim(text)) > 0),
            sentence TEXT,
            start INTEGER,
            "end" INTEGER,
            claimant TEXT,
            claim_type TEXT,
            checkable INTEGER CHECK (checkable IN (0, 1)),
            checkworthiness REAL CHECK (checkworthiness BETWEEN 0 AND 1),
            status TEXT NOT NULL DEFAULT 'unreviewed' REFERENCES statuses(name),
            version INTEGER NOT NULL DEFAULT 1,
            extractor TEXT,
            extractor_version TEXT,
            model TEXT,
            threshold REAL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ((start IS NULL) = ("end" IS NULL)),
            CHECK (start IS NULL OR (start >= 0 AND "end" >= start)),
            CHECK (start IS NULL OR article_id IS NOT NULL)
        );
        CREATE INDEX idx_claims_article_id ON claims(article_id, start);
        CREATE INDEX idx_claims_status ON claims(status, checkworthiness DESC);
        CREATE INDEX idx_claims_claim_type ON claims(claim_type);
        CREATE INDEX idx_claims_claimant ON claims(claimant);
        CREATE INDEX idx_claims_created_at ON claims(created_at);
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            url TEXT NOT NULL,
            title TEXT,
            kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN
                ('court filing', 'official document', 'statement', 'news report', 'dataset', 'other')),
            stance TEXT NOT NULL DEFAULT 'context' CHECK (stance IN ('supports', 'refutes', 'context')),
            note TEXT,
            added_by TEXT,
            added_at TEXT NOT NULL
        );
        CREATE INDEX idx_sources_claim_id ON sources(claim_id);
        CREATE TABLE claim_events (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            at TEXT NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            note TEXT
        );
        CREATE INDEX idx_claim_events_claim_id ON claim_events(claim_id, id);
        CREATE TRIGGER claim_events_no_update BEFORE UPDATE ON claim_events
        BEGIN SELECT RAISE(ABORT, 'claim_events is append-only'); END;
        CREATE TRIGGER claim_events_no_delete BEFORE DELETE ON claim_events
        BEGIN SELECT RAISE(ABORT, 'claim_events is append-only'); END;
        """
    )
    db["statuses"].insert_all(
        [
            {
                "name": name,
                "label": label,
                "description": description,
                "sort_order": order,
                "kind": kind,
                "needs_source": needs_source,
                "rating_value": rating,
                "best_rating": 5 if rating else None,
                "worst_rating": 1 if rating else None,
                "alternate_name": label if kind == "verdict" else None,
            }
            for name, label, description, order, kind, needs_source, rating in STATUSES
        ]
    )
    db["claims"].enable_fts(
        ["text", "sentence"], tokenize="porter unicode61 remove_diacritics 2", create_triggers=True
    )


@migrations(name="m002_fact_checks_and_claim_links")
def m002_fact_checks_and_claim_links(db: Database):
    """Published fact-checks imported from elsewhere, and suggested/decided matches."""
    db.executescript(
        """
        CREATE TABLE fact_checks (
            id INTEGER PRIMARY KEY,
            publisher TEXT NOT NULL DEFAULT '',
            ref TEXT NOT NULL CHECK (length(trim(ref)) > 0),
            text TEXT NOT NULL CHECK (length(trim(text)) > 0),
            title TEXT,
            rating TEXT,
            speaker TEXT,
            date TEXT,
            url TEXT,
            extra TEXT,
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (publisher, ref)
        );
        CREATE INDEX idx_fact_checks_rating ON fact_checks(rating);
        CREATE TABLE claim_links (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            match_kind TEXT NOT NULL CHECK (match_kind IN ('claim', 'fact_check')),
            match_id INTEGER NOT NULL,
            score REAL,
            method TEXT,
            why TEXT,
            state TEXT NOT NULL DEFAULT 'suggested' CHECK (state IN ('suggested', 'confirmed', 'rejected')),
            created_at TEXT NOT NULL,
            decided_at TEXT,
            decided_by TEXT,
            UNIQUE (claim_id, match_kind, match_id),
            CHECK (NOT (match_kind = 'claim' AND match_id = claim_id))
        );
        CREATE INDEX idx_claim_links_match ON claim_links(match_kind, match_id);
        CREATE INDEX idx_claim_links_state ON claim_links(state);
        """
    )
    db["fact_checks"].enable_fts(
        ["text", "title"], tokenize="porter unicode61 remove_diacritics 2", create_triggers=True
    )


@migrations(name="m003_index_checkworthiness")
def m003_index_checkworthiness(db: Database):
    # Datasette sorts the claims table by checkworthiness (metadata sort_desc): without this
    # index every table page sorts all claims (about 180 ms at a million).
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_checkworthiness ON claims(checkworthiness DESC)")


#: Columns of claims whose value counts claim_counts keeps (the claims table's facets).
COUNTED_COLUMNS = ("status", "claim_type", "article_id", "claimant")


def claim_counts_triggers() -> list[str]:
    """The triggers that keep claim_counts in step with claims: one row per non-null
    value of each counted column, dropped when its count reaches 0."""

    def up(col, ref, cond=""):
        return (f"INSERT INTO claim_counts (facet, value, n) SELECT '{col}', {ref}.{col}, 1 "
                f"WHERE {ref}.{col} IS NOT NULL{cond} ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;")

    def down(col, cond=""):
        return (f"UPDATE claim_counts SET n = n - 1 WHERE facet = '{col}' AND value = old.{col}{cond};\n"
                f"DELETE FROM claim_counts WHERE facet = '{col}' AND value = old.{col} AND n <= 0;")

    cols = COUNTED_COLUMNS
    changed = {c: f" AND old.{c} IS NOT new.{c}" for c in cols}
    return [
        "CREATE TRIGGER claim_counts_ai AFTER INSERT ON claims BEGIN\n"
        + "\n".join(up(c, "new") for c in cols) + "\nEND",
        "CREATE TRIGGER claim_counts_ad AFTER DELETE ON claims BEGIN\n"
        + "\n".join(down(c) for c in cols) + "\nEND",
        f"CREATE TRIGGER claim_counts_au AFTER UPDATE OF {', '.join(cols)} ON claims BEGIN\n"
        + "\n".join(down(c, changed[c]) + "\n" + up(c, "new", changed[c]) for c in cols) + "\nEND",
    ]


def refresh_claim_counts(db: Database, since_id: int | None = None):
    """Recount claim_counts from claims (all of it), or add the claims with an id above
    ``since_id`` (the bulk path, which inserts with the insert trigger dropped)."""
    where = "" if since_id is None else f"AND id > {int(since_id)}"
    if since_id is None:
        db.execute("DELETE FROM claim_counts")
    for col in COUNTED_COLUMNS:
        db.execute(
            f"INSERT INTO claim_counts (facet, value, n) SELECT * FROM (SELECT '{col}', {col}, count(*) "
            f"FROM claims WHERE {col} IS NOT NULL {where} GROUP BY {col}) WHERE true "
            "ON CONFLICT (facet, value) DO UPDATE SET n = n + excluded.n"
        )


@migrations(name="m004_claim_counts")
def m004_claim_counts(db: Database):
    # Datasette's claims page facets on status, claim type, article and claimant: a GROUP BY
    # over every claim each (65-300 ms apiece at a million). The plugin reads the unfiltered
    # counts from here instead; triggers keep them right on every write.
    db.execute(
        "CREATE TABLE claim_counts (facet TEXT NOT NULL, value NOT NULL, n INTEGER NOT NULL, "
        "PRIMARY KEY (facet, value)) WITHOUT ROWID"
    )
    for sql in claim_counts_triggers():
        db.execute(sql)
    refresh_claim_counts(db)


#: Columns claim_status_counts counts per status (the claims page's other facets).
PER_STATUS_COLUMNS = ("claim_type", "article_id", "claimant")


def claim_status_counts_triggers() -> list[str]:
    """Triggers keeping claim_status_counts in step with claims: per status, one row per
    non-null value of each of PER_STATUS_COLUMNS, dropped when its count reaches 0."""

    def up(col, cond=""):
        return ("INSERT INTO claim_status_counts (status, facet, value, n) "
                f"SELECT new.status, '{col}', new.{col}, 1 WHERE new.{col} IS NOT NULL{cond} "
                "ON CONFLICT (status, facet, value) DO UPDATE SET n = n + 1;")

    def down(col, cond=""):
        match = f"status = old.status AND facet = '{col}' AND value = old.{col}"
        return (f"UPDATE claim_status_counts SET n = n - 1 WHERE {match}{cond};\n"
                f"DELETE FROM claim_status_counts WHERE {match} AND n <= 0;")

    cols = PER_STATUS_COLUMNS
    changed = {c: f" AND (old.status IS NOT new.status OR old.{c} IS NOT new.{c})" for c in cols}
    return [
        "CREATE TRIGGER claim_status_counts_ai AFTER INSERT ON claims BEGIN\n"
        + "\n".join(up(c) for c in cols) + "\nEND",
        "CREATE TRIGGER claim_status_counts_ad AFTER DELETE ON claims BEGIN\n"
        + "\n".join(down(c) for c in cols) + "\nEND",
        f"CREATE TRIGGER claim_status_counts_au AFTER UPDATE OF status, {', '.join(cols)} ON claims BEGIN\n"
        + "\n".join(down(c, changed[c]) + "\n" + up(c, changed[c]) for c in cols) + "\nEND",
    ]


def refresh_claim_status_counts(db: Database, since_id: int | None = None):
    """Recount claim_status_counts from claims, or add the claims above ``since_id``."""
    where = "" if since_id is None else f"AND id > {int(since_id)}"
    if since_id is None:
        db.execute("DELETE FROM claim_status_counts")
    for col in PER_STATUS_COLUMNS:
        db.execute(
            "INSERT INTO claim_status_counts (status, facet, value, n) SELECT * FROM (SELECT status, "
            f"'{col}', {col}, count(*) FROM claims WHERE {col} IS NOT NULL {where} GROUP BY status, {col}) "
            "WHERE true ON CONFLICT (status, facet, value) DO UPDATE SET n = n + excluded.n"
        )


#: Summary tables the bulk path keeps set-based: insert trigger -> how to add new rows.
SUMMARY_INSERT_TRIGGERS = {
    "claim_counts_ai": refresh_claim_counts,
    "claim_status_counts_ai": refresh_claim_status_counts,
}


@migrations(name="m005_claim_status_counts")
def m005_claim_status_counts(db: Database):
    # A click on a status in the claims page's status facet filters on it: the other three
    # facets then count up to every claim again (2.7 s for "unreviewed" at a million).
    # These per-status counts answer a page whose only filter is one status.
    db.execute(
        "CREATE TABLE claim_status_counts (status TEXT NOT NULL, facet TEXT NOT NULL, value NOT NULL, "
        "n INTEGER NOT NULL, PRIMARY KEY (status, facet, value)) WITHOUT ROWID"
    )
    for sql in claim_status_counts_triggers():
        db.execute(sql)
    refresh_claim_status_counts(db)


@migrations(name="m006_fact_check_vectors")
def m006_fact_check_vectors(db: Database):
    # Sentence vectors of fact-checks for dense retrieval (claims/dense.py): float16,
    # 384 per row. A changed text or a deleted fact-check drops its vector; the next
    # `claims factchecks embed` computes it again.
    db.execute(
        "CREATE TABLE fact_check_vectors (fact_check_id INTEGER PRIMARY KEY REFERENCES fact_checks(id), "
        "model TEXT NOT NULL, vector BLOB NOT NULL)"
    )
    db.execute(
        "CREATE TRIGGER fact_check_vectors_au AFTER UPDATE OF text, title ON fact_checks "
        "WHEN old.text IS NOT new.text OR old.title IS NOT new.title BEGIN "
        "DELETE FROM fact_check_vectors WHERE fact_check_id = old.id; END"
    )
    db.execute(
        "CREATE TRIGGER fact_check_vectors_ad AFTER DELETE ON fact_checks BEGIN "
        "DELETE FROM fact_check_vectors WHERE fact_check_id = old.id; END"
    )


@migrations(name="m007_claim_assignee")
def m007_claim_assignee(db: Database):
    # The reviewer a claim is given to (claims assign; list --assigned NAME).
    db.execute("ALTER TABLE claims ADD COLUMN assignee TEXT")
    db.execute("CREATE INDEX idx_claims_assignee ON claims(assignee)")


@migrations(name="m008_claim_appearances")
def m008_claim_appearances(db: Database):
    # A claim seen again (claims/repeats.py): repeat_id says the same as claim_id, the first
    # claim, which reviewers work on. A reviewer's split keeps the row (state 'split') so
    # the pair is never grouped again.
    db.executescript(
        """
        CREATE TABLE claim_appearances (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            repeat_id INTEGER NOT NULL UNIQUE REFERENCES claims(id),
            score REAL,
            method TEXT,
            why TEXT,
            seen_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'grouped' CHECK (state IN ('grouped', 'split')),
            split_at TEXT,
            split_by TEXT,
            CHECK (claim_id != repeat_id)
        );
        CREATE INDEX idx_claim_appearances_claim_id ON claim_appearances(claim_id, state);
        """
    )


@migrations(name="m009_claim_needs_context")
def m009_claim_needs_context(db: Database):
    # 1 when the claim's text opens with a reference the extractor could not resolve
    # ("It does not,” the order continued."): a reviewer needs the article to read it.
    # NULL for claims added by hand and claims extracted before extractor version 6.
    db.execute("ALTER TABLE claims ADD COLUMN needs_context INTEGER")

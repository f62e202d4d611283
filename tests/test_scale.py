"""The fast paths behind the benchmarks give exactly what the plain paths give.

``registry.add_articles`` (set-based search index, trigger dropped and recreated inside the
transaction) stores what ``add_article`` stores; ``exporting.write_export_csv`` (formula
cells neutralised in SQL) writes the bytes ``write_csv(export_rows(...))`` writes.
"""

import io

import pytest

from claims import exporting, registry, splitter

TEXTS = [
    "The council spent $4 million on roads in 2023. Taxes rose 3% last year, the mayor said.",
    "=SUM(A1:A9) is what the budget office typed, a clerk said. '+1 more' was the reply in 2020.",
    "-5% was the change in 2021, officials said. @mayor posted that crime fell 10% since 2019.",
    "Unemployment fell to 3.5% in 2019. Prices rose 9% in 2022, the bank said.",
]


def items(texts=TEXTS):
    out = []
    for i, text in enumerate(texts):
        extraction = splitter.extract(text)
        out.append(({"text": extraction.text, "title": f"=Title {i}", "url": f"https://example.com/{i}"},
                    extraction.claims()))
    return out


def content(db):
    claims = [tuple(r) for r in db.execute(
        'SELECT key, article_id, text, sentence, start, "end", claimant, claim_type, checkable, checkworthiness, '
        "status, version FROM claims ORDER BY id")]
    events = [tuple(r) for r in db.execute("SELECT claim_id, action, new_value FROM claim_events ORDER BY id")]
    fts = [tuple(r) for r in db.execute("SELECT rowid, text, sentence FROM claims_fts ORDER BY rowid")]
    return claims, events, fts


@pytest.mark.parametrize("bulk_min", [1, 10_000])
def test_add_articles_stores_what_add_article_stores(tmp_path, monkeypatch, bulk_min):
    monkeypatch.setattr(registry, "BULK_MIN_CLAIMS", bulk_min)
    one = registry.open_registry(tmp_path / "one.db")
    for article, claims in items():
        registry.add_article(one, article, claims, provenance=splitter.provenance())
    many = registry.open_registry(tmp_path / "many.db")
    results = registry.add_articles(many, items() + items()[:1], provenance=splitter.provenance(), batch_articles=2)
    assert [added for _, added in results] == [True] * len(TEXTS) + [False]
    assert results[-1][0] == results[0][0]
    assert content(many) == content(one)
    assert many.execute("SELECT count(*) FROM claims").fetchone()[0] > len(TEXTS)
    many.execute("INSERT INTO claims_fts (claims_fts, rank) VALUES ('integrity-check', 1)")
    triggers = {r[0] for r in many.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"claims_ai", "claims_ad", "claims_au"} <= triggers
    for claim_id, text in many.execute("SELECT id, text FROM claims"):  # every claim is found by its words
        assert claim_id in [r["id"] for r in registry.search(many, text, limit=100)]
    # the trigger is back: a claim added the ordinary way is searchable
    registry.add_claim(many, "Bridges cost $9 million in 2020.")
    assert len(list(registry.search(many, "bridges"))) == 1


def test_a_failing_batch_leaves_nothing_and_the_trigger_in_place(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "BULK_MIN_CLAIMS", 1)
    db = registry.open_registry(tmp_path / "r.db")
    good = items()[:2]

    def broken():
        yield from good
        raise RuntimeError("the extractor died")

    with pytest.raises(RuntimeError):
        registry.add_articles(db, broken(), batch_articles=10)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0

    def fails_inside():  # a claim that breaks a constraint, in the middle of a batch
        yield good[0]
        article, claims = good[1]
        yield article, claims + [dict(claims[0], checkworthiness=7.0)]

    with pytest.raises(Exception):
        registry.add_articles(db, fails_inside(), batch_articles=10)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'claims_ai'").fetchone()[0] == 1
    assert not db.conn.in_transaction


def test_fast_csv_export_is_byte_for_byte_the_plain_one(tmp_path):
    db = registry.open_registry(tmp_path / "r.db")
    registry.add_articles(db, items(), provenance=splitter.provenance())
    cid, _ = registry.add_claim(db, "'=already quoted' said the clerk in 2020.")
    registry.add_source(db, cid, "https://example.com/=x", title="@source")
    registry.add_source(db, 1, "https://example.com/a")
    registry.add_source(db, 1, "https://example.com/b")
    registry.add_claim(db, "\tTabbed claim about 5% growth.")
    tricky = ["'", "''", "'a", "-", "'-x", "\tTab", "\rCR", "''=x", "@x", "+1", "'" * 3 + "+y", "x=1", "", None]
    extra = []
    for i, title in enumerate(tricky):
        text = f"Report {i}: spending rose {i + 2}% in 2020, the office said."
        extra.append(({"text": text, "title": title},
                      [{"text": text, "sentence": text, "start": 0, "end": len(text), "checkworthiness": 0.5}]))
    registry.add_articles(db, extra)
    for filters in ({}, {"statuses": ["unreviewed"]}, {"min_checkworthiness": 0.5}, {"article_id": 2}):
        for bom in (False, True):
            plain, fast = io.StringIO(), io.StringIO()
            n_plain = exporting.write_csv(exporting.export_rows(db, **filters), plain, bom=bom)
            n_fast = exporting.write_export_csv(db, fast, bom=bom, **filters)
            assert fast.getvalue() == plain.getvalue()
            assert n_fast == n_plain
    out = io.StringIO()
    exporting.write_export_csv(db, out)
    assert ",'=Title 0," in out.getvalue()  # formula cells are neutralised
    assert "''=already quoted'" in out.getvalue()  # and an apostrophe already there is kept
    with pytest.raises(registry.RegistryError):
        exporting.write_export_csv(db, io.StringIO(), statuses=["bogus"])

"""Shared by the claim-matching scripts (eval-matching, train-matching-reranker, bench-similar):
the CheckThat! Task 2 files, MAP@5, and copying fact-check vectors between registries."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims import dense, embeddings, registry  # noqa: E402


def read_tsv(path):
    """Rows of a queries_/qrels_ file, header skipped, each split at its first tab."""
    with open(path, encoding="utf-8") as f:
        next(f)
        return [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]


def ap_at_5(ranked, relevant):
    """Average precision of the first five of ``ranked`` against the set ``relevant``."""
    hits, total = 0, 0.0
    for i, ref in enumerate(ranked[:5], 1):
        if ref in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), 5)


def copy_vectors(db, source) -> int:
    """Copy fact-check vectors from another registry, matched by publisher, ref and the
    exact text and title (a vector is of those). Returns how many were stored."""
    db.conn.execute("ATTACH DATABASE ? AS src", [f"file:{source}?mode=ro"])
    try:
        with registry.write(db):
            before = db.conn.total_changes
            db.conn.execute(
                f"INSERT INTO {dense.TABLE} (fact_check_id, model, vector) "
                f"SELECT f.id, v.model, v.vector FROM fact_checks f "
                f"JOIN src.fact_checks s ON s.publisher = f.publisher AND s.ref = f.ref "
                f"AND s.text IS f.text AND s.title IS f.title "
                f"JOIN src.{dense.TABLE} v ON v.fact_check_id = s.id AND v.model = ? "
                f"WHERE f.id NOT IN (SELECT fact_check_id FROM {dense.TABLE} WHERE model = ?)",
                [embeddings.MODEL_NAME, embeddings.MODEL_NAME])
            return db.conn.total_changes - before
    finally:
        db.conn.execute("DETACH DATABASE src")

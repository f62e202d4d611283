"""The shipped check-worthiness encoder: the fine-tuned MiniLM, 8-bit, run by onnxruntime.

``claims/data/minilm.onnx`` (built by ``scripts/build-onnx``) is all-MiniLM-L6-v2 with the
LoRA updates of ``claims/data/minilm-lora.npz`` merged in, its matrices and word
embeddings stored as 8-bit integers (under 25 MB); ``claims/data/tokenizer.json`` is its
tokenizer. Both ship in the package, so a plain ``pip install`` scores with the fine-tuned
model, offline. onnxruntime runs it on one thread (the work is split across processes,
not threads), several times faster than the float32 numpy transformer of
``claims.embeddings``; ``scripts/bench-extract`` measures both.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from . import embeddings

DATA = Path(__file__).parent / "data"
FILE = DATA / "minilm.onnx"
TOKENIZER = DATA / "tokenizer.json"
MAX_TOKENS = 64


def available() -> bool:
    if not (FILE.exists() and TOKENIZER.exists()):
        return False
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class Encoder:
    """``pooled(texts)``: the mean of the last layer over each text's tokens, (n, 384)."""

    def __init__(self, path: Path = FILE, max_tokens: int = MAX_TOKENS):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # the 8-bit weights are turned back into float32 once, on loading (constant folding
        # of their DequantizeLinear), not at every run
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(path).parent / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        self.dim = self.session.get_outputs()[0].shape[1]

    def pooled(self, texts, batch_size: int = 16) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        for idx, ids, mask in embeddings.batches(self.tokenizer, texts, batch_size):
            out[idx] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


@lru_cache(maxsize=1)
def encoder() -> Encoder:
    return Encoder(FILE)

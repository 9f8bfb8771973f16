"""The ONNX export gives the vectors sentence-transformers gives, so cached embeddings stay valid across runtimes."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.text.embeddings import Encoder, SentenceTransformerEncoder
from matching.text.onnx import OnnxEncoder, export, model_key, open_encoder

WORDS = ["专精特新", "小巨人", "subsidy", "loans", "for", "CNC", "titanium", "R&D", "研发", "设备", "the", "Wenzhou",
         "guarantee", "!", "2026", "数字化改造", "interest", "talent"]


@pytest.fixture(scope="module")
def encoder() -> SentenceTransformerEncoder:
    """MiniLM, the bundled sentence-transformers model the export is for (the service's default is USE v3)."""
    return SentenceTransformerEncoder()


@pytest.fixture(scope="module")
def exported(encoder: SentenceTransformerEncoder, tmp_path_factory: pytest.TempPathFactory) -> OnnxEncoder:
    directory = export(encoder, tmp_path_factory.mktemp("models") / "minilm")
    assert directory is not None
    return OnnxEncoder(directory)


@settings(max_examples=25, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(WORDS), max_size=400).map(" ".join), min_size=1, max_size=5))
def test_onnx_and_sentence_transformers_agree(encoder: Encoder, exported: OnnxEncoder, texts: list[str]) -> None:
    """Short, empty and over-long texts (truncated at the model's 256 tokens), mixed in one batch."""
    torch_vectors = encoder.encode_documents(texts)
    onnx_vectors = exported.encode_documents(texts)
    assert onnx_vectors.shape == torch_vectors.shape
    assert np.abs(onnx_vectors - torch_vectors).max() < 1e-5
    assert np.abs(exported.encode_query(texts[0]) - encoder.encode_query(texts[0])).max() < 1e-5


def test_the_export_keeps_the_name_embeddings_are_cached_under(encoder: Encoder, exported: OnnxEncoder) -> None:
    assert (exported.name, exported.dimension) == (encoder.name, encoder.dimension)


def test_a_start_exports_and_the_next_loads_the_export(tmp_path: Path) -> None:
    first = open_encoder(None, saved=tmp_path)
    assert isinstance(first, SentenceTransformerEncoder)
    exports = list((tmp_path / "models").iterdir())
    assert [path.name for path in exports] == [model_key(str(first.model.tokenizer.name_or_path))]
    second = open_encoder(None, saved=tmp_path)
    assert isinstance(second, OnnxEncoder)
    assert np.abs(second.encode_query("CNC machining loans") - first.encode_query("CNC machining loans")).max() < 1e-5


def test_an_unreadable_export_is_replaced(tmp_path: Path) -> None:
    open_encoder(None, saved=tmp_path)
    (directory,) = (tmp_path / "models").iterdir()
    (directory / "model.onnx").write_bytes(b"not a model")
    assert isinstance(open_encoder(None, saved=tmp_path), SentenceTransformerEncoder)
    assert isinstance(open_encoder(None, saved=tmp_path), OnnxEncoder)


def test_without_a_directory_nothing_is_exported() -> None:
    assert isinstance(open_encoder(None, saved=None), SentenceTransformerEncoder)

"""The embedding cache: what was encoded before a crash is kept."""

from collections.abc import Sequence

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from matching.store import embeddings as embedding_store
from matching.text.embeddings import HashingEncoder, Vectors, text_hash


class CrashingEncoder(HashingEncoder):
    """Encodes `survives` batches, then fails as a killed process would."""

    def __init__(self, survives: int) -> None:
        super().__init__()
        self.left = survives

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if self.left == 0:
            raise RuntimeError("killed")
        self.left -= 1
        return super().encode_documents(texts)


def test_a_crash_mid_import_keeps_the_batches_already_encoded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding_store, "STORED_EVERY", 10)
    texts = [f"measure number {n}" for n in range(35)]
    with Session(engine) as session, pytest.raises(RuntimeError):
        embedding_store.embed_texts(session, CrashingEncoder(survives=2), texts)
    with Session(engine) as session:
        kept = embedding_store.cached_vectors(session, "hashing-64", [text_hash(text) for text in texts])
    assert len(kept) == 20  # two batches of ten survived the crash
    with Session(engine) as session:  # and the restart encodes only what is left
        restarted = CrashingEncoder(survives=2)
        vectors = embedding_store.embed_texts(session, restarted, texts)
    assert vectors.shape == (35, 64) and restarted.left == 0

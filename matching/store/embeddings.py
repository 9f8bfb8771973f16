"""Embeddings cached in the database by model and text hash: a restart or a second worker never re-embeds."""

from collections.abc import Sequence

import numpy as np
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from matching.store.models import EmbeddingCache
from matching.text.embeddings import Encoder, Vectors, text_hash
from policies.db import utcnow

STORED_EVERY = 1000  # texts encoded between two commits of the cache


def embed_texts(session: Session, encoder: Encoder, texts: Sequence[str], *, progress: bool = False) -> Vectors:
    """Vectors for the texts in order, encoding (and caching) only those never seen under this model.

    It commits: encoding is slow, so no transaction (on SQLite, no write lock) is held meanwhile,
    and the new vectors are stored at once for the other workers. Callers pass a session of their own.
    """
    hashes = [text_hash(text) for text in texts]
    cached = cached_vectors(session, encoder.name, hashes)
    missing = {h: text for h, text in zip(hashes, texts, strict=True) if h not in cached}
    pending = list(missing.items())
    for start in range(0, len(pending), STORED_EVERY):
        session.commit()
        batch = dict(pending[start : start + STORED_EVERY])
        # A first start on a large catalogue encodes for minutes: show it.
        fresh = encoder.encode_documents(list(batch.values()), progress=progress or len(missing) >= 256)
        encoded = {h: vector.astype(np.float32).tobytes() for h, vector in zip(batch, fresh, strict=True)}
        add_vectors(session, encoder.name, encoder.dimension, encoded)
        session.commit()  # stored as it goes: a crash during a large import loses one batch, not all of it
        cached |= encoded
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return np.stack([np.frombuffer(cached[h], dtype=np.float32) for h in hashes])


def cached_vectors(session: Session, model: str, hashes: Sequence[str]) -> dict[str, bytes]:
    """Cached vectors by text hash, for the hashes that have one."""
    found: dict[str, bytes] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), 500):  # keep IN lists within every database's limits
        chunk = unique[start : start + 500]
        statement = select(EmbeddingCache).where(
            EmbeddingCache.model == model, col(EmbeddingCache.text_hash).in_(chunk)
        )
        found.update({row.text_hash: row.vector for row in session.exec(statement).all()})
    return found


def add_vectors(session: Session, model: str, dimension: int, vectors: dict[str, bytes]) -> None:
    """Cache vectors; one another worker cached meanwhile is kept (two workers starting together embed alike)."""
    if not vectors:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(EmbeddingCache).on_conflict_do_nothing(index_elements=["model", "text_hash"])
    now = utcnow()
    session.execute(statement, [{"model": model, "text_hash": text_hash, "dimension": dimension, "vector": vector,
                                 "created_at": now} for text_hash, vector in vectors.items()])

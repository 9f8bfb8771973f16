"""Embeddings cached in the database by model and text hash: a restart never re-embeds."""

from collections.abc import Sequence

import numpy as np
from sqlmodel import Session

from matching.embeddings import Encoder, Vectors, text_hash
from policies import repository


def embed_texts(session: Session, encoder: Encoder, texts: Sequence[str], *, progress: bool = False) -> Vectors:
    """Vectors for the texts in order, encoding (and caching) only those never seen under this model."""
    hashes = [text_hash(text) for text in texts]
    cached = repository.get_embeddings(session, encoder.name, hashes)
    missing = {h: text for h, text in zip(hashes, texts, strict=True) if h not in cached}
    if missing:
        session.commit()  # encoding is slow: hold no transaction (on SQLite, no write lock) meanwhile
        # A first start on a large catalogue encodes for minutes: show it.
        fresh = encoder.encode_documents(list(missing.values()), progress=progress or len(missing) >= 256)
        encoded = {h: vector.astype(np.float32).tobytes() for h, vector in zip(missing, fresh, strict=True)}
        repository.add_embeddings(session, encoder.name, encoder.dimension, encoded)
        session.commit()
        cached |= encoded
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return np.stack([np.frombuffer(cached[h], dtype=np.float32) for h in hashes])

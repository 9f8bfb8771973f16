"""Exact vector search. The only module that imports faiss.

Vectors are L2-normalised, so inner product is cosine similarity. Positions are
the catalogue snapshot's measure positions. Matching filters first and then
scores the survivors exactly: approximate search with an ID filter loses most of
the true top results when few measures survive (DESIGN.md, known traps), and a
small subset is scored faster by one matrix product than by a full scan.
"""

import faiss
import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
Positions = npt.NDArray[np.int64]

CHUNK = 65_536  # quantized rows decoded at a time: bounds the temporary float copy
# Above this share of the catalogue, one faiss flat scan beats gathering the subset.
SUBSET_SHARE_FOR_FULL_SCAN = 0.5
MIN_RANGE = 1e-6  # the narrowest range a quantized dimension may have (QuantizedVectors._widen_flat_ranges)


class VectorIndex:
    """A flat inner-product index over a fixed set of vectors; never mutated once built."""

    def __init__(self, vectors: Vectors) -> None:
        given = np.ascontiguousarray(vectors, dtype=np.float32)
        self.dimension = int(given.shape[1]) if given.ndim == 2 else 0
        self._faiss = faiss.IndexFlatIP(self.dimension or 1)
        self.vectors = given
        if len(given):
            self._faiss.add(given)
            # Hold one copy, faiss's own, seen as an array: a second was 150 MB at 100,000 measures.
            self.vectors = faiss.rev_swig_ptr(self._faiss.get_xb(), given.size).reshape(given.shape)

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def vector(self, position: int) -> Vectors:
        """One measure's vector, as an array of its own.

        `vectors` is a view of faiss's memory that does not keep the index alive: a row
        of it kept after the snapshot is dropped (a catalogue swap mid-request, a test's
        helper returning it) reads freed memory, and once scored -18,061 for a cosine.
        """
        return np.array(self.vectors[position], dtype=np.float32)

    def scores(self, query: Vectors, subset: Positions | None = None) -> npt.NDArray[np.float32]:
        """Cosine similarity of the query with every vector (or those at `subset`), in that order.

        The whole catalogue is one FAISS flat scan; a filtered subset is gathered and
        scored with one matrix product, which beats scanning everything and discarding most.
        """
        if subset is not None and len(subset) <= SUBSET_SHARE_FOR_FULL_SCAN * len(self):
            return (self.vectors[subset] @ query.reshape(-1)).astype(np.float32)
        everything = np.zeros(len(self), dtype=np.float32)
        if len(self):
            found_scores, found = self._faiss.search(query.reshape(1, -1).astype(np.float32), len(self))
            everything[found[0]] = found_scores[0]
        return everything if subset is None else everything[subset]

    def search(self, query: Vectors, k: int, subset: Positions | None = None) -> tuple[Positions, Vectors]:
        """The top k positions and their scores, best first, optionally within a subset."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if subset is None or len(subset) > SUBSET_SHARE_FOR_FULL_SCAN * len(self):
            scores, found = self._faiss.search(query.reshape(1, -1), min(k if subset is None else len(self), len(self)))
            positions, values = found[0], scores[0]
            keep = positions >= 0  # faiss pads short results with -1
            positions, values = positions[keep], values[keep]
            if subset is not None:
                inside = np.isin(positions, subset)
                positions, values = positions[inside][:k], values[inside][:k]
            return positions.astype(np.int64), values.astype(np.float32)
        values = self.scores(query, subset)
        top = np.argsort(-values, kind="stable")[:k]
        return subset[top].astype(np.int64), values[top]


class QuantizedVectors:
    """Many vectors at one byte per dimension (faiss's 8-bit scalar quantizer, a range per dimension).

    Firm relevance only orders firms already tied on verdict and estimated value, so
    an error near 0.001 costs nothing, while float32 would make the embeddings of a
    million firms 1.5 GB instead of 0.4 GB. faiss scores the codes without decoding
    them: 50 ms for a million, where decoding them with numpy took 600 ms
    (benchmarks/RESULTS.md, "Reverse matching"). Rows without text score exactly 0.
    """

    def __init__(self, vectors: Vectors, has_text: npt.NDArray[np.bool_]) -> None:
        self.dimension = int(vectors.shape[1])
        self.has_text = has_text
        self._faiss = faiss.IndexScalarQuantizer(self.dimension, faiss.ScalarQuantizer.QT_8bit,
                                                 faiss.METRIC_INNER_PRODUCT)
        if len(vectors):
            self._faiss.train(vectors)
            self._widen_flat_ranges()
            for start in range(0, len(vectors), CHUNK):
                self._faiss.add(np.ascontiguousarray(vectors[start:start + CHUNK], dtype=np.float32))

    def _widen_flat_ranges(self) -> None:
        """Give every dimension a range wider than zero before any vector is encoded.

        A dimension on which all training vectors agree (every firm's text the
        same, or a dimension no text touches) gets width 0, and faiss encodes
        (x - min) / 0: a NaN cast to a byte, which is undefined in C++. One CI
        machine decoded those codes to -7e37; a width of MIN_RANGE makes the
        code 0 and the decoded value the shared one, on every CPU.
        """
        trained = faiss.vector_to_array(self._faiss.sq.trained)
        widths = trained[self.dimension:]
        if np.any(widths < MIN_RANGE):
            trained[self.dimension:] = np.maximum(widths, MIN_RANGE)
            faiss.copy_array_to_vector(trained.astype(np.float32), self._faiss.sq.trained)

    def __len__(self) -> int:
        return int(self._faiss.ntotal)

    @property
    def nbytes(self) -> int:
        return len(self) * int(self._faiss.code_size) + int(self.has_text.nbytes)

    def scores(self, rows: Positions, query: Vectors) -> npt.NDArray[np.float32]:
        """Approximate cosine similarity of the query with each row's vector, decoding CHUNK rows at a time."""
        out = np.zeros(len(rows), dtype=np.float32)
        flat = query.reshape(-1).astype(np.float32)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            out[start:start + CHUNK] = self._faiss.reconstruct_batch(chunk) @ flat
        out[~self.has_text[rows]] = 0.0
        return out

    def contenders(self, rows: Positions, query: Vectors, k: int, margin: float) -> Positions:
        """The rows that can be among the k most similar: every row within `margin` of the k-th best score.

        A faiss search restricted to `rows` finds the best without scoring the rest in
        Python; it asks for more than k until the last row returned falls below the
        k-th score minus the margin, so no row tied with the k-th (once scores are
        rounded to the margin) is left out. When the rows without text (score 0)
        could reach the first k, every row is a contender.
        """
        texted = rows[self.has_text[rows]]
        if k <= 0 or len(texted) <= k:
            return rows
        selected = np.zeros(len(self), dtype=bool)
        selected[texted] = True
        bitmap = np.packbits(selected, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(self), faiss.swig_ptr(bitmap))  # held here for the whole search
        params = faiss.SearchParameters()  # faiss's SWIG classes take their fields as attributes
        params.sel = selector
        ask = 2 * k + 64
        while ask < len(texted):
            found_scores, found = self._faiss.search(query.reshape(1, -1).astype(np.float32), ask, params=params)
            kth = float(found_scores[0][k - 1])
            if kth - margin <= 0.0:
                return rows
            if found_scores[0][-1] < kth - margin:
                kept: npt.NDArray[np.int64] = found[0][found_scores[0] >= kth - margin].astype(np.int64)
                return kept
            ask *= 4
        return rows


def set_threads(count: int) -> None:
    faiss.omp_set_num_threads(count)

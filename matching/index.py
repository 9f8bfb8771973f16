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

# Above this share of the catalogue, one faiss flat scan beats gathering the subset.
SUBSET_SHARE_FOR_FULL_SCAN = 0.5


class VectorIndex:
    """A flat inner-product index over a fixed set of vectors; never mutated once built."""

    def __init__(self, vectors: Vectors) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.dimension = int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0
        self._faiss = faiss.IndexFlatIP(self.dimension or 1)
        if len(self.vectors):
            self._faiss.add(self.vectors)

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

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


def set_threads(count: int) -> None:
    faiss.omp_set_num_threads(count)

"""BM25 over the catalogue's titles (both languages), summaries and texts, with bm25s."""

from functools import lru_cache

import bm25s
import numpy as np
import numpy.typing as npt

from matching.tokens import tokenize


@lru_cache(maxsize=4096)
def _query_terms(query: str) -> tuple[str, ...]:
    """Queries repeat (a portal re-asks for the same firm); segmenting one costs about half a millisecond."""
    return tuple(tokenize(query))


class LexicalIndex:
    """BM25 scores of a query against every document, in document order."""

    def __init__(self, documents: list[str]) -> None:
        self.size = len(documents)
        self._bm25 = bm25s.BM25()
        tokens = [tokenize(document) or ["∅"] for document in documents]
        if tokens:
            self._bm25.index(tokens, show_progress=False)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        terms = _query_terms(query)
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        known = [term for term in terms if term in self._bm25.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

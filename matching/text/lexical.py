"""BM25 over the catalogue's titles (both languages), summaries and texts, with bm25s."""

import logging
from functools import lru_cache

import bm25s
import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.text.tokens import expansions, tokenize

# bm25s logs every index build at DEBUG, which lands in the server's JSON access log.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Above this share of the catalogue, bm25s's scan of every document beats summing rows.
SUBSET_SHARE = 0.3


@lru_cache(maxsize=4096)
def _query_terms(query: str) -> tuple[str, ...]:
    """The query's tokens and the thesaurus's additions. Queries repeat (a portal re-asks for the same firm);
    segmenting one costs about half a millisecond."""
    own = tokenize(query)
    return tuple(own + [term for term in expansions(query) if term not in own])


class LexicalIndex:
    """BM25 scores of a query against every document, or against some, in document order.

    bm25s keeps its scores by term (a column per term), which is fastest for the
    whole catalogue. A match scores only the few thousand measures a firm
    qualifies for, so the same scores are also kept by document (one row per
    measure) and the rows of those measures are summed instead.
    """

    def __init__(self, documents: list[str]) -> None:
        self.size = len(documents)
        self._bm25 = bm25s.BM25()
        tokens = [tokenize(document) or ["∅"] for document in documents]
        self._rows: sparse.csr_matrix | None = None
        if tokens:
            self._bm25.index(tokens, show_progress=False)
            by_term = self._bm25.scores
            self._rows = sparse.csc_matrix((by_term["data"], by_term["indices"], by_term["indptr"]),
                                           shape=(self.size, len(by_term["indptr"]) - 1)).tocsr()

    def scores(self, query: str, subset: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.float32]:
        """BM25 of the query for every document, or for those at `subset`, in that order."""
        wanted = self.size if subset is None else len(subset)
        if self._rows is None:  # an empty catalogue
            return np.zeros(wanted, dtype=np.float32)
        vocabulary = self._bm25.vocab_dict
        known = [vocabulary[term] for term in _query_terms(query) if term in vocabulary]
        if not known:
            return np.zeros(wanted, dtype=np.float32)
        if subset is None or len(subset) > SUBSET_SHARE * self.size:
            everything = np.asarray(self._bm25.get_scores_from_ids(known), dtype=np.float32)
            return everything if subset is None else everything[subset]
        counts = np.bincount(known, minlength=self._rows.shape[1]).astype(np.float32)  # a repeated term counts again
        return np.asarray(self._rows[subset] @ counts, dtype=np.float32)

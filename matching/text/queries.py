"""Query vectors: a firm's text or a search encoded once and cached, and whether the model can read the text."""

import re
from collections import OrderedDict
from threading import Lock

from matching.text.embeddings import Encoder, Vectors

_LATIN = re.compile(r"[A-Za-z]")


class QueryEncoder:
    """Encodes a firm's text once: repeat matches for the same profile reuse the vector."""

    def __init__(self, encoder: Encoder, size: int = 4096, *, multilingual: bool = False) -> None:
        self.encoder = encoder
        self.multilingual = multilingual  # the bundled model reads English only
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def __call__(self, text: str) -> Vectors:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.encoder.encode_query(text)
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector

    def reads(self, text: str) -> bool:
        """Whether dense relevance means anything for this text.

        The bundled model reads English only: text with no Latin letter gives it nothing,
        so BM25 ranks alone unless the configured model is multilingual.
        """
        return self.multilingual or bool(_LATIN.search(text))

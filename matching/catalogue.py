"""The published catalogue held in memory: compiled criteria, vectors and BM25, with its version.

A snapshot is immutable: a request holds one for its whole life, and a catalogue
change builds a new snapshot beside it and swaps the reference, so no request
ever sees half of an update.
"""

import threading
from dataclasses import dataclass

from sqlmodel import Session

from matching.catalogue_view import MeasureView
from matching.embedding_store import embed_texts
from matching.embeddings import Encoder
from matching.index import VectorIndex
from matching.lexical import LexicalIndex
from matching.measure_columns import MeasureColumns
from matching.shards import ShardedCriteria
from policies import repository


@dataclass(frozen=True)
class CatalogueSnapshot:
    version: int
    measures: list[MeasureView]
    index: dict[str, int]
    criteria: ShardedCriteria
    vectors: VectorIndex
    lexical: LexicalIndex
    columns: MeasureColumns

    @classmethod
    def build(cls, version: int, measures: list[MeasureView], vectors: VectorIndex) -> "CatalogueSnapshot":
        return cls(
            version=version,
            measures=measures,
            index={measure.code: i for i, measure in enumerate(measures)},
            criteria=ShardedCriteria(measures),
            vectors=vectors,
            lexical=LexicalIndex([measure.lexical_text for measure in measures]),
            columns=MeasureColumns.from_views(measures),
        )


def load_snapshot(session: Session, encoder: Encoder, *, progress: bool = False) -> CatalogueSnapshot:
    """Read and compile the published catalogue; the version is read first, so it never overstates."""
    version = repository.catalogue_version(session)
    measures = [MeasureView.of(row) for row in repository.list_published(session)]
    vectors = embed_texts(session, encoder, [measure.dense_text for measure in measures], progress=progress)
    return CatalogueSnapshot.build(version, measures, VectorIndex(vectors))


class CatalogueHolder:
    """Keeps the current snapshot and replaces it when the database has moved on.

    Checking costs one indexed MAX() per request. One request rebuilds; the others
    keep serving the previous snapshot meanwhile (or wait, when there is none yet).
    """

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._snapshot: CatalogueSnapshot | None = None
        self._lock = threading.Lock()

    def current(self, session: Session) -> CatalogueSnapshot:
        version = repository.catalogue_version(session)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        if not self._lock.acquire(blocking=snapshot is None):
            assert snapshot is not None
            return snapshot
        try:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = load_snapshot(session, self.encoder)
            return self._snapshot
        finally:
            self._lock.release()

    @property
    def version(self) -> int | None:
        return None if self._snapshot is None else self._snapshot.version

"""The published catalogue loaded from the database into a snapshot, and the holder that keeps it current."""

import threading
from pathlib import Path

from sqlmodel import Session

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import BENEFIT, CRITERIA, MeasureView
from matching.store import snapshots as snapshot_store
from matching.store.embeddings import embed_texts
from matching.text.embeddings import Encoder
from matching.text.vectors import VectorIndex
from policies import repository
from policies.models import SupportMeasure
from policies.schemas import with_instrument
from policies.terms import Window
from policies.vocabulary import Level, MeasureKind


def view_of(row: SupportMeasure) -> MeasureView:
    return MeasureView(
        code=row.code, title_en=row.title_en, title_zh=row.title_zh, summary=row.summary, body=row.body or "",
        kind=MeasureKind(row.kind), level=Level(row.level), authority=row.authority,
        jurisdiction=tuple(row.jurisdiction), industries=tuple(row.industries),
        criteria=CRITERIA.validate_python(row.criteria), benefit=with_instrument(BENEFIT.validate_python(row.benefit), MeasureKind(row.kind)),
        window=Window.model_validate(row.window), effective_from=row.effective_from,
        effective_to=row.effective_to, exclusivity_group=row.exclusivity_group, source_url=row.source_url,
        legal_basis=row.legal_basis, implements=row.implements, summary_zh=row.summary_zh or "",
        body_zh=row.body_zh or "", authority_zh=row.authority_zh or "",
    )


def load_snapshot(
    session: Session, encoder: Encoder, *, progress: bool = False, saved: Path | None = None
) -> CatalogueSnapshot:
    """Read and compile the published catalogue; the version is read first, so it never overstates.

    With `saved`, a directory, a snapshot compiled earlier from the same published
    measures is loaded from there instead, and a new compilation is written there.
    """
    version = repository.catalogue_version(session)
    key = snapshot_store.fingerprint(session, encoder.name) if saved is not None else ""
    if saved is not None:
        session.commit()  # reading a saved snapshot takes seconds at 100,000 measures: hold no transaction
        parts = snapshot_store.load(saved, key)
        if parts is not None:
            return CatalogueSnapshot.from_parts(parts, version)
    measures = [view_of(row) for row in repository.list_published(session)]
    vectors = embed_texts(session, encoder, [measure.text_for(encoder) for measure in measures], progress=progress)
    # Compiling takes a minute at 100,000 measures. A transaction left open meanwhile kept SQLite's write lock
    # (writers begin IMMEDIATE), so a second worker starting beside this one timed out and failed its start.
    session.commit()
    snapshot = CatalogueSnapshot.build(version, measures, VectorIndex(vectors))
    if saved is not None:
        snapshot_store.save(saved, key, snapshot.parts())
    return snapshot


class CatalogueHolder:
    """Keeps the current snapshot and replaces it when the database has moved on.

    Checking costs one small query per request (repository.catalogue_stamp). One
    request rebuilds; the others keep serving the previous snapshot meanwhile (or
    wait, when there is none yet). The stamp and its snapshot are swapped as one
    reference, so no request pairs a new stamp with an old snapshot.
    """

    def __init__(self, encoder: Encoder, saved: Path | None = None) -> None:
        self.encoder = encoder
        self.saved = saved
        self._current: tuple[repository.Stamp, CatalogueSnapshot] | None = None
        self._lock = threading.Lock()

    def current(self, session: Session) -> CatalogueSnapshot:
        stamp = repository.catalogue_stamp(session)  # read before the build: a snapshot never overstates
        held = self._current
        if held is not None and held[0] == stamp:
            return held[1]
        if not self._lock.acquire(blocking=held is None):
            assert held is not None
            return held[1]
        try:
            held = self._current
            if held is None or held[0] != stamp:
                held = (stamp, load_snapshot(session, self.encoder, saved=self.saved))
                self._current = held
            return held[1]
        finally:
            self._lock.release()

    @property
    def version(self) -> int | None:
        return None if self._current is None else self._current[1].version

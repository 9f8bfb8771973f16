"""The published catalogue held in memory, compiled for evaluation, tagged with its version.

A snapshot is immutable: a request holds one for its whole life, and a catalogue
change builds a new snapshot beside it and swaps the reference, so no request
ever sees half of an update.
"""

import datetime as dt
import threading
from dataclasses import dataclass

from pydantic import TypeAdapter
from sqlmodel import Session

from matching.columnar import CompiledCriteria
from policies import repository
from policies.criteria import Criterion
from policies.models import SupportMeasure
from policies.terms import Benefit, Window
from policies.vocabulary import Level, MeasureKind

_CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])
_BENEFIT: TypeAdapter[Benefit] = TypeAdapter(Benefit)


@dataclass(frozen=True)
class MeasureView:
    """What matching needs of a published measure, parsed once."""

    code: str
    title_en: str
    title_zh: str
    summary: str
    kind: MeasureKind
    level: Level
    authority: str
    jurisdiction: tuple[str, ...]
    industries: tuple[str, ...]
    criteria: list[Criterion]
    benefit: Benefit
    window: Window
    effective_from: dt.date | None
    effective_to: dt.date | None
    exclusivity_group: str | None
    source_url: str | None
    legal_basis: str | None

    @classmethod
    def of(cls, row: SupportMeasure) -> "MeasureView":
        return cls(
            code=row.code, title_en=row.title_en, title_zh=row.title_zh, summary=row.summary,
            kind=MeasureKind(row.kind), level=Level(row.level), authority=row.authority,
            jurisdiction=tuple(row.jurisdiction), industries=tuple(row.industries),
            criteria=_CRITERIA.validate_python(row.criteria), benefit=_BENEFIT.validate_python(row.benefit),
            window=Window.model_validate(row.window), effective_from=row.effective_from,
            effective_to=row.effective_to, exclusivity_group=row.exclusivity_group, source_url=row.source_url,
            legal_basis=row.legal_basis,
        )


@dataclass(frozen=True)
class CatalogueSnapshot:
    version: int
    measures: list[MeasureView]
    index: dict[str, int]
    compiled: CompiledCriteria

    @classmethod
    def build(cls, version: int, measures: list[MeasureView]) -> "CatalogueSnapshot":
        return cls(
            version=version,
            measures=measures,
            index={measure.code: i for i, measure in enumerate(measures)},
            compiled=CompiledCriteria([measure.criteria for measure in measures]),
        )


def load_snapshot(session: Session) -> CatalogueSnapshot:
    """Read the published catalogue and compile it; the version is read first, so it never overstates."""
    version = repository.catalogue_version(session)
    return CatalogueSnapshot.build(version, [MeasureView.of(row) for row in repository.list_published(session)])


class CatalogueHolder:
    """Keeps the current snapshot and replaces it when the database has moved on.

    Checking costs one indexed MAX() per request; rebuilding happens under a lock
    so concurrent requests build it once, while others keep serving the old one.
    """

    def __init__(self) -> None:
        self._snapshot: CatalogueSnapshot | None = None
        self._lock = threading.Lock()

    def current(self, session: Session) -> CatalogueSnapshot:
        version = repository.catalogue_version(session)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = load_snapshot(session)
            return self._snapshot

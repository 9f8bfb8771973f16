"""A published measure as matching reads it: parsed once from its row (`matching.store.catalogue`) or record."""

import datetime as dt
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

from pydantic import TypeAdapter

from matching.eligibility.rules import jurisdiction_rule
from policies.criteria import Criterion
from policies.schemas import MeasureCreate
from policies.terms import Benefit, Window
from policies.vocabulary import Level, MeasureKind

CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])
BENEFIT: TypeAdapter[Benefit] = TypeAdapter(Benefit)


@dataclass(frozen=True)
class MeasureView:
    """What matching needs of a published measure, parsed once."""

    code: str
    title_en: str
    title_zh: str
    summary: str
    body: str
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
    implements: str | None = None  # the scheme it carries out: a bundle counts one scheme once
    summary_zh: str = ""
    body_zh: str = ""
    authority_zh: str = ""

    @classmethod
    def from_record(cls, record: MeasureCreate) -> "MeasureView":
        """A view of a record that is not (yet) in the database: drafts, previews, benchmarks."""
        return cls(
            code=record.code, title_en=record.title_en, title_zh=record.title_zh, summary=record.summary,
            body=record.body or "", kind=record.kind, level=record.level, authority=record.authority,
            jurisdiction=tuple(record.jurisdiction), industries=tuple(record.industries), criteria=record.criteria,
            benefit=record.benefit, window=record.window, effective_from=record.effective_from,
            effective_to=record.effective_to, exclusivity_group=record.exclusivity_group,
            source_url=str(record.source_url) if record.source_url else None, legal_basis=record.legal_basis,
            implements=record.implements, summary_zh=record.summary_zh or "", body_zh=record.body_zh or "",
            authority_zh=record.authority_zh or "",
        )

    @property
    def rules(self) -> list[Criterion]:
        """Everything a firm must satisfy: the jurisdiction, then the measure's own criteria."""
        return jurisdiction_rule(self.jurisdiction) + self.criteria

    @property
    def dense_text(self) -> str:
        """What the encoder reads. English first: the bundled model truncates at 256 word pieces."""
        return f"{self.title_en}. {self.summary} {self.body} {self.title_zh}".strip()

    @property
    def bilingual_text(self) -> str:
        """What a multilingual encoder reads: both titles and summaries before the bodies, so a model that
        truncates keeps the gist in both languages (benchmarks/RESULTS.md, "Retrieval", compares layouts)."""
        return (f"{self.title_en}. {self.summary} {self.title_zh}。{self.summary_zh} {self.body} "
                f"{self.body_zh}").strip()

    def text_for(self, encoder: object) -> str:
        """The text this encoder should embed: the bilingual text if it reads Chinese, else `dense_text`."""
        return self.bilingual_text if getattr(encoder, "multilingual", False) else self.dense_text

    @property
    def lexical_text(self) -> str:
        return (f"{self.title_en} {self.title_zh} {self.summary} {self.summary_zh} {self.body} {self.body_zh} "
                f"{self.authority} {self.authority_zh}")


_VIEW: TypeAdapter[MeasureView] = TypeAdapter(MeasureView)
# Enough for every measure a few hundred concurrent requests show; a request reads tens.
PARSED_VIEWS_KEPT = 4096


class StoredMeasures(Sequence[MeasureView]):
    """The snapshot's measures, kept as compressed JSON and parsed when a request reads one.

    Parsed views cost about ten times their JSON in memory (every criterion is a
    pydantic model), and a request reads only the handful it shows: the compiled
    columns answer everything else. At 100,000 measures this is the difference
    between about 2 GB and 100 MB, and it lets a saved snapshot load in a second.
    """

    def __init__(self, blobs: list[bytes]) -> None:
        self._blobs = blobs
        self._parse = lru_cache(maxsize=PARSED_VIEWS_KEPT)(self._decode)

    @classmethod
    def of(cls, views: Sequence[MeasureView]) -> "StoredMeasures":
        return cls([zlib.compress(_VIEW.dump_json(view), 1) for view in views])

    def _decode(self, position: int) -> MeasureView:
        return _VIEW.validate_json(zlib.decompress(self._blobs[position]))

    def __len__(self) -> int:
        return len(self._blobs)

    @overload
    def __getitem__(self, position: int) -> MeasureView: ...
    @overload
    def __getitem__(self, position: slice) -> list[MeasureView]: ...
    def __getitem__(self, position: int | slice) -> MeasureView | list[MeasureView]:
        if isinstance(position, slice):
            return [self._parse(i) for i in range(len(self))[position]]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self._parse(position)

    def __iter__(self) -> Iterator[MeasureView]:
        return (self._parse(i) for i in range(len(self)))

    def __getstate__(self) -> dict[str, list[bytes]]:
        return {"blobs": self._blobs}  # the parsed cache is a function: rebuilt, not pickled

    def __setstate__(self, state: dict[str, list[bytes]]) -> None:
        StoredMeasures.__init__(self, state["blobs"])

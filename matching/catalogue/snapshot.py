"""The published catalogue compiled for matching: views, criteria by shard, vectors, BM25 and columns, with its version.

Plain data: `matching.store.catalogue` builds one from the database (or a saved file)
and holds the current one. A snapshot is immutable: a request holds one for its
whole life, and a catalogue change builds a new snapshot beside it and swaps the
reference, so no request ever sees half of an update.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.catalogue.columns import MeasureColumns
from matching.catalogue.coverage import Coverage, coverage
from matching.catalogue.shards import ShardedCriteria
from matching.catalogue.view import MeasureView, StoredMeasures
from matching.text.lexical import LexicalIndex
from matching.text.vectors import VectorIndex


@dataclass(frozen=True)
class CatalogueSnapshot:
    version: int
    measures: Sequence[MeasureView]
    codes: list[str]  # by position: results name most measures they count without parsing them
    index: dict[str, int]
    criteria: ShardedCriteria
    vectors: VectorIndex
    lexical: LexicalIndex
    columns: MeasureColumns

    @classmethod
    def build(cls, version: int, measures: list[MeasureView], vectors: VectorIndex) -> "CatalogueSnapshot":
        return cls(
            version=version,
            measures=StoredMeasures.of(measures),
            codes=[measure.code for measure in measures],
            index={measure.code: i for i, measure in enumerate(measures)},
            criteria=ShardedCriteria(measures),
            vectors=vectors,
            lexical=LexicalIndex([measure.lexical_text for measure in measures]),
            columns=MeasureColumns.from_views(measures),
        )


    @cached_property
    def code_array(self) -> npt.NDArray[np.object_]:
        """`codes` as an array: a bundle names thousands of positions at once, faster by one take than a loop."""
        return np.array(self.codes, dtype=object)

    @cached_property
    def jurisdictions(self) -> frozenset[str]:
        """Every place some measure governs, for telling a firm which levels have measures on file."""
        return frozenset(f"{int(code):06d}" for code in set(self.columns.place_codes.tolist()))

    def coverage(self, region: str) -> Coverage:
        return coverage(self.jurisdictions, region)

    def parts(self) -> dict[str, object]:
        """What is saved to disk; the FAISS index is rebuilt from the vectors, which is a copy."""
        saved: dict[str, object] = {field.name: getattr(self, field.name) for field in fields(self)}
        saved["vectors"] = self.vectors.vectors
        return saved

    @classmethod
    def from_parts(cls, parts: dict[str, Any], version: int) -> "CatalogueSnapshot":
        """Parts as `parts()` saved them, read back from an unpickled file: untyped until the fields take them."""
        return cls(**(parts | {"version": version, "vectors": VectorIndex(parts["vectors"])}))

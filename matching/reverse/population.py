"""Stored firms held column-wise in memory for reverse matching: plain data, built by `matching.store.population`.

Like the catalogue snapshot: an immutable population tagged with the firm table's
version, rebuilt beside the old one when firms change, and swapped in whole.
Facts depend on the date (ages, title validity), so a population is per day.

Only what ranks every firm is held: the fact columns, tenants and a one-byte
embedding per dimension. Profiles are read from the database for the page of
results shown, so a million firms fit in well under a gigabyte.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.eligibility.columnar import FirmColumns
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.text.embeddings import Vectors
from matching.text.vectors import QuantizedVectors


@dataclass(frozen=True)
class Population:
    version: int
    as_of: dt.date
    ids: npt.NDArray[np.int64]  # firm ids, in row order
    tenant_of: npt.NDArray[np.int32]  # each row's tenant, numbered by `tenants`
    tenants: dict[str, int]
    external_refs: list[str | None]
    columns: FirmColumns
    vectors: QuantizedVectors  # each firm's description and needs, embedded

    def visible_to(self, tenant: str | None) -> npt.NDArray[np.bool_]:
        """Rows a caller may see: all for bureau staff (None), else the tenant's own firms."""
        if tenant is None:
            return np.ones(len(self.ids), dtype=bool)
        visible: npt.NDArray[np.bool_] = self.tenant_of == self.tenants.get(tenant, -1)
        return visible

    @classmethod
    def of(cls, *, version: int, as_of: dt.date, ids: Sequence[int], tenants: Sequence[str],
           external_refs: list[str | None], profiles: Sequence[FirmProfile], vectors: Vectors,
           has_text: Sequence[bool]) -> "Population":
        """Firms in row order, with each firm's text vector (zeros where it has no text)."""
        numbered: dict[str, int] = {}
        tenant_of = np.array([numbered.setdefault(tenant, len(numbered)) for tenant in tenants], dtype=np.int32)
        return cls(
            version=version, as_of=as_of, ids=np.array(ids, dtype=np.int64), tenant_of=tenant_of, tenants=numbered,
            external_refs=external_refs, columns=FirmColumns.from_facts([derive(p, as_of) for p in profiles]),
            vectors=QuantizedVectors(vectors, has_text=np.array(has_text, dtype=bool)),
        )

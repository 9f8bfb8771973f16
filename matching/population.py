"""Stored firms held column-wise in memory for reverse matching, kept in step with the database.

Like the catalogue snapshot: an immutable population tagged with the firm table's
version, rebuilt beside the old one when firms change, and swapped in whole.
Facts depend on the date (ages, title validity), so a population is per day.

Only what ranks every firm is held: the fact columns, tenants and a one-byte
embedding per dimension. Profiles are read from the database for the page of
results shown, so a million firms fit in well under a gigabyte.
"""

import datetime as dt
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlmodel import Session

from matching import firm_store
from matching.columnar import FirmColumns
from matching.embedding_store import embed_texts
from matching.embeddings import Encoder
from matching.facts import derive
from matching.index import QuantizedVectors
from matching.matcher import query_text
from matching.profile import FirmProfile


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
        return self.tenant_of == self.tenants.get(tenant, -1)


def build(session: Session, encoder: Encoder, as_of: dt.date) -> Population:
    version = firm_store.firms_version(session)
    firms = firm_store.live_firms(session)
    profiles = [FirmProfile.model_validate(firm.profile) for firm in firms]
    texts = [query_text(profile) for profile in profiles]
    with_text = [i for i, text in enumerate(texts) if text]
    vectors = np.zeros((len(firms), encoder.dimension), dtype=np.float32)
    if with_text:
        vectors[with_text] = embed_texts(session, encoder, [texts[i] for i in with_text])
    tenants: dict[str, int] = {}
    tenant_of = np.array([tenants.setdefault(firm.tenant, len(tenants)) for firm in firms], dtype=np.int32)
    return Population(
        version=version, as_of=as_of, ids=np.array([firm.id for firm in firms], dtype=np.int64),
        tenant_of=tenant_of, tenants=tenants, external_refs=[firm.external_ref for firm in firms],
        columns=FirmColumns.from_facts([derive(profile, as_of) for profile in profiles]),
        vectors=QuantizedVectors(vectors, has_text=np.array([bool(text) for text in texts], dtype=bool)),
    )


class PopulationHolder:
    """The current population; rebuilt when the firm table's stamp or the date moves on."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._current: tuple[tuple[object, ...], Population] | None = None
        self._lock = threading.Lock()

    def current(self, session: Session, as_of: dt.date) -> Population:
        key = (firm_store.firms_stamp(session), as_of)
        held = self._current
        if held is not None and held[0] == key:
            return held[1]
        with self._lock:
            held = self._current
            if held is None or held[0] != key:
                held = (key, build(session, self.encoder, as_of))
                self._current = held
            return held[1]

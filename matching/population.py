"""Stored firms held column-wise in memory for reverse matching, kept in step with the database.

Like the catalogue snapshot: an immutable population tagged with the firm table's
version, rebuilt beside the old one when firms change, and swapped in whole.
Facts depend on the date (ages, title validity), so a population is per day.
"""

import datetime as dt
import threading
from dataclasses import dataclass

import numpy as np
from sqlmodel import Session

from matching import firm_store
from matching.columnar import FirmColumns
from matching.embedding_store import embed_texts
from matching.embeddings import Encoder, Vectors
from matching.facts import Facts, derive
from matching.matcher import query_text
from matching.profile import FirmProfile


@dataclass(frozen=True)
class Population:
    version: int
    as_of: dt.date
    ids: np.ndarray  # firm ids, in row order
    tenants: list[str]
    external_refs: list[str | None]
    profiles: list[FirmProfile]
    facts: list[Facts]
    columns: FirmColumns
    vectors: Vectors  # each firm's description and needs, embedded (zeros when it has none)
    has_text: np.ndarray


def build(session: Session, encoder: Encoder, as_of: dt.date) -> Population:
    version = firm_store.firms_version(session)
    firms = firm_store.live_firms(session)
    profiles = [FirmProfile.model_validate(firm.profile) for firm in firms]
    facts = [derive(profile, as_of) for profile in profiles]
    texts = [query_text(profile) for profile in profiles]
    with_text = [i for i, text in enumerate(texts) if text]
    vectors = np.zeros((len(firms), encoder.dimension), dtype=np.float32)
    if with_text:
        vectors[with_text] = embed_texts(session, encoder, [texts[i] for i in with_text])
    return Population(
        version=version, as_of=as_of, ids=np.array([firm.id for firm in firms], dtype=np.int64),
        tenants=[firm.tenant for firm in firms], external_refs=[firm.external_ref for firm in firms],
        profiles=profiles, facts=facts, columns=FirmColumns.from_facts(facts), vectors=vectors,
        has_text=np.array([bool(text) for text in texts], dtype=bool),
    )


class PopulationHolder:
    """The current population; rebuilt when the firm table's version or the date moves on."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._population: Population | None = None
        self._lock = threading.Lock()

    def current(self, session: Session, as_of: dt.date) -> Population:
        version = firm_store.firms_version(session)
        population = self._population
        if population is not None and population.version == version and population.as_of == as_of:
            return population
        with self._lock:
            population = self._population
            if population is None or population.version != version or population.as_of != as_of:
                population = build(session, self.encoder, as_of)
                self._population = population
            return population

"""The population of stored firms loaded from the database, and the holder that keeps it current."""

import datetime as dt
import threading

import numpy as np
from sqlmodel import Session

from matching.firm.profile import FirmProfile, query_text
from matching.reverse.population import Population
from matching.store import firms as firm_store
from matching.store.embeddings import embed_texts
from matching.text.embeddings import Encoder


def build(session: Session, encoder: Encoder, as_of: dt.date) -> Population:
    version = firm_store.firms_version(session)
    firms = firm_store.live_firms(session)
    profiles = [FirmProfile.model_validate(firm.profile) for firm in firms]
    texts = [query_text(profile) for profile in profiles]
    with_text = [i for i, text in enumerate(texts) if text]
    vectors = np.zeros((len(firms), encoder.dimension), dtype=np.float32)
    if with_text:
        vectors[with_text] = embed_texts(session, encoder, [texts[i] for i in with_text])
    return Population.of(
        version=version, as_of=as_of, ids=[firm.id or 0 for firm in firms], tenants=[firm.tenant for firm in firms],
        external_refs=[firm.external_ref for firm in firms], profiles=profiles, vectors=vectors,
        has_text=[bool(text) for text in texts],
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

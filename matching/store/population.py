"""The population of stored firms loaded from the database, and the holder that keeps it current."""

import datetime as dt
import threading
from collections.abc import Callable

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


class _Slot:
    """One held population and the lock its builds queue on."""

    def __init__(self) -> None:
        self.held: tuple[tuple[object, ...], Population] | None = None
        self.lock = threading.Lock()

    def get(self, key: tuple[object, ...], make: Callable[[], Population]) -> Population:
        held = self.held
        if held is not None and held[0] == key:
            return held[1]
        with self.lock:
            held = self.held
            if held is None or held[0] != key:
                held = (key, make())
                self.held = held
            return held[1]


class PopulationHolder:
    """The current population; rebuilt when the firm table's stamp or the date moves on.

    Facts depend on the date, so a population is per date. Nearly every request asks for
    today's; a caller asking about another date (`as_of` on /candidates) must not make
    everybody else's next request rebuild today's. So today's is held in a slot of its own,
    and other dates share a second slot, built on demand beside today's and replaced by the
    next other date: at most two populations in memory, and alternating past dates cost only
    the callers asking for them. The slots have their own locks, so a slow build for a past
    date never holds up today's.
    """

    def __init__(self, encoder: Encoder, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.encoder = encoder
        self._today = today
        self._usual = _Slot()
        self._other = _Slot()

    def current(self, session: Session, as_of: dt.date) -> Population:
        slot = self._usual if as_of == self._today() else self._other
        return slot.get((firm_store.firms_stamp(session), as_of), lambda: build(session, self.encoder, as_of))

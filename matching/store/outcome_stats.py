"""The outcome book the match route reads, built from the outcomes on file and rebuilt when one is written.

A firm's peer group (who counts as "a firm like this one") is its size class, the highest tier of the
专精特新 ladder it holds and its sector (GB/T 4754 section letter), from its current profile.
"""

import datetime as dt
import threading

from sqlmodel import Session, col, select

from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ladder.models import LADDER, TIER
from matching.ranking.evidence import OutcomeBook, PeerGroup
from matching.store.models import Firm, FirmOutcome, FirmOutcomeRevision
from policies import repository


def peer_group(profile: FirmProfile, as_of: dt.date) -> PeerGroup:
    """The firm's size class, the highest tier of the ladder it holds, and its sector's section letter."""
    facts = derive(profile, as_of)
    tier = max((TIER[rung] for rung in LADDER if rung in facts.designations), default=0)
    section = facts.industries[0][0] if facts.industries else None
    return (facts.size_class.value if facts.size_class else None), tier, section


def build(session: Session, min_group: int, as_of: dt.date) -> OutcomeBook:
    """The book of every outcome on file; firms deleted since still count (their outcomes happened)."""
    rows = session.exec(select(FirmOutcome.measure_code, FirmOutcome.firm_id, FirmOutcome.event,
                               col(FirmOutcome.amount_yuan))).all()
    firm_ids = sorted({firm_id for _, firm_id, _, _ in rows})
    groups: dict[int, PeerGroup] = {}
    for start in range(0, len(firm_ids), 1000):
        for firm in session.exec(select(Firm).where(col(Firm.id).in_(firm_ids[start:start + 1000]))).all():
            groups[int(firm.id or 0)] = peer_group(FirmProfile.model_validate(firm.profile), as_of)
    return OutcomeBook.of(rows, groups, min_group)


class OutcomeBookHolder:
    """The current book, rebuilt when an outcome is written (or corrected) or the day changes."""

    def __init__(self, min_group: int) -> None:
        self.min_group = min_group
        self._held: tuple[tuple[object, ...], OutcomeBook] | None = None
        self._lock = threading.Lock()

    def current(self, session: Session) -> OutcomeBook:
        key = (repository.history_stamp(session, FirmOutcomeRevision), dt.date.today())
        held = self._held
        if held is not None and held[0] == key:
            return held[1]
        with self._lock:
            held = self._held
            if held is None or held[0] != key:
                held = (key, build(session, self.min_group, dt.date.today()))
                self._held = held
            return held[1]

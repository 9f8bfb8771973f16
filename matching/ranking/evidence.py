"""What firms got from a measure, from the outcomes on file: applicants, success rate, amounts awarded.

Counted over every portal's firms, published only as aggregates, and only for a group of at least
`min_group` firms (MATCHING_OUTCOME_MIN_GROUP, at least 5) so that no single firm's outcome can be read
off. Each measure has its figures overall and for firms like the one asked about (its peer group: see
`matching.store.outcome_stats.peer_group`).

A firm counts once per measure, by its furthest outcome: awarded, else rejected, else withdrawn, else
applied; "not pursued" is not an application. The success rate is awarded over decided (awarded or
rejected): applications still pending say nothing yet.
"""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import BaseModel, Field

# How far an outcome went, for choosing each firm's furthest one (not_pursued is no application at all).
FURTHEST = {"applied": 1, "withdrawn": 2, "rejected": 3, "awarded": 4}
PeerGroup = tuple[str | None, int, str | None]  # size class, highest ladder tier held (0: none), sector section


class OutcomeStats(BaseModel):
    """A group's figures for one measure; amounts only when at least the minimum group received one."""

    firms: int = Field(description="firms that applied (each once)")
    decided: int = Field(description="of them, awarded or rejected")
    awarded: int
    success_rate: float | None = Field(description="awarded / decided; null while fewer than the minimum group "
                                                   "are decided")
    awarded_median_yuan: Decimal | None = None
    awarded_low_yuan: Decimal | None = None
    awarded_high_yuan: Decimal | None = None


class Peers(BaseModel):
    """Who counts as a firm like this one."""

    size_class: str | None
    ladder_tier: int = Field(description="highest tier of the 专精特新 ladder held: 0 none, 1 innovative or tech "
                                         "SME, 2 specialized SME, 3 little giant, 4 single champion")
    section: str | None = Field(description="GB/T 4754 section letter of the first industry")


class MeasureEvidence(BaseModel):
    """Outcomes on file for a measure: overall, and among firms like this one (null below the minimum group)."""

    overall: OutcomeStats
    similar: OutcomeStats | None = Field(description="among firms like this one (`peers`)")
    peers: Peers
    min_group: int = Field(description="no figure is published for fewer firms than this")


@dataclass
class _Applicant:
    step: int
    amount: Decimal | None
    group: PeerGroup


@dataclass
class OutcomeBook:
    """Every measure's applicants, each with its furthest outcome and its peer group; figures on demand."""

    min_group: int
    applicants: dict[str, list[_Applicant]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, int, str, Decimal | None]], groups: dict[int, PeerGroup],
           min_group: int) -> "OutcomeBook":
        """From (measure code, firm id, event, amount) rows and each firm's peer group."""
        furthest: dict[tuple[str, int], _Applicant] = {}
        for code, firm_id, event, amount in rows:
            step = FURTHEST.get(event)
            if step is None or firm_id not in groups:
                continue
            held = furthest.get((code, firm_id))
            if held is None or step > held.step or (step == held.step and amount is not None):
                furthest[(code, firm_id)] = _Applicant(step, amount if event == "awarded" else None, groups[firm_id])
        book = cls(min_group=min_group)
        for (code, _), applicant in furthest.items():
            book.applicants.setdefault(code, []).append(applicant)
        return book

    def evidence(self, code: str, group: PeerGroup) -> MeasureEvidence | None:
        """The measure's figures, or None when no group of its applicants is large enough to show."""
        everyone = self.applicants.get(code, [])
        overall = self._stats(everyone)
        if overall is None:
            return None
        size_class, tier, section = group
        return MeasureEvidence(overall=overall, similar=self._stats([a for a in everyone if a.group == group]),
                               peers=Peers(size_class=size_class, ladder_tier=tier, section=section),
                               min_group=self.min_group)

    def _stats(self, applicants: list[_Applicant]) -> OutcomeStats | None:
        if len(applicants) < self.min_group:
            return None
        decided = [a for a in applicants if a.step >= FURTHEST["rejected"]]
        awarded = [a for a in decided if a.step == FURTHEST["awarded"]]
        amounts = sorted(a.amount for a in awarded if a.amount is not None)
        shown = len(amounts) >= self.min_group
        return OutcomeStats(
            firms=len(applicants), decided=len(decided), awarded=len(awarded),
            success_rate=round(len(awarded) / len(decided), 3) if len(decided) >= self.min_group else None,
            awarded_median_yuan=Decimal(statistics.median(amounts)).quantize(Decimal("0.01")) if shown else None,
            awarded_low_yuan=amounts[0] if shown else None, awarded_high_yuan=amounts[-1] if shown else None,
        )



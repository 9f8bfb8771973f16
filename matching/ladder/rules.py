"""Which rulebook judges a rung on a date, the assessor for each, and the ladder as a whole."""

import datetime as dt
from collections.abc import Callable, Sequence

from matching.eligibility.rules import STATUS_OF
from matching.firm.facts import Facts, derive
from matching.firm.profile import FirmProfile
from matching.ladder.champion import assess_single_champion
from matching.ladder.little_giant import assess_little_giant_2022, assess_little_giant_2026
from matching.ladder.models import LADDER, REGIME_2026_FROM, TIER, Firm, Purpose, Regime, Rung, RungAssessment
from matching.ladder.specialized import assess_specialized_2022, assess_specialized_2026
from matching.ladder.tier1 import assess_innovative_sme, assess_tech_sme

Assessor = Callable[[Firm, Regime], RungAssessment]
ASSESSORS: dict[tuple[Rung, Regime], Assessor] = {
    ("tech_sme", Regime.tech_2017): assess_tech_sme,
    ("innovative_sme", Regime.gradient_2022): assess_innovative_sme,
    ("specialized_sme", Regime.gradient_2022): assess_specialized_2022,
    ("specialized_sme", Regime.gradient_2026): assess_specialized_2026,
    ("little_giant", Regime.gradient_2022): assess_little_giant_2022,
    ("little_giant", Regime.gradient_2026): assess_little_giant_2026,
    ("single_champion", Regime.champion_2023): assess_single_champion,
}


def regime_for(rung: Rung, as_of: dt.date, purpose: Purpose = "new") -> Regime:
    """§0: new 专精特新/小巨人 applications from 2026-04-01 use 2号; earlier ones and re-reviews use 63号.

    The innovative SME keeps 63号 Annex 1 under both (2号文第三十条); the tech SME uses 115号.
    """
    if rung == "tech_sme":
        return Regime.tech_2017
    if rung == "single_champion":
        return Regime.champion_2023
    if rung in ("specialized_sme", "little_giant") and purpose == "new" and as_of >= REGIME_2026_FROM:
        return Regime.gradient_2026
    return Regime.gradient_2022


def _assess(rung: Rung, profile: FirmProfile, facts: Facts, purpose: Purpose) -> RungAssessment:
    regime = regime_for(rung, facts.as_of, purpose)
    return ASSESSORS[(rung, regime)](Firm(profile, facts), regime)


def assess_rung(rung: Rung, profile: FirmProfile, as_of: dt.date, purpose: Purpose = "new") -> RungAssessment:
    """One rung under the rules in force for this purpose on as_of."""
    return _assess(rung, profile, derive(profile, as_of), purpose)


def assess_ladder(profile: FirmProfile, as_of: dt.date, purpose: Purpose = "new") -> list[RungAssessment]:
    """Every rung, lowest first."""
    facts = derive(profile, as_of)
    return [_assess(rung, profile, facts, purpose) for rung in LADDER]


def next_rung(assessments: Sequence[RungAssessment]) -> RungAssessment | None:
    """The lowest rung above the highest tier already held: the gap to climb.

    A higher title implies the tiers below, so a little giant's next rung is the single champion
    even without a current 专精特新 title. Within tier 1 (tech or innovative SME) the rung nearer
    to passing is chosen, ladder order breaking ties.
    """
    held = max((TIER[a.rung] for a in assessments if a.held), default=0)
    above = [a for a in assessments if TIER[a.rung] > held]
    if not above:
        return None
    lowest = min(TIER[a.rung] for a in above)
    return max((a for a in above if TIER[a.rung] == lowest), key=lambda a: STATUS_OF[a.status])

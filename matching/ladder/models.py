"""The ladder's vocabulary: units, rungs, regimes, the result models, and the firm an assessor reads."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from matching.eligibility.rules import Outcome
from matching.firm.facts import Facts
from matching.firm.profile import FirmProfile
from policies.i18n import OneLanguage
from policies.vocabulary import Designation

WAN = 10_000  # 万元
YI = 100_000_000  # 亿元

Rung = Literal["tech_sme", "innovative_sme", "specialized_sme", "little_giant", "single_champion"]
Purpose = Literal["new", "review"]
StatusLabel = Literal["pass", "fail", "unknown", "confirm"]
# Why an indicator has no points yet: a profile field is missing; a person must confirm which band
# applies; or the profile cannot hold the fact (platform tests, provincial indicators).
Pending = Literal["missing", "confirm", "not_computable"]
Op = Literal["gte", "lte"]

LADDER: tuple[Rung, ...] = (
    "tech_sme", "innovative_sme", "specialized_sme", "little_giant", "single_champion",
)
# Tech and innovative SME are alternatives at tier 1 (the 2026 "科技和创新型中小企业", §0).
TIER: dict[Rung, int] = {
    "tech_sme": 1, "innovative_sme": 1, "specialized_sme": 2, "little_giant": 3, "single_champion": 4,
}


class Regime(StrEnum):
    """The rulebook a rung is judged by (§0)."""

    tech_2017 = "科技型中小企业 (国科发政〔2017〕115号)"
    gradient_2022 = "2022 (工信部企业〔2022〕63号)"
    gradient_2026 = "2026 (工信部企业〔2026〕2号)"
    champion_2023 = "2023 (工信部政法〔2023〕138号)"


# §0: new applications from this day use the 2026 standards for 专精特新 and 小巨人.
REGIME_2026_FROM = dt.date(2026, 4, 1)


class Indicator(OneLanguage):
    """One scored indicator; `floor`..`ceiling` is what it can still give when `points` is open.

    `name`, `band` and `note` are English, each with its Chinese twin (`name_zh`, `band_zh`, `note_zh`).
    """

    key: str
    name: str
    name_zh: str
    group: str
    points: float | None
    floor: float
    ceiling: float
    max_points: float
    value: float | str | None = None
    band: str | None = None
    band_zh: str | None = None
    pending: Pending | None = None
    missing: str | None = None  # profile fields to provide, when pending == "missing"
    note: str | None = None
    note_zh: str | None = None


class RungAssessment(OneLanguage):
    """One rung of the ladder for one firm on one date.

    `status` is the worst of `conditions`; a condition that an escape route can replace is an
    `any_of` outcome whose first part is the normal test and whose other parts are the routes,
    which `routes` repeats for display. `score_min`..`score_max` is the achievable score range.
    `gaps` and `notes` are English; `gaps_zh` and `notes_zh` say the same, line for line, in Chinese.
    """

    rung: Rung
    designation: Designation
    regime: str
    held: bool
    status: StatusLabel
    score: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    pass_mark: float | None = None
    indicators: list[Indicator] = []
    conditions: list[Outcome] = []
    routes: list[Outcome] = []
    gaps: list[str] = []
    gaps_zh: list[str] = []
    notes: list[str] = []
    notes_zh: list[str] = []

    @property
    def score_range(self) -> tuple[float, float] | None:
        if self.score_min is None or self.score_max is None:
            return None
        return (self.score_min, self.score_max)


@dataclass(frozen=True)
class Firm:
    """What an assessor is given: the profile and the facts derived from it for the assessment date."""

    profile: FirmProfile
    facts: Facts

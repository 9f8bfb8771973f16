"""One firm, one measure, one date: the verdict every surface reports, built in one place.

Match, eligibility, ask, MCP, reverse matching and webhooks all call `judge`, so
a firm reading two answers about the same measure on the same day reads the same
verdict, window status and reasons. The columnar pass only decides which measures
are worth judging; it agrees with this by the property tests.
"""

from pydantic import BaseModel

from matching.catalogue.view import MeasureView
from matching.eligibility.rules import Outcome, Verdict, decisive, evaluate
from matching.firm.facts import Facts
from matching.ranking.benefit import Estimate, estimate
from matching.ranking.windows import WindowState, window_state
from policies.i18n import OneLanguage

CLOSING_SOON_DAYS = 30


class ToConfirm(OneLanguage):
    """A hand-checked condition nobody has confirmed yet, and the id to confirm it by."""

    condition: str
    text: str
    text_zh: str | None


class MeasureVerdict(BaseModel):
    """One measure for one firm: the verdict, every reason, the window, and what it is worth."""

    code: str
    title_en: str
    title_zh: str
    kind: str
    level: str
    verdict: Verdict
    window: WindowState
    outcomes: list[Outcome]
    failing: list[Outcome]
    missing: list[str]
    to_confirm: list[ToConfirm]
    estimated_benefit: Estimate
    source_url: str | None
    legal_basis: str | None

    @property
    def reasons(self) -> list[str]:
        """What decided the verdict, in words: the failures, else what is missing or unconfirmed."""
        return [outcome.reason for outcome in self._deciding()]

    @property
    def reasons_zh(self) -> list[str]:
        """`reasons` in Chinese."""
        return [outcome.reason_zh or outcome.reason for outcome in self._deciding()]

    def _deciding(self) -> list[Outcome]:
        if self.failing:
            return self.failing
        return decisive(self.outcomes, "unknown") + decisive(self.outcomes, "confirm")


def judge(measure: MeasureView, facts: Facts, closing_soon_days: int = CLOSING_SOON_DAYS) -> MeasureVerdict:
    """The scalar evaluation of one measure for one firm as of `facts.as_of`, shaped for people."""
    verdict, outcomes = evaluate(measure.criteria, facts, measure.jurisdiction, measure.code)
    unconfirmed = decisive(outcomes, "confirm")
    return MeasureVerdict(
        code=measure.code, title_en=measure.title_en, title_zh=measure.title_zh, kind=measure.kind.value,
        level=measure.level.value, verdict=verdict,
        window=window_state(measure.window, measure.effective_from, measure.effective_to, facts.as_of,
                            closing_soon_days),
        outcomes=outcomes, failing=decisive(outcomes, "fail"),
        missing=sorted({o.field for o in decisive(outcomes, "unknown") if o.field}),
        to_confirm=[ToConfirm(condition=o.condition or "", text=o.reason.removeprefix("confirm: "), text_zh=o.text_zh)
                    for o in unconfirmed],
        estimated_benefit=estimate(measure.benefit, facts),
        source_url=measure.source_url, legal_basis=measure.legal_basis,
    )

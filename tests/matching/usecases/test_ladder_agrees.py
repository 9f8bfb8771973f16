"""The ladder (/v1/assess) and the national recognition measure of the same rung agree.

The ladder is the reference for a rung's standard; the catalogue's recognition measure
is what match, eligibility and ask report. They must not contradict each other:

- when the ladder says the firm fails the rung, the measure says ineligible (a fact the
  firm's own data decide is never left "possibly eligible");
- when the measure says ineligible, the ladder says fail, or the firm already holds the
  title (the measure is not for firms that have it).

Scores the national platform computes are not in a profile: the ladder leaves them
unknown and the measure asks the firm to confirm, so neither direction is at stake there.
"""

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.catalogue.verdict import judge
from matching.eligibility.rules import Verdict
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ladder import assess_rung
from matching.ladder.models import Rung
from tests.matching.usecases.test_one_verdict import DATES, firms, sample

MEASURE_OF: dict[Rung, str] = {
    "tech_sme": "CN-TECH-SME-EVALUATION-2026",
    "innovative_sme": "CN-INNOVATIVE-SME-RECOGNITION",
    "specialized_sme": "CN-SPECIALIZED-SME-RECOGNITION",
    "little_giant": "CN-LITTLE-GIANT-RECOGNITION",
    "single_champion": "CN-SINGLE-CHAMPION-RECOGNITION",
}


def _disagreements(profile: FirmProfile, as_of: dt.date, seen: Counter[tuple[str, str]] | None = None) -> list[str]:
    snapshot = sample()
    facts = derive(profile, as_of)
    found = []
    for rung, code in MEASURE_OF.items():
        view = snapshot.measures[snapshot.index[code]]
        in_force = (view.effective_from is None or view.effective_from <= as_of) and (
            view.effective_to is None or as_of <= view.effective_to)
        if not in_force:  # the measure states this year's standard; the ladder judges the day's
            continue
        ladder = assess_rung(rung, profile, as_of)
        measure = judge(view, facts)
        if seen is not None:
            seen[(ladder.status, measure.verdict.value)] += 1
        if ladder.status == "fail" and measure.verdict is not Verdict.ineligible:
            found.append(f"{rung}: ladder fails ({ladder.gaps}) but {code} is {measure.verdict.value}")
        if measure.verdict is Verdict.ineligible and ladder.status != "fail" and not ladder.held:
            reasons = [outcome.reason for outcome in measure.failing]
            found.append(f"{rung}: {code} is ineligible ({reasons}) but the ladder says {ladder.status}")
    return found


def test_the_example_firms_get_the_same_answer_from_both() -> None:
    from tests.matching.usecases.test_one_verdict import example_firms

    seen: Counter[tuple[str, str]] = Counter()
    problems = [f"{raw['name']} on {as_of}: {problem}"
                for raw in example_firms() for as_of in DATES
                for problem in _disagreements(FirmProfile.model_validate(raw), as_of, seen)]
    assert problems == []
    # Not vacuous: the firms span both answers on both sides.
    assert seen[("fail", "ineligible")] > 50 and seen[("pass", "eligible")] > 10
    assert seen[("unknown", "possibly_eligible")] > 50


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(profile=firms(), as_of=st.sampled_from(DATES))
def test_varied_firms_get_the_same_answer_from_both(profile: FirmProfile, as_of: dt.date) -> None:
    assert _disagreements(profile, as_of) == []

"""A rung's result from its conditions: the worst status, the score range, and the gaps to close."""

from collections.abc import Sequence
from typing import cast

from matching.eligibility.rules import STATUS_OF, Outcome, Status
from matching.ladder.models import Firm, Indicator, Regime, Rung, RungAssessment, StatusLabel
from policies.vocabulary import Designation


def _gap_lines(outcome: Outcome) -> list[str]:
    """What stops an outcome from passing; alternatives of an any-of are prefixed "or:"."""
    if outcome.status == "pass":
        return []
    if not outcome.parts:
        return [outcome.reason]
    if outcome.type != "any_of":
        return [line for part in outcome.parts for line in _gap_lines(part)]
    first, *alternatives = outcome.parts
    lines = _gap_lines(first)
    for alternative in alternatives:
        alt_lines = _gap_lines(alternative)
        if alt_lines:
            lines.append("or: " + "; and ".join(alt_lines))
    return lines


def _indicator_gap(indicator: Indicator) -> str:
    spread = f"{indicator.floor:g}–{indicator.ceiling:g} points"
    if indicator.pending == "missing":
        return f"{indicator.name}: provide {indicator.missing} ({spread})"
    if indicator.pending == "confirm":
        return f"{indicator.name}: confirm — {indicator.note} ({spread})"
    return f"{indicator.name}: {indicator.note} ({spread})"


def assessment(rung: Rung, firm: Firm, regime: Regime, conditions: list[Outcome], *,
               routes: Sequence[Outcome] = (), indicators: Sequence[Indicator] = (),
               pass_mark: float | None = None, scored: Outcome | None = None,
               notes: Sequence[str] = ()) -> RungAssessment:
    """Assemble a rung: status is the worst condition; gaps explain every condition short of pass."""
    status = min(STATUS_OF[c.status] for c in conditions)
    gaps = [line for condition in conditions for line in _gap_lines(condition)]
    if scored is not None and scored.status != Status.passed.label:
        gaps += [_indicator_gap(i) for i in indicators if i.points is None]
    low = sum(i.floor for i in indicators) if indicators else None
    high = sum(i.ceiling for i in indicators) if indicators else None
    designation = Designation(rung)
    label = cast(StatusLabel, status.label)
    return RungAssessment(
        rung=rung, designation=designation, regime=regime.value, held=designation in firm.facts.designations,
        status=label, score=low if low is not None and low == high else None, score_min=low, score_max=high,
        pass_mark=pass_mark, indicators=list(indicators), conditions=conditions, routes=list(routes),
        gaps=list(dict.fromkeys(gaps)), notes=list(notes),
    )

"""A rung's result from its conditions: the worst status, the score range, and the gaps to close."""

from collections.abc import Sequence
from functools import reduce
from typing import cast

from matching.eligibility.rules import STATUS_OF, Outcome, Status
from matching.eligibility.wording import Lang, need_list
from matching.ladder.models import Firm, Indicator, Regime, Rung, RungAssessment, StatusLabel
from matching.messages import MESSAGES
from policies.vocabulary import Designation


def _gap_lines(outcome: Outcome, lang: Lang) -> list[str]:
    """What stops an outcome from passing; alternatives of an any-of are prefixed "or:"."""
    if outcome.status == "pass":
        return []
    if not outcome.parts:
        return [outcome.reason if lang == "en" else outcome.reason_zh or outcome.reason]
    if outcome.type != "any_of":
        return [line for part in outcome.parts for line in _gap_lines(part, lang)]
    first, *alternatives = outcome.parts
    lines = _gap_lines(first, lang)
    for alternative in alternatives:
        alt_lines = _gap_lines(alternative, lang)
        if alt_lines:
            both = reduce(lambda done, line: MESSAGES.say(lang, "{first}; and {second}", first=done, second=line),
                          alt_lines)
            lines.append(MESSAGES.say(lang, "or: {alternative}", alternative=both))
    return lines


def _indicator_gap(indicator: Indicator, lang: Lang) -> str:
    spread = MESSAGES.say(lang, "{floor:g}–{ceiling:g} points", floor=indicator.floor, ceiling=indicator.ceiling)
    name = indicator.name if lang == "en" else indicator.name_zh
    if indicator.pending == "missing":
        missing = indicator.missing or ""
        fields = missing if lang == "en" else need_list([field.strip() for field in missing.split(",")], lang)
        return MESSAGES.say(lang, "{name}: provide {missing} ({spread})", name=name, missing=fields, spread=spread)
    note = indicator.note if lang == "en" else indicator.note_zh
    if indicator.pending == "confirm":
        return MESSAGES.say(lang, "{name}: confirm — {note} ({spread})", name=name, note=note, spread=spread)
    return MESSAGES.say(lang, "{name}: {note} ({spread})", name=name, note=note, spread=spread)


def assessment(rung: Rung, firm: Firm, regime: Regime, conditions: list[Outcome], *,
               routes: Sequence[Outcome] = (), indicators: Sequence[Indicator] = (),
               pass_mark: float | None = None, scored: Outcome | None = None,
               notes: Sequence[str] = ()) -> RungAssessment:
    """Assemble a rung: status is the worst condition; gaps explain every condition short of pass.

    `notes` are messages, said in both languages here. A gap said twice is kept once, with its first Chinese.
    """
    status = min(STATUS_OF[c.status] for c in conditions)
    gaps: dict[str, str] = {}
    for condition in conditions:
        for line, line_zh in zip(_gap_lines(condition, "en"), _gap_lines(condition, "zh"), strict=True):
            gaps.setdefault(line, line_zh)
    if scored is not None and scored.status != Status.passed.label:
        for indicator in indicators:
            if indicator.points is None:
                gaps.setdefault(_indicator_gap(indicator, "en"), _indicator_gap(indicator, "zh"))
    low = sum(i.floor for i in indicators) if indicators else None
    high = sum(i.ceiling for i in indicators) if indicators else None
    designation = Designation(rung)
    label = cast(StatusLabel, status.label)
    return RungAssessment(
        rung=rung, designation=designation, regime=regime.value, held=designation in firm.facts.designations,
        status=label, score=low if low is not None and low == high else None, score_min=low, score_max=high,
        pass_mark=pass_mark, indicators=list(indicators), conditions=conditions, routes=list(routes),
        gaps=list(gaps), gaps_zh=list(gaps.values()), notes=list(notes),
        notes_zh=[MESSAGES.say("zh", note) for note in notes],
    )

"""Advice beyond the verdict: the smallest change, within a year's reach, that would qualify.

It works on the scalar outcomes of a few measures, never the whole catalogue:
the columnar pass has already said which measures are worth explaining.
"""

import math
from collections.abc import Collection
from typing import Any

from matching.eligibility import wording
from matching.eligibility.rules import Outcome
from matching.messages import MESSAGES
from policies.criteria import Criterion, DesignationCriterion, NumericCriterion, Op
from policies.i18n import N_, OneLanguage
from policies.vocabulary import DERIVED_FIELDS, DESIGNATION_NAMES_ZH, Designation, NumericField


class Change(OneLanguage):
    """One change to the profile: what, from what to what, and by how much."""

    field: str
    current: float | str | None
    required: float | str
    by: float | None = None
    note: str
    note_zh: str


# A derived ratio is moved by changing its numerator: R&D ratio by R&D spend.
_NUMERATOR: dict[NumericField, tuple[NumericField, NumericField]] = {
    NumericField.rd_ratio: (NumericField.rd_expense, NumericField.operating_revenue),
    NumericField.rd_staff_ratio: (NumericField.rd_staff, NumericField.employees),
}
_COUNTS = {NumericField.employees, NumericField.rd_staff, NumericField.invention_patents,
           NumericField.ip_class1, NumericField.ip_class2}

# What a firm can plausibly change within a year, and how far. A near miss is a measure the firm
# could reach by next year's call, so the bounds are a year's realistic growth for a small firm:
# money it earns, spends or raises by at most half again (a fast-growing SME's year, not a plan to
# double); a headcount or a patent count by half again or two, whichever is more (a granted patent
# can also be bought); a share by five percentage points; the years in its niche by the one that
# passes. Nothing else moves on purpose: a firm does not shrink, move or change trade to qualify,
# nor can it choose its age, growth rate, market rank or score.
GROWTH_FACTOR = 1.5
COUNT_STEP = 2
SHARE_STEP = 0.05
_MONEY_UP = {NumericField.operating_revenue, NumericField.total_assets, NumericField.rd_expense,
             NumericField.new_equity_financing_2y, NumericField.planned_investment, NumericField.loan_need}
_SHARES_UP = {NumericField.main_business_share, NumericField.export_share}
_SHARES_DOWN = {NumericField.debt_ratio}
_YEARS = {NumericField.years_in_niche: 1.0}

# The ladder, lowest first: a near miss may ask for the next title up, never one further.
LADDER_BELOW: dict[Designation, frozenset[Designation]] = {
    Designation.specialized_sme: frozenset({Designation.innovative_sme}),
    Designation.provincial_hidden_champion: frozenset({Designation.specialized_sme}),
    Designation.little_giant: frozenset({Designation.specialized_sme, Designation.provincial_hidden_champion}),
    Designation.key_little_giant: frozenset({Designation.little_giant}),
    Designation.provincial_single_champion: frozenset({Designation.little_giant, Designation.specialized_sme}),
    Designation.single_champion: frozenset({Designation.little_giant, Designation.provincial_single_champion}),
}
# Titles any SME can apply for in the coming year without a title below them.
OPEN_TITLES = frozenset({Designation.tech_sme, Designation.innovative_sme, Designation.high_tech_enterprise})
# A higher title stands for the rungs beneath it: a little giant is past the 专精特新 rung.
_IMPLIES: dict[Designation, frozenset[Designation]] = {
    Designation.specialized_sme: frozenset({Designation.innovative_sme}),
    Designation.provincial_hidden_champion: frozenset({Designation.innovative_sme, Designation.specialized_sme}),
    Designation.little_giant: frozenset({Designation.innovative_sme, Designation.specialized_sme}),
    Designation.key_little_giant: frozenset({Designation.innovative_sme, Designation.specialized_sme,
                                             Designation.little_giant}),
    Designation.single_champion: frozenset({Designation.innovative_sme, Designation.specialized_sme,
                                            Designation.little_giant}),
}


def reachable_title(wanted: Designation, held: Collection[Designation]) -> bool:
    """Whether the firm could obtain `wanted` within a year: an open title, or one rung above a title it holds."""
    if wanted in OPEN_TITLES:
        return True
    standing = set(held).union(*(_IMPLIES.get(title, frozenset()) for title in held))
    return bool(LADDER_BELOW.get(wanted, frozenset()) & standing)


def plausible(field: NumericField, current: float, required: float) -> bool:
    """Whether moving `field` from `current` to `required` is within a year's reach (see GROWTH_FACTOR)."""
    if field in _MONEY_UP:
        return current < required <= current * GROWTH_FACTOR
    if field in _COUNTS:
        return current < required <= max(current * GROWTH_FACTOR, current + COUNT_STEP)
    if field in _SHARES_UP:
        return current < required <= current + SHARE_STEP + 1e-12
    if field in _SHARES_DOWN:
        return current - SHARE_STEP - 1e-12 <= required < current
    if field in _YEARS:
        return current < required <= current + _YEARS[field]
    return False


def _target(criterion: NumericCriterion, current: float) -> float | None:
    """The nearest value that meets the criterion."""
    low, high = criterion.low, criterion.high
    if low is not None and current < low:
        return low + (1 if criterion.field in _COUNTS else abs(low) * 1e-6) if criterion.op is Op.gt else low
    if high is not None and current > high:
        return high - (1 if criterion.field in _COUNTS else abs(high) * 1e-6) if criterion.op is Op.lt else high
    return None


def _change(field: NumericField, current: float, required: float) -> Change:
    """A change worded as the reasons word numbers: the same names, units, 万/亿 and percentage points."""
    by = required - current
    unit = wording.unit_of(field.value)
    if by > 0:
        message = N_("raise {name} from {current} to {required} (by {by})")
    else:
        message = N_("lower {name} from {current} to {required} (by {by})")

    def note(lang: wording.Lang) -> str:
        return MESSAGES.say(lang, message, name=wording.field_name(field.value, lang),
                            current=wording.amount(current, unit, lang), required=wording.amount(required, unit, lang),
                            by=wording.gap_size(by, unit, lang))

    return Change(field=field.value, current=current, required=required, by=by, note=note("en"), note_zh=note("zh"))


def _numeric_change(criterion: NumericCriterion, outcome: Outcome, numbers: dict[str, Any]) -> Change | None:
    if not isinstance(outcome.value, float | int):
        return None
    target = _target(criterion, float(outcome.value))
    if target is None:
        return None
    field = criterion.field
    if field in _NUMERATOR:
        numerator, denominator = _NUMERATOR[field]
        base = numbers.get(numerator.value)
        over = numbers.get(denominator.value)
        if base is None or not over:
            return None
        needed = math.ceil(target * over) if target > float(outcome.value) else math.floor(target * over)
        if not plausible(numerator, float(base), float(needed)):
            return None
        change = _change(numerator, float(base), float(needed))

        def so_that(note: str, lang: wording.Lang) -> str:
            return MESSAGES.say(lang, "{change}, so that {name} reaches {target}", change=note,
                                name=wording.field_name(field.value, lang), target=wording.amount(target, "share", lang))

        change.note, change.note_zh = so_that(change.note, "en"), so_that(change.note_zh, "zh")
        return change
    if field in DERIVED_FIELDS:
        return None  # age, last-but-one year's ratio and two-year sums cannot be changed today
    required: float = math.ceil(target) if field in _COUNTS or target > 1000 else target
    if not plausible(field, float(outcome.value), required):
        return None
    return _change(field, float(outcome.value), required)


def fixes(criterion: Criterion, outcome: Outcome, numbers: dict[str, Any],
          held: Collection[Designation] = ()) -> list[Change] | None:
    """The changes within a year's reach that would turn this failing criterion into a pass, or None."""
    if outcome.status != "fail":
        return []
    if isinstance(criterion, NumericCriterion):
        change = _numeric_change(criterion, outcome, numbers)
        return None if change is None else [change]
    if (isinstance(criterion, DesignationCriterion) and criterion.held
            and outcome.field == f"designations.{criterion.designation.value}"):
        if not reachable_title(criterion.designation, held):
            return None
        obtain = N_("obtain the {title} title")
        return [Change(field="designations", current=None, required=criterion.designation.value,
                       note=MESSAGES.say("en", obtain, title=criterion.designation.value.replace("_", " ")),
                       note_zh=MESSAGES.say("zh", obtain, title=DESIGNATION_NAMES_ZH[criterion.designation]))]
    if criterion.type in ("any_of", "all_of"):
        options = [fixes(part, part_outcome, numbers, held)
                   for part, part_outcome in zip(criterion.criteria, outcome.parts, strict=True)]
        if criterion.type == "all_of":
            if any(option is None for option in options):
                return None
            return [change for option in options if option for change in option]
        viable = [option for option in options if option is not None]
        return min(viable, key=cost_of) if viable else None
    return None


def cost_of(changes: list[Change]) -> float:
    """Relative size of a set of changes: designations count as one whole step each."""
    total = 0.0
    for change in changes:
        if isinstance(change.current, int | float) and isinstance(change.required, int | float):
            total += abs(change.required - change.current) / max(abs(change.current), 1.0)
        else:
            total += 1.0
    return total


def smallest_change(criteria: list[Criterion], outcomes: list[Outcome], numbers: dict[str, Any],
                    held: Collection[Designation] = ()) -> list[Change] | None:
    """At most two numeric changes or one title, each within a year's reach, that would clear every failure."""
    changes: list[Change] = []
    for criterion, outcome in zip(criteria, outcomes, strict=True):
        found = fixes(criterion, outcome, numbers, held)
        if found is None:
            return None
        changes += found
    numeric = [c for c in changes if c.field != "designations"]
    titles = [c for c in changes if c.field == "designations"]
    if (titles and (numeric or len(titles) > 1)) or len({c.field for c in numeric}) > 2 or not changes:
        return None
    return changes


def apply_changes(changes: list[Change], held: list[dict[str, Any]]) -> dict[str, Any]:
    """Profile overrides that realise the changes, for re-checking the measure."""
    result: dict[str, Any] = {}
    for change in changes:
        if change.field == "designations":
            result["designations"] = [*held, {"designation": Designation(str(change.required)).value}]
        else:
            result[change.field] = change.required
    return result

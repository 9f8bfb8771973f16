"""Advice beyond the verdict: the next question to ask, and the smallest change that would qualify.

Both work on the scalar outcomes of a few measures, never the whole catalogue:
the columnar pass has already said which measures are worth explaining.
"""

import math
from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from matching.eligibility.rules import Outcome
from policies.criteria import Criterion, DesignationCriterion, NumericCriterion, Op
from policies.vocabulary import DERIVED_FIELDS, Designation, NumericField


class NextQuestion(BaseModel):
    """The one missing fact that would settle the most value across possibly-eligible measures."""

    field: str
    question: str
    measures: list[str]
    value_at_stake: int


class Change(BaseModel):
    field: str
    current: float | str | None
    required: float | str
    note: str


QUESTIONS: dict[str, str] = {
    "employees": "How many employees does the firm have?",
    "operating_revenue": "What was last year's operating revenue (yuan)?",
    "rd_expense": "How much did the firm spend on R&D last year (yuan)?",
    "industries": "Which industry codes (GB/T 4754) describe the firm's main business?",
    "size_class": "How many employees, what revenue and (for some sectors) total assets does the firm have?",
    "loan_need": "How large a loan does the firm need (yuan)?",
    "planned_investment": "How much does the firm plan to invest in the project (yuan)?",
}


def question_for(field: str) -> str:
    if field in QUESTIONS:
        return QUESTIONS[field]
    if field.startswith("attestations."):
        return f"Can the firm declare '{field.split('.', 1)[1].replace('_', ' ')}'?"
    if field.startswith("designations."):
        name = field.split(".")[1].replace("_", " ")
        return f"When was the firm recognised as {name}?" if field.endswith(".awarded") else f"Is the firm a {name}?"
    return f"What is the firm's {field.replace('_', ' ')}?"


def next_question(unknowns: dict[str, list[str]], values: dict[str, float]) -> NextQuestion | None:
    """Pick the field whose answer settles the most value.

    Args:
        unknowns: measure code → the fields it is waiting for.
        values: measure code → its value to the firm in yuan (financing already weighted).

    A measure waiting for k fields counts 1/k towards each, since one answer
    settles it only together with the others (unless that answer fails it).
    """
    weight: dict[str, float] = defaultdict(float)
    measures: dict[str, list[str]] = defaultdict(list)
    for code, fields in unknowns.items():
        distinct = sorted(set(fields))
        for field in distinct:
            weight[field] += (values.get(code, 0.0) + 1.0) / len(distinct)
            measures[field].append(code)
    if not weight:
        return None
    best = max(sorted(weight), key=lambda field: weight[field])
    stake = sum(values.get(code, 0.0) for code in measures[best])
    return NextQuestion(field=best, question=question_for(best), measures=sorted(measures[best]),
                        value_at_stake=round(stake))


# A derived ratio is moved by changing its numerator: R&D ratio by R&D spend.
_NUMERATOR: dict[NumericField, tuple[NumericField, NumericField]] = {
    NumericField.rd_ratio: (NumericField.rd_expense, NumericField.operating_revenue),
    NumericField.rd_staff_ratio: (NumericField.rd_staff, NumericField.employees),
}
_COUNTS = {NumericField.employees, NumericField.rd_staff, NumericField.invention_patents,
           NumericField.ip_class1, NumericField.ip_class2}


def _target(criterion: NumericCriterion, current: float) -> float | None:
    """The nearest value that meets the criterion."""
    low, high = criterion.low, criterion.high
    if low is not None and current < low:
        return low + (1 if criterion.field in _COUNTS else abs(low) * 1e-6) if criterion.op is Op.gt else low
    if high is not None and current > high:
        return high - (1 if criterion.field in _COUNTS else abs(high) * 1e-6) if criterion.op is Op.lt else high
    return None


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
        return Change(field=numerator.value, current=base, required=needed,
                      note=f"{field.value} {float(outcome.value):.2%} → {target:.2%}")
    if field in DERIVED_FIELDS:
        return None  # age, last-but-one year's ratio and two-year sums cannot be changed today
    required: float = math.ceil(target) if field in _COUNTS or target > 1000 else target
    return Change(field=field.value, current=outcome.value, required=required,
                  note=f"{field.value} {outcome.value:g} → {required:g}")


def fixes(criterion: Criterion, outcome: Outcome, numbers: dict[str, Any]) -> list[Change] | None:
    """The changes that would turn this failing criterion into a pass, or None if none are plausible."""
    if outcome.status != "fail":
        return []
    if isinstance(criterion, NumericCriterion):
        change = _numeric_change(criterion, outcome, numbers)
        return None if change is None else [change]
    if isinstance(criterion, DesignationCriterion) and criterion.held and outcome.field == f"designations.{criterion.designation.value}":
        return [Change(field="designations", current=None, required=criterion.designation.value,
                       note=f"obtain the {criterion.designation.value.replace('_', ' ')} title")]
    if criterion.type in ("any_of", "all_of"):
        options = [fixes(part, part_outcome, numbers)
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


def smallest_change(criteria: list[Criterion], outcomes: list[Outcome], numbers: dict[str, Any]) -> list[Change] | None:
    """At most two numeric changes or one title that would clear every failing criterion."""
    changes: list[Change] = []
    for criterion, outcome in zip(criteria, outcomes, strict=True):
        found = fixes(criterion, outcome, numbers)
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

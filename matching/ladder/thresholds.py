"""Numeric hard conditions: the quantity checked, the bound, and the gap in the unit a person acts on."""

import math
from dataclasses import dataclass
from typing import Literal

from matching.eligibility.rules import EPSILON, Outcome
from matching.firm.facts import Facts
from matching.ladder.models import Op, Unit
from matching.ladder.scoring import at_least, at_most
from policies.vocabulary import NumericField

# The profile fields a derived number is computed from, to name what to provide.
SOURCES: dict[NumericField, tuple[NumericField, ...]] = {
    NumericField.rd_ratio: (NumericField.rd_expense, NumericField.operating_revenue),
    NumericField.rd_ratio_prev: (NumericField.rd_expense_prev, NumericField.operating_revenue,
                                 NumericField.revenue_growth),
    NumericField.rd_expense_2y: (NumericField.rd_expense, NumericField.rd_expense_prev),
    NumericField.rd_staff_ratio: (NumericField.rd_staff, NumericField.employees),
}

FIELD_LABELS: dict[NumericField, tuple[str, Unit]] = {
    NumericField.employees: ("employees", "people"),
    NumericField.operating_revenue: ("operating revenue (last year)", "yuan"),
    NumericField.total_assets: ("total assets", "yuan"),
    NumericField.rd_expense: ("R&D expense (last year)", "yuan"),
    NumericField.rd_expense_prev: ("R&D expense (year before last)", "yuan"),
    NumericField.rd_expense_2y: ("R&D expense (last 2 years)", "yuan"),
    NumericField.rd_ratio: ("R&D ratio (last year)", "share"),
    NumericField.rd_ratio_prev: ("R&D ratio (year before last)", "share"),
    NumericField.rd_staff_ratio: ("R&D staff share", "share"),
    NumericField.main_business_share: ("main-business share of revenue", "share"),
    NumericField.revenue_growth_avg_2y: ("2-year average revenue growth", "share"),
    NumericField.debt_ratio: ("asset-liability ratio", "share"),
    NumericField.years_in_niche: ("years in the niche market", "years"),
    NumericField.niche_market_share: ("niche market share", "share"),
    NumericField.new_equity_financing_2y: ("new equity financing (last 2 years)", "yuan"),
    NumericField.ip_class1: ("class-I IP (Ⅰ类知识产权)", "count"),
}


@dataclass(frozen=True)
class Quantity:
    """A number a threshold is checked on, with what to ask for when it is missing.

    For shares, `base` is the amount one whole share is of (revenue, employees), so a gap of
    0.6 percentage points can also be told as "about 180,000 yuan".
    """

    name: str
    field: str
    value: float | None
    need: str
    unit: Unit
    base: float | None = None
    base_name: str = ""
    base_unit: Literal["yuan", "people"] = "yuan"


def need(facts: Facts, field: NumericField) -> str:
    sources = SOURCES.get(field, (field,))
    missing = [source for source in sources if facts.numbers[source] is None] or list(sources)
    return ", ".join(source.value for source in missing)


def _revenue_prev(facts: Facts) -> float | None:
    """The year-before-last revenue, recovered as `facts.derive` does for rd_ratio_prev."""
    revenue = facts.numbers[NumericField.operating_revenue]
    growth = facts.numbers[NumericField.revenue_growth]
    return revenue / (1 + growth) if revenue is not None and growth is not None and growth > -1 else None


def _quantity(facts: Facts, field: NumericField) -> Quantity:
    name, unit = FIELD_LABELS[field]
    revenue = facts.numbers[NumericField.operating_revenue]
    bases: dict[NumericField, tuple[float | None, str, Literal["yuan", "people"]]] = {
        NumericField.rd_ratio: (revenue, "revenue", "yuan"),
        NumericField.rd_ratio_prev: (_revenue_prev(facts), "that year's revenue", "yuan"),
        NumericField.main_business_share: (revenue, "revenue", "yuan"),
        NumericField.rd_staff_ratio: (facts.numbers[NumericField.employees], "employees", "people"),
    }
    base, base_name, base_unit = bases.get(field, (None, "", "yuan"))
    return Quantity(name=name, field=field.value, value=facts.numbers[field], need=need(facts, field),
                    unit=unit, base=base, base_name=base_name, base_unit=base_unit)


def fmt(value: float, unit: Unit) -> str:
    if unit == "share":
        return f"{value * 100:.4g}%"
    if unit == "yuan":
        return f"{value:,.0f} yuan"
    if unit == "years":
        return f"{value:g} years"
    return f"{value:g}"


def _difference(gap: float, q: Quantity) -> str:
    """The gap in the unit a person acts on: yuan, percentage points (and yuan), years, a count."""
    if q.unit == "share":
        text = f"{gap * 100:+.3g} pt"
        if q.base:
            amount = abs(gap) * q.base
            people = q.base_unit == "people"
            told = f"{math.ceil(amount - EPSILON):,d} people" if people else f"{amount:,.0f} yuan"
            text += f" of {q.base_name}, about {told}"
        return text
    if q.unit == "yuan":
        return f"{gap:+,.0f} yuan"
    if q.unit == "years":
        return f"{gap:+.3g} years"
    whole = math.ceil(gap - EPSILON) if gap > 0 else math.floor(gap + EPSILON)
    return f"{whole:+d}"


def threshold(path: str, q: Quantity, op: Op, bound: float) -> Outcome:
    """One numeric hard condition; a failure's reason reads as the gap to close."""
    target = f"{'≥' if op == 'gte' else '≤'} {fmt(bound, q.unit)}"
    if q.value is None:
        return Outcome(path=path, type="numeric", status="unknown", field=q.field, bound=bound,
                       reason=f"{q.name}: provide {q.need} (needs {target})")
    ok = at_least(q.value, bound) if op == "gte" else at_most(q.value, bound)
    if ok:
        return Outcome(path=path, type="numeric", status="pass", field=q.field, value=q.value, bound=bound,
                       reason=f"{q.name} {fmt(q.value, q.unit)} meets {target}")
    gap = bound - q.value
    reason = f"{q.name} {fmt(q.value, q.unit)} → needs {target} ({_difference(gap, q)})"
    return Outcome(path=path, type="numeric", status="fail", field=q.field, value=q.value, bound=bound,
                   gap=gap, reason=reason)


def check(path: str, facts: Facts, field: NumericField, op: Op, bound: float) -> Outcome:
    return threshold(path, _quantity(facts, field), op, bound)

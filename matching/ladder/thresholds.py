"""Numeric hard conditions: the quantity checked, the bound, and the gap in the unit a person acts on."""

import math
from dataclasses import dataclass
from typing import Literal

from matching.eligibility.rules import EPSILON, Outcome
from matching.eligibility.wording import Lang, Unit, amount, field_name, numeric_reason, unit_of
from matching.firm.facts import Facts
from matching.ladder.models import Op
from matching.ladder.scoring import at_least, at_most
from matching.messages import MESSAGES
from policies.i18n import N_
from policies.vocabulary import NumericField

# The profile fields a derived number is computed from, to name what to provide.
SOURCES: dict[NumericField, tuple[NumericField, ...]] = {
    NumericField.rd_ratio: (NumericField.rd_expense, NumericField.operating_revenue),
    NumericField.rd_ratio_prev: (NumericField.rd_expense_prev, NumericField.operating_revenue,
                                 NumericField.revenue_growth),
    NumericField.rd_expense_2y: (NumericField.rd_expense, NumericField.rd_expense_prev),
    NumericField.rd_staff_ratio: (NumericField.rd_staff, NumericField.employees),
}

@dataclass(frozen=True)
class Quantity:
    """A number a threshold is checked on, with what to ask for when it is missing.

    For shares, `base` is the amount one whole share is of (revenue, employees), so a gap of
    0.6 percentage points can also be told as "about 180,000 yuan"; `aside` is the message that tells it.
    """

    name: str
    name_zh: str
    field: str
    value: float | None
    need: str
    unit: Unit
    base: float | None = None
    aside: str = ""
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
    revenue = facts.numbers[NumericField.operating_revenue]
    bases: dict[NumericField, tuple[float | None, str, Literal["yuan", "people"]]] = {
        NumericField.rd_ratio: (revenue, N_("about {told} of revenue"), "yuan"),
        NumericField.rd_ratio_prev: (_revenue_prev(facts), N_("about {told} of that year's revenue"), "yuan"),
        NumericField.main_business_share: (revenue, N_("about {told} of revenue"), "yuan"),
        NumericField.rd_staff_ratio: (facts.numbers[NumericField.employees], N_("about {told} of employees"),
                                      "people"),
    }
    base, aside, base_unit = bases.get(field, (None, "", "yuan"))
    return Quantity(name=field_name(field, "en"), name_zh=field_name(field, "zh"), field=field.value,
                    value=facts.numbers[field], need=need(facts, field), unit=unit_of(field), base=base,
                    aside=aside, base_unit=base_unit)


def _aside(gap: float, q: Quantity, lang: Lang) -> str:
    """A share's gap as the amount a person acts on: "about 180,000 yuan of revenue", "约合营业收入 18 万元"."""
    if q.unit != "share" or not q.base or not q.aside:
        return ""
    amount_ = abs(gap) * q.base
    if q.base_unit == "people":
        people = math.ceil(amount_ - EPSILON)
        told = MESSAGES.say(lang, "{count} people", count=f"{people:,d}" if lang == "en" else str(people))
    else:
        told = amount(amount_, "yuan", lang)
    return MESSAGES.say(lang, q.aside, told=told)


def threshold(path: str, q: Quantity, op: Op, bound: float) -> Outcome:
    """One numeric hard condition, worded as `eligibility.rules` words a criterion; a failure says the gap."""
    low, high = (bound, None) if op == "gte" else (None, bound)
    need_fields = [field.strip() for field in q.need.split(",") if field.strip()]

    def words(ok: bool, gap: float | None, lang: Lang) -> str:
        name = q.name if lang == "en" else q.name_zh
        aside = "" if gap is None else _aside(gap, q, lang)
        return numeric_reason(name, q.unit, op, low, high, q.value, ok, gap=gap, need=need_fields, aside=aside,
                              lang=lang)

    if q.value is None:
        return Outcome(path=path, type="numeric", status="unknown", field=q.field, bound=bound,
                       reason=words(False, None, "en"), reason_zh=words(False, None, "zh"))
    ok = at_least(q.value, bound) if op == "gte" else at_most(q.value, bound)
    if ok:
        return Outcome(path=path, type="numeric", status="pass", field=q.field, value=q.value, bound=bound,
                       reason=words(True, None, "en"), reason_zh=words(True, None, "zh"))
    gap = bound - q.value
    return Outcome(path=path, type="numeric", status="fail", field=q.field, value=q.value, bound=bound,
                   gap=gap, reason=words(False, gap, "en"), reason_zh=words(False, gap, "zh"))


def check(path: str, facts: Facts, field: NumericField, op: Op, bound: float) -> Outcome:
    return threshold(path, _quantity(facts, field), op, bound)

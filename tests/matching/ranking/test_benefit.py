"""What a measure is worth to a firm."""

import datetime as dt

from pydantic import TypeAdapter

from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ranking.benefit import FINANCING_WEIGHT, estimate, ranking_value
from policies.terms import Benefit

BENEFIT: TypeAdapter[Benefit] = TypeAdapter(Benefit)


def value(benefit: dict[str, object], **facts: object):  # type: ignore[no-untyped-def]
    profile = FirmProfile.model_validate({"name": "测试企业", "region": "510108"} | facts)
    return estimate(BENEFIT.validate_python(benefit), derive(profile, dt.date(2026, 11, 22)))


def test_percentage_of_rd_with_caps() -> None:
    # Longgang R&D subsidy: ×1.5 of the base, cap 300万 (criteria.md §5).
    rule = {"kind": "percentage", "rate": 1.5, "base": "rd_expense", "cap": 3_000_000}
    assert value(rule, rd_expense=1_000_000).amount == 1_500_000
    capped = value(rule, rd_expense=5_000_000)
    assert (capped.amount, capped.capped) == (3_000_000, True)
    unknown = value(rule)
    assert (unknown.amount, unknown.capped) == (3_000_000, True)


def test_interest_subsidy_per_year_cap() -> None:
    # Hangzhou 专精特新贷: ≤1%/yr of the loan, ≤20万 per firm per year.
    rule = {"kind": "interest_subsidy", "rate": 0.01, "cap_per_year": 200_000}
    assert value(rule, loan_need=10_000_000).amount == 100_000
    assert value(rule, loan_need=50_000_000).amount == 200_000
    assert value(rule).amount == 200_000


def test_interest_paid_share_and_minimum_loan() -> None:
    # Guangdong: ≤30% of interest paid, ≤3 years, ≤200万/yr, loans ≥100万.
    rule = {"kind": "percentage", "rate": 0.3, "base": "interest_paid", "cap_per_year": 2_000_000, "years": 3,
            "min_base": 35_000}
    assert value(rule, loan_need=10_000_000).amount == round(0.3 * 10_000_000 * 0.035 * 3)
    assert value(rule, loan_need=500_000).amount == 0


def test_financing_is_weighted_by_interest_saved() -> None:
    guarantee = value({"kind": "financing", "max_amount": 30_000_000, "rate": 0.01}, loan_need=5_000_000)
    assert (guarantee.kind, guarantee.amount) == ("financing", 5_000_000)
    assert ranking_value(guarantee) == 5_000_000 * FINANCING_WEIGHT
    assert ranking_value(value({"kind": "fixed", "amount": 200_000})) == 200_000
    assert value({"kind": "in_kind", "description": "A free digital diagnosis"}).amount is None

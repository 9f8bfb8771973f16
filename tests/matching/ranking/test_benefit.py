"""What a measure is worth to a firm, worked by hand: a point only when the base is known, else a range."""

import datetime as dt

from pydantic import TypeAdapter

from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ranking.benefit import Estimate, estimate, ranking_value
from policies.terms import Benefit

BENEFIT: TypeAdapter[Benefit] = TypeAdapter(Benefit)
AS_OF = dt.date(2026, 12, 5)
HIGH_TECH = [{"designation": "high_tech_enterprise", "awarded": "2025-11-20"}]


def value(benefit: dict[str, object], **facts: object) -> Estimate:
    profile = FirmProfile.model_validate({"name": "测试企业", "region": "510108"} | facts)
    return estimate(BENEFIT.validate_python(benefit), derive(profile, AS_OF))


# A small manufacturer (industry C, 80 staff, 30 m revenue, 20 m assets): small by 工信部联企业〔2011〕300号.
SMALL = {"industries": ["C3581"], "employees": 80, "operating_revenue": 30_000_000, "total_assets": 20_000_000}


def test_a_percentage_is_a_point_only_when_its_base_is_known() -> None:
    # Longgang R&D subsidy: 150% of the base, at most 3 million (criteria.md §5).
    rule = {"kind": "percentage", "rate": 1.5, "base": "rd_expense", "cap": 3_000_000}
    assert value(rule, rd_expense=1_000_000).amount == 1_500_000
    capped = value(rule, rd_expense=5_000_000)
    assert (capped.amount, capped.capped) == (3_000_000, True)
    unknown = value(rule, **SMALL)
    # Not the cap: a range, what would settle it, and the small firms' median R&D (6.1 m) × 150%, capped.
    assert (unknown.amount, unknown.low, unknown.high) == (None, 0, 3_000_000)
    assert unknown.settle == ["rd_expense"]
    assert unknown.expected == 3_000_000 and unknown.expected_basis.startswith("prior: median rd_expense of small")
    assert value({"kind": "percentage", "rate": 0.1, "base": "rd_expense"}, **SMALL).expected == 610_000


def test_a_base_no_profile_holds_is_a_range_ranked_at_its_midpoint() -> None:
    voucher = value({"kind": "percentage", "rate": 0.5, "base": "service_cost", "cap": 2_000_000})
    assert (voucher.amount, voucher.low, voucher.high, voucher.expected) == (None, 0, 2_000_000, 1_000_000)
    assert voucher.settle == [] and "depends on your cost of the service bought" in voucher.basis


def test_fixed_sums_are_exact_or_up_to_and_split_over_their_years() -> None:
    exact = value({"kind": "fixed", "amount": 500_000})
    assert (exact.amount, exact.exact, exact.expected) == (500_000, True, 500_000)
    up_to = value({"kind": "fixed", "amount": 6_000_000, "up_to": True, "years": 3})
    assert (up_to.amount, up_to.low, up_to.high, up_to.expected, up_to.years) == (None, 0, 6_000_000, 3_000_000, 3)
    spread = value({"kind": "fixed", "amount": 900_000, "years": 3})
    assert (spread.amount, spread.per_year) == (900_000, 300_000)


def test_interest_subsidies_by_rate_or_by_share_of_interest() -> None:
    # Hangzhou 专精特新贷: 1% a year of the loan, at most 200,000 a year.
    rule = {"kind": "interest_subsidy", "rate": 0.01, "cap_per_year": 200_000}
    assert value(rule, loan_need=10_000_000).amount == 100_000
    assert value(rule, loan_need=50_000_000).amount == 200_000
    unknown = value(rule, **SMALL)
    assert (unknown.amount, unknown.high, unknown.expected) == (None, 200_000, 200_000)  # 1% of the 20 m median
    # Guangdong: 30% of the interest paid (at 4%), 3 years, at most 2 m a year, loans of 1 m or more.
    share = {"kind": "interest_subsidy", "share_of_interest": 0.3, "cap_per_year": 2_000_000, "years": 3,
             "min_loan": 1_000_000}
    assert value(share, loan_need=10_000_000).amount == round(10_000_000 * 0.3 * 0.04 * 3) == 360_000
    assert value(share, loan_need=500_000).amount == 0


def test_loans_guarantees_and_equity_are_valued_as_what_they_are() -> None:
    relending = {"kind": "financing", "instrument": "loan", "max_amount": 50_000_000, "rate": 0.028, "years": 3}
    loan = value(relending, loan_need=15_000_000)  # 15 m at 2.8% against 4%: 1.2% a year for 3 years
    assert (loan.kind, loan.amount, loan.per_year, loan.principal) == ("interest_saved", 540_000, 180_000, 15_000_000)
    guarantee = value({"kind": "financing", "instrument": "guarantee", "max_amount": 30_000_000, "rate": 0.01},
                      loan_need=40_000_000)  # the 30 m ceiling at 1% against 2%
    assert (guarantee.kind, guarantee.amount, guarantee.principal) == ("fee_saved", 300_000, 30_000_000)
    equity = value({"kind": "financing", "instrument": "equity", "max_amount": 20_000_000}, loan_need=5_000_000)
    assert (equity.kind, equity.amount, equity.expected, equity.principal) == ("equity", None, 0, 20_000_000)
    dear = value({"kind": "financing", "instrument": "loan", "max_amount": 10_000_000, "rate": 0.045},
                 loan_need=5_000_000)
    assert dear.amount == 0  # dearer than the market: access, but no saving


def test_tax_is_saved_at_the_firm_s_own_rate() -> None:
    deduction = {"kind": "tax", "relief": "extra_deduction", "base": "rd_expense", "rate": 1.0}
    # Standard rate: 80 m revenue at 10% margin is 8 m taxable income; 2 m of R&D deducted again saves 25%.
    standard = dict(SMALL, employees=400, operating_revenue=80_000_000, total_assets=90_000_000,
                    net_profit_margin=0.1, rd_expense=2_000_000)
    assert value(deduction, **standard).amount == 500_000
    # A high-tech enterprise pays 15%: the same deduction saves 300,000.
    assert value(deduction, **standard, designations=HIGH_TECH).amount == 300_000
    # Small low-profit (income ≤ 3 m, ≤ 300 staff, assets ≤ 50 m): 5%, so 1 m deducted saves 50,000.
    small = dict(SMALL, net_profit_margin=0.08, rd_expense=1_000_000)  # 2.4 m taxable income
    assert value(deduction, **small).amount == 50_000
    # A deduction larger than the income saves tax only on the income; the rest is carried forward.
    thin = dict(standard, net_profit_margin=0.01)  # 800,000 taxable income
    carried = value(deduction, **thin)
    assert carried.amount == 200_000 and carried.note and "carried forward" in carried.note


def test_a_loss_making_firm_saves_no_tax_this_year() -> None:
    start_up = dict(SMALL, operating_revenue=3_200_000, net_profit_margin=-0.4, rd_expense=2_100_000)
    deduction = value({"kind": "tax", "relief": "extra_deduction", "base": "rd_expense", "rate": 1.0}, **start_up)
    assert (deduction.kind, deduction.amount, deduction.expected) == ("tax_saved", 0, 0)
    assert deduction.note and "carries forward 5 years" in deduction.note
    relief = value({"kind": "tax", "relief": "exemption", "base": "tech_transfer_income", "rate": 1.0,
                    "base_cap": 5_000_000}, **start_up)
    assert relief.amount == 0  # not "up to 1,250,000" for a firm with 3.2 m of revenue and a loss


def test_reduced_rates_save_the_gap_to_25_percent_on_the_income_they_cover() -> None:
    high_tech = {"kind": "tax", "relief": "reduced_rate", "base": "taxable_income", "rate": 0.15}
    firm = dict(SMALL, employees=400, operating_revenue=80_000_000, total_assets=90_000_000, net_profit_margin=0.1)
    assert value(high_tech, **firm).amount == 800_000  # 10% of 8 m
    small_low_profit = {"kind": "tax", "relief": "reduced_rate", "base": "taxable_income", "rate": 0.05,
                        "base_cap": 3_000_000}
    assert value(small_low_profit, **firm).amount == 600_000  # 20% of the first 3 m
    unknown = value(small_low_profit, **SMALL)
    assert (unknown.amount, unknown.high) == (None, 600_000)
    assert unknown.settle == ["operating_revenue", "net_profit_margin"]
    assert unknown.expected == 600_000  # the small firms' median income (3.8 m) covers the 3 m


def test_in_kind_help_has_no_cash_value_unless_priced() -> None:
    service = value({"kind": "in_kind", "description": "A free digital diagnosis"})
    assert (service.amount, service.expected, service.kind) == (None, 0, "in_kind")
    assert ranking_value(value({"kind": "in_kind", "description": "Free office space", "estimated_value": 100_000})
                         ) == 100_000

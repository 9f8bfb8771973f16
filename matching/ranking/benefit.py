"""What a measure is worth to one firm, in CNY, and how the figure was reached.

Money given (grants, awards, subsidies, tax saved) counts as `cash`. Access to
money (a loan, guarantee or equity) is `financing`: its value to the firm is the
interest it saves, not the principal, so ranking weighs it at FINANCING_WEIGHT.
When the base of a percentage is unknown the cap stands in, marked as such.
"""

from dataclasses import dataclass
from typing import Literal, assert_never

from pydantic import BaseModel

from matching.firm.facts import Facts
from policies.terms import (
    Benefit,
    FinancingBenefit,
    FixedBenefit,
    InKindBenefit,
    InterestSubsidyBenefit,
    PercentageBenefit,
)
from policies.vocabulary import BenefitBase, NumericField

# A typical annual rate on an SME bank loan (one-year LPR plus a margin), used to
# turn "30% of interest paid" into yuan when the firm states only its loan need.
ASSUMED_LOAN_RATE = 0.035
# Value of cheap or guaranteed financing per yuan of principal: about the yearly
# interest saved against an unsupported loan.
FINANCING_WEIGHT = 0.02


class Estimate(BaseModel):
    """An estimated benefit: `amount` in CNY (None when nothing sensible can be said)."""

    kind: Literal["cash", "financing", "in_kind"]
    amount: int | None
    basis: str
    capped: bool = False


@dataclass(frozen=True)
class _Base:
    value: float | None
    label: str


def _base(base: BenefitBase, facts: Facts) -> _Base:
    numbers = facts.numbers
    if base is BenefitBase.rd_expense:
        return _Base(numbers[NumericField.rd_expense], "last year's R&D expense")
    if base in (BenefitBase.investment, BenefitBase.equipment_purchase):
        return _Base(numbers[NumericField.planned_investment], "planned investment")
    loan = numbers[NumericField.loan_need]
    if base is BenefitBase.interest_paid:
        interest = None if loan is None else loan * ASSUMED_LOAN_RATE
        return _Base(interest, f"interest on the stated loan at {ASSUMED_LOAN_RATE:.1%}")
    return _Base(None, base.value.replace("_", " "))


def _percentage(benefit: PercentageBenefit, facts: Facts) -> Estimate:
    base = _base(benefit.base, facts)
    ceiling = benefit.ceiling
    if base.value is None:
        if ceiling is None:
            return Estimate(kind="cash", amount=None, basis=f"{benefit.rate:.0%} of {base.label}, which is unknown")
        return Estimate(kind="cash", amount=ceiling, capped=True,
                        basis=f"cap of {ceiling:,} yuan ({base.label} unknown)")
    if benefit.min_base is not None and base.value < benefit.min_base:
        return Estimate(kind="cash", amount=0,
                        basis=f"{base.label} {base.value:,.0f} is below the minimum {benefit.min_base:,}")
    per_year = benefit.rate * base.value
    capped = False
    if benefit.cap_per_year is not None and per_year > benefit.cap_per_year:
        per_year, capped = benefit.cap_per_year, True
    total = per_year * benefit.years
    if benefit.cap is not None and total > benefit.cap:
        total, capped = benefit.cap, True
    years = f" for {benefit.years} years" if benefit.years > 1 else ""
    return Estimate(kind="cash", amount=round(total), capped=capped,
                    basis=f"{benefit.rate:.0%} of {base.label} ({base.value:,.0f}){years}" + (", capped" if capped else ""))


def _interest(benefit: InterestSubsidyBenefit, facts: Facts) -> Estimate:
    loan = facts.numbers[NumericField.loan_need]
    if loan is None:
        if benefit.cap_per_year is None:
            return Estimate(kind="cash", amount=None, basis=f"{benefit.rate:.2%} a year of a loan; state loan_need")
        return Estimate(kind="cash", amount=benefit.ceiling, capped=True,
                        basis=f"cap of {benefit.cap_per_year:,} a year (loan_need unknown)")
    if benefit.min_loan is not None and loan < benefit.min_loan:
        return Estimate(kind="cash", amount=0, basis=f"loan {loan:,.0f} is below the minimum {benefit.min_loan:,}")
    per_year = benefit.rate * loan
    capped = benefit.cap_per_year is not None and per_year > benefit.cap_per_year
    if capped and benefit.cap_per_year is not None:
        per_year = benefit.cap_per_year
    return Estimate(kind="cash", amount=round(per_year * benefit.years), capped=capped,
                    basis=f"{benefit.rate:.2%} a year of a {loan:,.0f} loan for {benefit.years} year(s)")


def estimate(benefit: Benefit, facts: Facts) -> Estimate:
    """The benefit of a measure for this firm."""
    match benefit:
        case FixedBenefit():
            word = "up to " if benefit.up_to else ""
            return Estimate(kind="cash", amount=benefit.amount, basis=f"{word}{benefit.amount:,} yuan")
        case PercentageBenefit():
            return _percentage(benefit, facts)
        case InterestSubsidyBenefit():
            return _interest(benefit, facts)
        case FinancingBenefit():
            loan = facts.numbers[NumericField.loan_need]
            amount = benefit.max_amount if loan is None else min(loan, benefit.max_amount)
            return Estimate(kind="financing", amount=round(amount),
                            basis=f"access to up to {benefit.max_amount:,} yuan of financing")
        case InKindBenefit():
            return Estimate(kind="in_kind", amount=benefit.estimated_value, basis=benefit.description)
    assert_never(benefit)


def ranking_value(value: Estimate) -> float:
    """A single yuan figure to compare measures by: cash as is, financing by the interest it saves."""
    if value.amount is None:
        return 0.0
    return value.amount * FINANCING_WEIGHT if value.kind == "financing" else float(value.amount)

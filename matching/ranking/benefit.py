"""What a measure is worth to one firm, in CNY: a point estimate only when its base is known.

Every benefit is valued as what it is: money given as `cash`; tax measures as the
tax saved at the firm's own rate (`tax_saved`, nothing this year for a loss-making
firm); loans as the interest saved against the market rate (`interest_saved`);
guarantees as the fee saved (`fee_saved`); equity as an investment paid for with
shares (`equity`, no income); titles and services as `in_kind`.

When the base is unknown the answer is a range (`low`–`high`, `high` None when
nothing bounds it) with the profile fields that would settle it, and `expected`
(what ranking reads) comes from `priors` for the firm's size, or from the range's
midpoint when no fact of the profile could be the base. The cap is never the estimate.
"""

from dataclasses import dataclass
from typing import Literal, assert_never

from pydantic import BaseModel, Field

from matching.firm.facts import Facts
from matching.ranking import priors
from policies.terms import (
    Benefit,
    FinancingBenefit,
    FixedBenefit,
    InKindBenefit,
    InterestSubsidyBenefit,
    PercentageBenefit,
    TaxBenefit,
)
from policies.vocabulary import (
    BenefitBase,
    Designation,
    FinancingInstrument,
    NumericField,
    SizeClass,
    TaxBase,
    TaxRelief,
)

# A typical annual rate on an unsupported SME bank loan: the one-year LPR (3.0% in 2026) plus the margin
# banks charge a small firm without a guarantee. It prices "interest paid" and a cheap loan's saving.
MARKET_LOAN_RATE = 0.04
# A commercial guarantee company's fee for an SME, a year; supported schemes charge 1% or less.
MARKET_GUARANTEE_FEE = 0.02
STANDARD_TAX_RATE = 0.25
HIGH_TECH_TAX_RATE = 0.15
SMALL_LOW_PROFIT_RATE = 0.05  # effective: 25% of the income taxed at 20%
SMALL_LOW_PROFIT_INCOME = 3_000_000
SMALL_LOW_PROFIT_STAFF = 300
SMALL_LOW_PROFIT_ASSETS = 50_000_000
# Losses carry forward five years; high-tech and technology SMEs, ten.
CARRY_YEARS, CARRY_YEARS_HIGH_TECH = 5, 10

Kind = Literal["cash", "tax_saved", "interest_saved", "fee_saved", "equity", "in_kind"]


class Estimate(BaseModel):
    """What a measure is worth to the firm: `amount` when its base is known, else the range `low`–`high`."""

    kind: Kind
    amount: int | None = Field(description="CNY in all, only when every base is known")
    low: int | None = Field(description="CNY; equals amount when it is known")
    high: int | None = Field(description="CNY; None when nothing bounds it")
    expected: int = Field(description="CNY the ranking counts: amount, or a prior for the firm's size")
    expected_basis: str
    per_year: int | None = None
    years: int = 1
    exact: bool = Field(default=False, description="a sum the measure pays as stated, not 'up to'")
    principal: int | None = Field(default=None, description="CNY of loan, guarantee or investment it gives access to")
    capped: bool = False
    settle: list[str] = Field(default_factory=list, description="profile fields that would settle the estimate")
    basis: str
    basis_zh: str
    note: str | None = None
    note_zh: str | None = None


@dataclass(frozen=True)
class _Known:
    """A computed figure before it is shaped into an Estimate."""

    total: float
    per_year: float
    capped: bool


def _yuan(value: float) -> str:
    return f"{value:,.0f}"


def _cap(per_year: float, cap_per_year: int | None, years: int, cap: int | None = None) -> _Known:
    capped = False
    if cap_per_year is not None and per_year > cap_per_year:
        per_year, capped = float(cap_per_year), True
    total = per_year * years
    if cap is not None and total > cap:
        total, capped = float(cap), True
    return _Known(total, per_year, capped)


def _point(kind: Kind, known: _Known, years: int, basis: str, basis_zh: str, **extra: object) -> Estimate:
    amount = round(known.total)
    return Estimate(kind=kind, amount=amount, low=amount, high=amount, expected=amount,
                    expected_basis="point estimate", per_year=round(known.per_year) if years > 1 else None,
                    years=years, capped=known.capped, basis=basis, basis_zh=basis_zh, **extra)


def _range(kind: Kind, high: float | None, expected: float, expected_basis: str, years: int, settle: list[str],
           basis: str, basis_zh: str, **extra: object) -> Estimate:
    return Estimate(kind=kind, amount=None, low=0, high=None if high is None else round(high),
                    expected=round(expected), expected_basis=expected_basis, years=years, settle=settle,
                    basis=basis, basis_zh=basis_zh, **extra)


def _midpoint(high: float | None) -> tuple[float, str]:
    if high is None:
        return 0.0, "nothing bounds it: counted as 0"
    return high / 2, "midpoint of the range"


def _from_prior(field: priors.PriorField, size: SizeClass | None) -> tuple[float, str]:
    value = priors.prior(field, size)
    name = field.value if isinstance(field, NumericField) else field
    return float(value), f"prior: median {name} of {priors.SOURCE[size]} ({_yuan(value)})"


# ---------------------------------------------------------------- money given


def _fixed(benefit: FixedBenefit) -> Estimate:
    years = benefit.years
    per_year = benefit.amount / years
    over = f" over {years} years" if years > 1 else ""
    over_zh = f"（分{years}年）" if years > 1 else ""
    if not benefit.up_to:
        return _point("cash", _Known(benefit.amount, per_year, False), years,
                      f"{_yuan(benefit.amount)} yuan{over}", f"{_yuan(benefit.amount)}元{over_zh}", exact=True)
    return _range("cash", benefit.amount, benefit.amount / 2, "midpoint of the range: the text gives only the most",
                  years, [], f"up to {_yuan(benefit.amount)} yuan{over}, decided on review",
                  f"最高{_yuan(benefit.amount)}元{over_zh}，以评审核定为准")


# The profile fact each base is read from (interest paid: the loan need at the market rate); the rest no profile holds.
PROFILE_BASE = {
    BenefitBase.rd_expense: NumericField.rd_expense,
    BenefitBase.investment: NumericField.planned_investment,
    BenefitBase.equipment_purchase: NumericField.planned_investment,
    BenefitBase.interest_paid: NumericField.loan_need,
}
_BASE_WORDS = {
    BenefitBase.rd_expense: ("last year's R&D expense", "上年研发费用"),
    BenefitBase.investment: ("planned investment", "计划投资额"),
    BenefitBase.equipment_purchase: ("planned equipment spend (planned investment)", "计划设备投资（计划投资额）"),
    BenefitBase.interest_paid: (f"interest on the stated loan at {MARKET_LOAN_RATE:.1%}",
                                f"按{MARKET_LOAN_RATE:.1%}计的贷款利息"),
    BenefitBase.insurance_premium: ("insurance premium paid", "实缴保费"),
    BenefitBase.service_cost: ("cost of the service bought", "购买服务费用"),
    BenefitBase.guarantee_fee: ("guarantee fee paid", "实缴担保费"),
}


def _base_value(base: BenefitBase, raw: float) -> float:
    return raw * MARKET_LOAN_RATE if base is BenefitBase.interest_paid else raw


def _percentage(benefit: PercentageBenefit, facts: Facts) -> Estimate:
    label, label_zh = _BASE_WORDS[benefit.base]
    field = PROFILE_BASE.get(benefit.base)
    raw = None if field is None else facts.numbers[field]
    years = benefit.years
    share = f"{benefit.rate:.0%} of {label}"
    share_zh = f"{label_zh}的{benefit.rate:.0%}"
    if raw is not None:
        base = _base_value(benefit.base, raw)
        if benefit.min_base is not None and base < benefit.min_base:
            return _point("cash", _Known(0, 0, False), years, f"{label} {_yuan(base)} is below the minimum "
                          f"{_yuan(benefit.min_base)}", f"{label_zh}{_yuan(base)}元，低于门槛{_yuan(benefit.min_base)}元")
        known = _cap(benefit.rate * base, benefit.cap_per_year, years, benefit.cap)
        over = f" for {years} years" if years > 1 else ""
        return _point("cash", known, years, f"{share} ({_yuan(base)}){over}" + (", capped" if known.capped else ""),
                      f"{share_zh}（{_yuan(base)}元）" + (f"，共{years}年" if years > 1 else "")
                      + ("，已达上限" if known.capped else ""))
    high = benefit.ceiling
    if field is None:
        expected, how = _midpoint(high)
        settle: list[str] = []
    else:
        guess, how = _from_prior(field, facts.size_class)
        expected = _cap(benefit.rate * _base_value(benefit.base, guess), benefit.cap_per_year, years, benefit.cap).total
        settle = [field.value]
    tell = f"tell us your {field.value}" if field else f"it depends on your {label}"
    tell_zh = f"请提供{field.value}" if field else f"取决于{label_zh}"
    return _range("cash", high, expected, how, years, settle,
                  f"{share}: {tell}" + (f"; at most {_yuan(high)}" if high else ""),
                  f"{share_zh}：{tell_zh}" + (f"；最高{_yuan(high)}元" if high else ""))


def _interest(benefit: InterestSubsidyBenefit, facts: Facts) -> Estimate:
    if benefit.share_of_interest is not None:
        per_yuan = benefit.share_of_interest * MARKET_LOAN_RATE
        what = f"{benefit.share_of_interest:.0%} of the interest (at {MARKET_LOAN_RATE:.1%})"
        what_zh = f"利息（按{MARKET_LOAN_RATE:.1%}计）的{benefit.share_of_interest:.0%}"
    else:
        per_yuan = benefit.rate or 0.0
        what, what_zh = f"{per_yuan:.2%} a year", f"每年{per_yuan:.2%}"
    years = benefit.years
    loan = facts.numbers[NumericField.loan_need]
    if loan is not None:
        if benefit.min_loan is not None and loan < benefit.min_loan:
            return _point("cash", _Known(0, 0, False), years, f"loan {_yuan(loan)} is below the minimum "
                          f"{_yuan(benefit.min_loan)}", f"贷款{_yuan(loan)}元，低于门槛{_yuan(benefit.min_loan)}元")
        known = _cap(per_yuan * loan, benefit.cap_per_year, years)
        return _point("cash", known, years, f"{what} of a {_yuan(loan)} loan for {years} year(s)",
                      f"{_yuan(loan)}元贷款的{what_zh}，{years}年")
    guess, how = _from_prior(NumericField.loan_need, facts.size_class)
    expected = _cap(per_yuan * guess, benefit.cap_per_year, years).total
    high = benefit.ceiling
    return _range("cash", high, expected, how, years, [NumericField.loan_need.value],
                  f"{what} of a loan: tell us your loan_need" + (f"; at most {_yuan(high)}" if high else ""),
                  f"贷款的{what_zh}：请提供loan_need" + (f"；最高{_yuan(high)}元" if high else ""))


# ---------------------------------------------------------------- access to money


def financing_spread(benefit: FinancingBenefit) -> float:
    """The yearly saving per yuan of principal: the market rate (or fee) less the measure's; 0 for equity."""
    instrument = benefit.instrument or FinancingInstrument.loan
    if instrument is FinancingInstrument.equity or benefit.rate is None:
        return 0.0
    market = MARKET_GUARANTEE_FEE if instrument is FinancingInstrument.guarantee else MARKET_LOAN_RATE
    return max(market - benefit.rate, 0.0)


def _financing(benefit: FinancingBenefit, facts: Facts) -> Estimate:
    instrument = benefit.instrument or FinancingInstrument.loan
    years = benefit.years
    if instrument is FinancingInstrument.equity:
        return Estimate(kind="equity", amount=None, low=None, high=None, expected=0,
                        expected_basis="an investment paid for with shares: no income", principal=benefit.max_amount,
                        years=years, basis=f"equity investment of up to {_yuan(benefit.max_amount)} yuan for shares",
                        basis_zh=f"股权投资，最高{_yuan(benefit.max_amount)}元，以股权换取")
    market, kind, noun, noun_zh = ((MARKET_GUARANTEE_FEE, "fee_saved", "guarantee fee", "担保费率")
                                   if instrument is FinancingInstrument.guarantee
                                   else (MARKET_LOAN_RATE, "interest_saved", "loan rate", "贷款利率"))
    spread = financing_spread(benefit)
    terms = (f"{noun} {benefit.rate:.2%} against {market:.1%} on the market" if benefit.rate is not None
             else f"no {noun} stated: no saving counted")
    terms_zh = (f"{noun_zh}{benefit.rate:.2%}，市场约{market:.1%}" if benefit.rate is not None
                else f"未载明{noun_zh}，不计节省")
    loan = facts.numbers[NumericField.loan_need]
    if loan is not None:
        principal = min(loan, benefit.max_amount)
        known = _Known(principal * spread * years, principal * spread, False)
        return _point(kind, known, years, f"{_yuan(principal)} for {years} year(s), {terms}",  # type: ignore[arg-type]
                      f"{_yuan(principal)}元，{years}年，{terms_zh}", principal=round(principal))
    guess, how = _from_prior(NumericField.loan_need, facts.size_class)
    expected = min(guess, benefit.max_amount) * spread * years
    return _range(kind, benefit.max_amount * spread * years, expected, how, years,  # type: ignore[arg-type]
                  [NumericField.loan_need.value],
                  f"up to {_yuan(benefit.max_amount)} for {years} year(s), {terms}: tell us your loan_need",
                  f"最高{_yuan(benefit.max_amount)}元，{years}年，{terms_zh}：请提供loan_need",
                  principal=benefit.max_amount)


# ---------------------------------------------------------------- tax


@dataclass(frozen=True)
class _TaxPosition:
    """The firm's income tax as far as the profile tells: its rate, and its taxable income (None if unknown)."""

    rate: float | None  # None: small low-profit or standard, which the income would decide
    income: float | None  # operating revenue × net profit margin; negative for a loss
    high_tech: bool

    @property
    def loss(self) -> bool:
        return self.income is not None and self.income < 0


def tax_position(facts: Facts) -> _TaxPosition:
    numbers = facts.numbers
    high_tech = Designation.high_tech_enterprise in facts.designations
    revenue, margin = numbers[NumericField.operating_revenue], numbers[NumericField.net_profit_margin]
    income = None if revenue is None or margin is None else revenue * margin
    if high_tech:
        return _TaxPosition(HIGH_TECH_TAX_RATE, income, True)
    if income is None:
        return _TaxPosition(None, None, False)
    staff, assets = numbers[NumericField.employees], numbers[NumericField.total_assets]
    small = (income <= SMALL_LOW_PROFIT_INCOME and staff is not None and staff <= SMALL_LOW_PROFIT_STAFF
             and assets is not None and assets <= SMALL_LOW_PROFIT_ASSETS)
    return _TaxPosition(SMALL_LOW_PROFIT_RATE if small else STANDARD_TAX_RATE, income, False)


_TAX_SETTLE = [NumericField.operating_revenue.value, NumericField.net_profit_margin.value]


def _loss(years: int, position: _TaxPosition, what: str, what_zh: str) -> Estimate:
    carry = CARRY_YEARS_HIGH_TECH if position.high_tech else CARRY_YEARS
    return _point("tax_saved", _Known(0, 0, False), years, f"{what}: nothing this year, the firm made a loss",
                  f"{what_zh}：企业当年亏损，本年不减税",
                  note=f"A loss carries forward {carry} years: the relief lowers tax once the firm is profitable.",
                  note_zh=f"亏损可向后结转{carry}年，盈利后方能减税。")


def _tax(benefit: TaxBenefit, facts: Facts) -> Estimate:
    position = tax_position(facts)
    years = benefit.years
    if benefit.relief is TaxRelief.extra_deduction:
        return _deduction(benefit, facts, position)
    if benefit.relief is TaxRelief.reduced_rate:
        return _reduced_rate(benefit, facts, position)
    # Exemptions and credits: the base (transfer income, input VAT, land-use tax) is not in a profile.
    on_income = benefit.base is TaxBase.tech_transfer_income
    what = f"{benefit.rate:.0%} of {benefit.base.value.replace('_', ' ')}"
    what_zh = f"{benefit.base.value}的{benefit.rate:.0%}"
    if on_income and position.loss:
        return _loss(years, position, what, what_zh)
    per_year: float | None = None
    if benefit.base_cap is not None:
        per_year = benefit.rate * benefit.base_cap * (STANDARD_TAX_RATE if on_income else 1.0)
    if benefit.cap_per_year is not None:
        per_year = min(per_year, benefit.cap_per_year) if per_year is not None else float(benefit.cap_per_year)
    high = None if per_year is None else per_year * years
    expected, how = _midpoint(high)
    return _range("tax_saved", high, expected, how, years, [],
                  f"{what}: it depends on your {benefit.base.value.replace('_', ' ')}"
                  + (f"; at most {_yuan(high)}" if high else ""),
                  f"{what_zh}：取决于{benefit.base.value}" + (f"；最多{_yuan(high)}元" if high else ""))


def _deduction(benefit: TaxBenefit, facts: Facts, position: _TaxPosition) -> Estimate:
    years = benefit.years
    what = f"extra deduction of {benefit.rate:.0%} of R&D expense"
    what_zh = f"研发费用加计扣除{benefit.rate:.0%}"
    if position.loss:
        return _loss(years, position, what, what_zh)
    spend = facts.numbers[NumericField.rd_expense]
    if spend is not None and position.income is not None and position.rate is not None:
        deduction = benefit.rate * spend
        used = min(deduction, position.income)
        known = _cap(used * position.rate, benefit.cap_per_year, years)
        note = note_zh = None
        if deduction > position.income:
            note = (f"The deduction ({_yuan(deduction)}) exceeds taxable income ({_yuan(position.income)}): "
                    "the rest becomes a loss carried forward.")
            note_zh = f"加计扣除额（{_yuan(deduction)}元）超过应纳税所得额（{_yuan(position.income)}元），超出部分形成亏损向后结转。"
        return _point("tax_saved", known, years,
                      f"{what} ({_yuan(deduction)}) at the firm's {position.rate:.0%} rate",
                      f"{what_zh}（{_yuan(deduction)}元），按企业{position.rate:.0%}税率", note=note, note_zh=note_zh)
    top_rate = position.rate if position.rate is not None else STANDARD_TAX_RATE
    settle = ([] if spend is not None else [NumericField.rd_expense.value]) + (
        [] if position.income is not None else _TAX_SETTLE)
    if spend is None:
        guess, how = _from_prior(NumericField.rd_expense, facts.size_class)
        high = None
        expected = benefit.rate * guess * top_rate / 2
        how += "; half of it at the firm's top rate, its profit unknown"
    else:
        high = benefit.rate * spend * top_rate * years
        expected, how = _midpoint(high)
    return _range("tax_saved", high, expected, how, years, settle,
                  f"{what} at up to {top_rate:.0%}: tell us " + ", ".join(settle),
                  f"{what_zh}，税率最高{top_rate:.0%}：请提供" + "、".join(settle))


def _reduced_rate(benefit: TaxBenefit, facts: Facts, position: _TaxPosition) -> Estimate:
    years = benefit.years
    gap = STANDARD_TAX_RATE - benefit.rate
    what = f"income tax at {benefit.rate:.0%} instead of 25%" + (
        f" on the first {_yuan(benefit.base_cap)}" if benefit.base_cap else "")
    what_zh = f"企业所得税按{benefit.rate:.0%}（而非25%）" + (f"，限{_yuan(benefit.base_cap)}元以内所得" if benefit.base_cap else "")
    if position.loss:
        return _loss(years, position, what, what_zh)
    if position.income is not None:
        base = min(position.income, benefit.base_cap) if benefit.base_cap else position.income
        known = _cap(gap * base, benefit.cap_per_year, years)
        return _point("tax_saved", known, years, f"{what}: {gap:.0%} of {_yuan(base)} taxable income",
                      f"{what_zh}：应纳税所得额{_yuan(base)}元的{gap:.0%}")
    guess, how = _from_prior(priors.TAXABLE_INCOME, facts.size_class)
    expected = _cap(gap * (min(guess, benefit.base_cap) if benefit.base_cap else guess), benefit.cap_per_year,
                    years).total
    high = gap * benefit.base_cap * years if benefit.base_cap else None
    if high is not None and benefit.cap_per_year is not None:
        high = min(high, benefit.cap_per_year * years)
    return _range("tax_saved", high, expected, how, years, _TAX_SETTLE,
                  f"{what}: tell us operating_revenue and net_profit_margin",
                  f"{what_zh}：请提供operating_revenue与net_profit_margin")


# ---------------------------------------------------------------- entry points


def estimate(benefit: Benefit, facts: Facts) -> Estimate:
    """The benefit of a measure for this firm."""
    match benefit:
        case FixedBenefit():
            return _fixed(benefit)
        case PercentageBenefit():
            return _percentage(benefit, facts)
        case InterestSubsidyBenefit():
            return _interest(benefit, facts)
        case FinancingBenefit():
            return _financing(benefit, facts)
        case TaxBenefit():
            return _tax(benefit, facts)
        case InKindBenefit():
            value = benefit.estimated_value
            return Estimate(kind="in_kind", amount=value, low=value, high=value, expected=value or 0,
                            expected_basis="market price of the service" if value else "no cash value",
                            basis=benefit.description, basis_zh=benefit.description)
    assert_never(benefit)


def ranking_value(value: Estimate) -> float:
    """The yuan figure measures are compared by: the estimate, or the prior's expectation when it is a range."""
    return float(value.expected)

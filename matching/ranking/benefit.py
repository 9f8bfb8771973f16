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

Every sentence is said in English and Chinese (`basis` and `basis_zh`, ...): an estimate is worked out
once and shown to readers of either language.
"""

from dataclasses import dataclass
from typing import Literal, assert_never

from pydantic import Field

from matching.firm.facts import Facts
from matching.messages import MESSAGES
from matching.ranking import priors
from policies import describe
from policies.i18n import N_, OneLanguage
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
Twin = tuple[str, str]  # a sentence in English and in Chinese


class Estimate(OneLanguage):
    """What a measure is worth to the firm: `amount` when its base is known, else the range `low`–`high`."""

    kind: Kind
    amount: int | None = Field(description="CNY in all, only when every base is known")
    low: int | None = Field(description="CNY; equals amount when it is known")
    high: int | None = Field(description="CNY; None when nothing bounds it")
    expected: int = Field(description="CNY the ranking counts: amount, or a prior for the firm's size")
    expected_basis: str
    expected_basis_zh: str
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


def _yuan(value: float) -> Twin:
    """Money in each language's words: 6,500,000 in English (the sentence says "yuan"), 650 万元 in Chinese."""
    return f"{value:,.0f}", describe.money_in(value, "zh")


def _twin(message: str, /, **values: object) -> Twin:
    """`message` (marked with N_) in English and Chinese; a value given as a Twin fills each language with its own."""
    en = {name: value[0] if isinstance(value, tuple) else value for name, value in values.items()}
    zh = {name: value[1] if isinstance(value, tuple) else value for name, value in values.items()}
    return MESSAGES.say("en", message, **en), MESSAGES.say("zh", message, **zh)


def _cap(per_year: float, cap_per_year: int | None, years: int, cap: int | None = None) -> _Known:
    capped = False
    if cap_per_year is not None and per_year > cap_per_year:
        per_year, capped = float(cap_per_year), True
    total = per_year * years
    if cap is not None and total > cap:
        total, capped = float(cap), True
    return _Known(total, per_year, capped)


def _point(kind: Kind, known: _Known, years: int, basis: Twin, **extra: object) -> Estimate:
    amount = round(known.total)
    expected_basis, expected_basis_zh = _twin(N_("point estimate"))
    return Estimate(kind=kind, amount=amount, low=amount, high=amount, expected=amount,
                    expected_basis=expected_basis, expected_basis_zh=expected_basis_zh,
                    per_year=round(known.per_year) if years > 1 else None,
                    years=years, capped=known.capped, basis=basis[0], basis_zh=basis[1], **extra)


def _range(kind: Kind, high: float | None, expected: float, expected_basis: Twin, years: int, settle: list[str],
           basis: Twin, **extra: object) -> Estimate:
    return Estimate(kind=kind, amount=None, low=0, high=None if high is None else round(high),
                    expected=round(expected), expected_basis=expected_basis[0], expected_basis_zh=expected_basis[1],
                    years=years, settle=settle, basis=basis[0], basis_zh=basis[1], **extra)


def _midpoint(high: float | None) -> tuple[float, Twin]:
    if high is None:
        return 0.0, _twin(N_("nothing bounds it: counted as 0"))
    return high / 2, _twin(N_("midpoint of the range"))


def _from_prior(field: priors.PriorField, size: SizeClass | None) -> tuple[float, Twin]:
    value = priors.prior(field, size)
    name = field.value if isinstance(field, NumericField) else field
    return float(value), _twin(N_("prior: median {name} of {source} ({value})"),
                               name=(name, describe.field_label(name, "zh")),
                               source=MESSAGES.pair(priors.SOURCE[size]),
                               value=_yuan(value))


# ---------------------------------------------------------------- money given


def _fixed(benefit: FixedBenefit) -> Estimate:
    years = benefit.years
    per_year = benefit.amount / years
    amount = _yuan(benefit.amount)
    if not benefit.up_to:
        basis = (_twin(N_("{amount} yuan over {years} years"), amount=amount, years=years) if years > 1
                 else _twin(N_("{amount} yuan"), amount=amount))
        return _point("cash", _Known(benefit.amount, per_year, False), years, basis, exact=True)
    basis = (_twin(N_("up to {amount} yuan over {years} years, decided on review"), amount=amount, years=years)
             if years > 1 else _twin(N_("up to {amount} yuan, decided on review"), amount=amount))
    return _range("cash", benefit.amount, benefit.amount / 2,
                  _twin(N_("midpoint of the range: the text gives only the most")), years, [], basis)


# The profile fact each base is read from (interest paid: the loan need at the market rate); the rest no profile holds.
PROFILE_BASE = {
    BenefitBase.rd_expense: NumericField.rd_expense,
    BenefitBase.investment: NumericField.planned_investment,
    BenefitBase.equipment_purchase: NumericField.planned_investment,
    BenefitBase.interest_paid: NumericField.loan_need,
}
_BASE_WORDS = {
    BenefitBase.rd_expense: N_("last year's R&D expense"),
    BenefitBase.investment: N_("planned investment"),
    BenefitBase.equipment_purchase: N_("planned equipment spend (planned investment)"),
    BenefitBase.interest_paid: N_("interest on the stated loan at {rate}"),
    BenefitBase.insurance_premium: N_("insurance premium paid"),
    BenefitBase.service_cost: N_("cost of the service bought"),
    BenefitBase.guarantee_fee: N_("guarantee fee paid"),
}
_MARKET_LOAN_RATE = f"{MARKET_LOAN_RATE:.1%}"


def _base_value(base: BenefitBase, raw: float) -> float:
    return raw * MARKET_LOAN_RATE if base is BenefitBase.interest_paid else raw


def _percentage(benefit: PercentageBenefit, facts: Facts) -> Estimate:
    label = MESSAGES.pair(_BASE_WORDS[benefit.base], rate=_MARKET_LOAN_RATE)
    field = PROFILE_BASE.get(benefit.base)
    raw = None if field is None else facts.numbers[field]
    years = benefit.years
    share = _twin(N_("{rate} of {base}"), rate=f"{benefit.rate:.0%}", base=label)
    if raw is not None:
        base = _base_value(benefit.base, raw)
        if benefit.min_base is not None and base < benefit.min_base:
            return _point("cash", _Known(0, 0, False), years, _twin(
                N_("{label} {base} is below the minimum {minimum}"), label=label, base=_yuan(base),
                minimum=_yuan(benefit.min_base)))
        known = _cap(benefit.rate * base, benefit.cap_per_year, years, benefit.cap)
        basis = (_twin(N_("{share} ({base}) for {years} years"), share=share, base=_yuan(base), years=years)
                 if years > 1 else _twin(N_("{share} ({base})"), share=share, base=_yuan(base)))
        if known.capped:
            basis = _twin(N_("{basis}, capped"), basis=basis)
        return _point("cash", known, years, basis)
    high = benefit.ceiling
    if field is None:
        expected, how = _midpoint(high)
        settle: list[str] = []
        if high:
            basis = _twin(N_("{share}: it depends on your {label}; at most {high}"), share=share, label=label,
                          high=_yuan(high))
        else:
            basis = _twin(N_("{share}: it depends on your {label}"), share=share, label=label)
    else:
        guess, how = _from_prior(field, facts.size_class)
        expected = _cap(benefit.rate * _base_value(benefit.base, guess), benefit.cap_per_year, years, benefit.cap).total
        settle = [field.value]
        if high:
            basis = _twin(N_("{share}: tell us your {field}; at most {high}"), share=share, field=field.value,
                          high=_yuan(high))
        else:
            basis = _twin(N_("{share}: tell us your {field}"), share=share, field=field.value)
    return _range("cash", high, expected, how, years, settle, basis)


def _interest(benefit: InterestSubsidyBenefit, facts: Facts) -> Estimate:
    if benefit.share_of_interest is not None:
        per_yuan = benefit.share_of_interest * MARKET_LOAN_RATE
        what = _twin(N_("{share} of the interest (at {rate})"), share=f"{benefit.share_of_interest:.0%}",
                             rate=_MARKET_LOAN_RATE)
    else:
        per_yuan = benefit.rate or 0.0
        what = _twin(N_("{rate} a year"), rate=f"{per_yuan:.2%}")
    years = benefit.years
    loan = facts.numbers[NumericField.loan_need]
    if loan is not None:
        if benefit.min_loan is not None and loan < benefit.min_loan:
            return _point("cash", _Known(0, 0, False), years, _twin(
                N_("loan {loan} is below the minimum {minimum}"), loan=_yuan(loan), minimum=_yuan(benefit.min_loan)))
        known = _cap(per_yuan * loan, benefit.cap_per_year, years)
        return _point("cash", known, years, _twin(N_("{what} of a {loan} loan for {years} year(s)"), what=what,
                                                  loan=_yuan(loan), years=years))
    guess, how = _from_prior(NumericField.loan_need, facts.size_class)
    expected = _cap(per_yuan * guess, benefit.cap_per_year, years).total
    high = benefit.ceiling
    basis = (_twin(N_("{what} of a loan: tell us your loan_need; at most {high}"), what=what, high=_yuan(high))
             if high else _twin(N_("{what} of a loan: tell us your loan_need"), what=what))
    return _range("cash", high, expected, how, years, [NumericField.loan_need.value], basis)


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
        expected_basis, expected_basis_zh = _twin(N_("an investment paid for with shares: no income"))
        basis, basis_zh = _twin(N_("equity investment of up to {amount} yuan for shares"),
                                        amount=_yuan(benefit.max_amount))
        return Estimate(kind="equity", amount=None, low=None, high=None, expected=0, expected_basis=expected_basis,
                        expected_basis_zh=expected_basis_zh, principal=benefit.max_amount, years=years, basis=basis,
                        basis_zh=basis_zh)
    guarantee = instrument is FinancingInstrument.guarantee
    market = MARKET_GUARANTEE_FEE if guarantee else MARKET_LOAN_RATE
    kind: Kind = "fee_saved" if guarantee else "interest_saved"
    noun = _twin(N_("guarantee fee")) if guarantee else _twin(N_("loan rate"))
    spread = financing_spread(benefit)
    terms = (_twin(N_("{noun} {rate} against {market} on the market"), noun=noun, rate=f"{benefit.rate:.2%}",
                   market=f"{market:.1%}") if benefit.rate is not None
             else _twin(N_("no {noun} stated: no saving counted"), noun=noun))
    loan = facts.numbers[NumericField.loan_need]
    if loan is not None:
        principal = min(loan, benefit.max_amount)
        known = _Known(principal * spread * years, principal * spread, False)
        return _point(kind, known, years,
                      _twin(N_("{principal} for {years} year(s), {terms}"), principal=_yuan(principal), years=years,
                            terms=terms), principal=round(principal))
    guess, how = _from_prior(NumericField.loan_need, facts.size_class)
    expected = min(guess, benefit.max_amount) * spread * years
    return _range(kind, benefit.max_amount * spread * years, expected, how, years,
                  [NumericField.loan_need.value],
                  _twin(N_("up to {amount} for {years} year(s), {terms}: tell us your loan_need"),
                        amount=_yuan(benefit.max_amount), years=years, terms=terms),
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


def _loss(years: int, position: _TaxPosition, what: Twin) -> Estimate:
    carry = CARRY_YEARS_HIGH_TECH if position.high_tech else CARRY_YEARS
    note, note_zh = _twin(N_("A loss carries forward {years} years: the relief lowers tax once the firm is "
                                  "profitable."), years=carry)
    return _point("tax_saved", _Known(0, 0, False), years,
                  _twin(N_("{what}: nothing this year, the firm made a loss"), what=what), note=note, note_zh=note_zh)


def _tax(benefit: TaxBenefit, facts: Facts) -> Estimate:
    position = tax_position(facts)
    years = benefit.years
    if benefit.relief is TaxRelief.extra_deduction:
        return _deduction(benefit, facts, position)
    if benefit.relief is TaxRelief.reduced_rate:
        return _reduced_rate(benefit, facts, position)
    # Exemptions and credits: the base (transfer income, input VAT, land-use tax) is not in a profile.
    on_income = benefit.base is TaxBase.tech_transfer_income
    base = (benefit.base.value.replace("_", " "), benefit.base.value)
    what = _twin(N_("{rate} of {base}"), rate=f"{benefit.rate:.0%}", base=base)
    if on_income and position.loss:
        return _loss(years, position, what)
    per_year: float | None = None
    if benefit.base_cap is not None:
        per_year = benefit.rate * benefit.base_cap * (STANDARD_TAX_RATE if on_income else 1.0)
    if benefit.cap_per_year is not None:
        per_year = min(per_year, benefit.cap_per_year) if per_year is not None else float(benefit.cap_per_year)
    high = None if per_year is None else per_year * years
    expected, how = _midpoint(high)
    basis = (_twin(N_("{what}: it depends on your {base}; at most {high}"), what=what, base=base, high=_yuan(high))
             if high else _twin(N_("{what}: it depends on your {base}"), what=what, base=base))
    return _range("tax_saved", high, expected, how, years, [], basis)


def _deduction(benefit: TaxBenefit, facts: Facts, position: _TaxPosition) -> Estimate:
    years = benefit.years
    what = _twin(N_("extra deduction of {rate} of R&D expense"), rate=f"{benefit.rate:.0%}")
    if position.loss:
        return _loss(years, position, what)
    spend = facts.numbers[NumericField.rd_expense]
    if spend is not None and position.income is not None and position.rate is not None:
        deduction = benefit.rate * spend
        used = min(deduction, position.income)
        known = _cap(used * position.rate, benefit.cap_per_year, years)
        note = note_zh = None
        if deduction > position.income:
            note, note_zh = _twin(N_("The deduction ({deduction}) exceeds taxable income ({income}): the rest "
                                          "becomes a loss carried forward."), deduction=_yuan(deduction),
                                          income=_yuan(position.income))
        return _point("tax_saved", known, years,
                      _twin(N_("{what} ({deduction}) at the firm's {rate} rate"), what=what,
                            deduction=_yuan(deduction), rate=f"{position.rate:.0%}"), note=note, note_zh=note_zh)
    top_rate = position.rate if position.rate is not None else STANDARD_TAX_RATE
    settle = ([] if spend is not None else [NumericField.rd_expense.value]) + (
        [] if position.income is not None else _TAX_SETTLE)
    if spend is None:
        guess, prior = _from_prior(NumericField.rd_expense, facts.size_class)
        high = None
        expected = benefit.rate * guess * top_rate / 2
        how = _twin(N_("{prior}; half of it at the firm's top rate, its profit unknown"), prior=prior)
    else:
        high = benefit.rate * spend * top_rate * years
        expected, how = _midpoint(high)
    return _range("tax_saved", high, expected, how, years, settle,
                  _twin(N_("{what} at up to {rate}: tell us {fields}"), what=what, rate=f"{top_rate:.0%}",
                        fields=(", ".join(settle), "、".join(settle))))


def _reduced_rate(benefit: TaxBenefit, facts: Facts, position: _TaxPosition) -> Estimate:
    years = benefit.years
    gap = STANDARD_TAX_RATE - benefit.rate
    rate = f"{benefit.rate:.0%}"
    what = (_twin(N_("income tax at {rate} instead of 25% on the first {cap}"), rate=rate,
                          cap=_yuan(benefit.base_cap)) if benefit.base_cap
            else _twin(N_("income tax at {rate} instead of 25%"), rate=rate))
    if position.loss:
        return _loss(years, position, what)
    if position.income is not None:
        base = min(position.income, benefit.base_cap) if benefit.base_cap else position.income
        known = _cap(gap * base, benefit.cap_per_year, years)
        return _point("tax_saved", known, years, _twin(N_("{what}: {gap} of {base} taxable income"), what=what,
                                                       gap=f"{gap:.0%}", base=_yuan(base)))
    guess, how = _from_prior(priors.TAXABLE_INCOME, facts.size_class)
    expected = _cap(gap * (min(guess, benefit.base_cap) if benefit.base_cap else guess), benefit.cap_per_year,
                    years).total
    high = gap * benefit.base_cap * years if benefit.base_cap else None
    if high is not None and benefit.cap_per_year is not None:
        high = min(high, benefit.cap_per_year * years)
    return _range("tax_saved", high, expected, how, years, _TAX_SETTLE,
                  _twin(N_("{what}: tell us operating_revenue and net_profit_margin"), what=what))


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
            expected_basis, expected_basis_zh = (_twin(N_("market price of the service")) if value
                                                 else _twin(N_("no cash value")))
            return Estimate(kind="in_kind", amount=value, low=value, high=value, expected=value or 0,
                            expected_basis=expected_basis, expected_basis_zh=expected_basis_zh,
                            basis=benefit.description,
                            basis_zh=benefit.description_zh or benefit.description)
    assert_never(benefit)


def ranking_value(value: Estimate) -> float:
    """The yuan figure measures are compared by: the estimate, or the prior's expectation when it is a range."""
    return float(value.expected)

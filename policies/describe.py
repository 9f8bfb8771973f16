"""Plain-language sentences about a measure, generated from its data: who qualifies, what it gives, when.

Generated, not written: the sentence can never disagree with the criteria the
engine evaluates, which is what a chatbot needs to relay instead of inventing.
Each sentence is said in English (the default: what curation stores) or Chinese.
"""

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal, assert_never

from policies import reference
from policies.criteria import (
    AllOfCriterion,
    AnyOfCriterion,
    AttestationCriterion,
    Criterion,
    DesignationCriterion,
    FlagCriterion,
    IndustryCriterion,
    ManualCriterion,
    NumericCriterion,
    Op,
    RegionCriterion,
    SizeClassCriterion,
)
from policies.i18n import N_
from policies.messages import MESSAGES
from policies.terms import (
    Benefit,
    FinancingBenefit,
    FixedBenefit,
    InKindBenefit,
    InterestSubsidyBenefit,
    PercentageBenefit,
    TaxBenefit,
    Window,
)
from policies.vocabulary import (
    DESIGNATION_NAMES_ZH,
    FRACTION_FIELDS,
    BenefitBase,
    FinancingInstrument,
    NumericField,
    SizeClass,
    TaxBase,
    TaxRelief,
    WindowMode,
)

Lang = Literal["en", "zh"]

FIELD_LABELS: dict[NumericField, str] = {
    NumericField.employees: N_("employees"),
    NumericField.operating_revenue: N_("last year's operating revenue"),
    NumericField.total_assets: N_("total assets"),
    NumericField.rd_expense: N_("last year's R&D expense"),
    NumericField.rd_expense_prev: N_("the previous year's R&D expense"),
    NumericField.rd_staff: N_("R&D staff"),
    NumericField.invention_patents: N_("invention patents"),
    NumericField.ip_class1: N_("class-I IP items"),
    NumericField.ip_class2: N_("class-II IP items"),
    NumericField.main_business_share: N_("main-business share of revenue"),
    NumericField.revenue_growth: N_("last year's revenue growth"),
    NumericField.revenue_growth_avg_2y: N_("average revenue growth over two years"),
    NumericField.net_profit_margin: N_("net profit margin"),
    NumericField.debt_ratio: N_("debt-to-asset ratio"),
    NumericField.export_share: N_("export share of revenue"),
    NumericField.years_in_niche: N_("years in its niche market"),
    NumericField.niche_market_share: N_("niche market share"),
    NumericField.new_equity_financing_2y: N_("new equity financing in two years"),
    NumericField.planned_investment: N_("planned investment"),
    NumericField.loan_need: N_("loan size"),
    NumericField.main_business_revenue: N_("last year's main-business revenue"),
    NumericField.main_business_revenue_avg_3y: N_("average main-business revenue over three years"),
    NumericField.main_business_revenue_max_3y: N_("main-business revenue in its best year of the last three"),
    NumericField.niche_rank_china: N_("a national niche-market rank"),
    NumericField.niche_rank_global: N_("a global niche-market rank"),
    NumericField.development_score: N_("a 专精特新 development-evaluation score"),
    NumericField.high_tech_revenue_share: N_("high-tech products and services as a share of revenue"),
    NumericField.manufacturing_sales_share: N_("manufacturing sales as a share of all sales"),
    NumericField.taxable_income: N_("annual taxable income"),
    NumericField.output_growth: N_("last year's industrial output growth"),
    NumericField.output_growth_prev: N_("the previous year's industrial output growth"),
    NumericField.revenue_growth_prev: N_("the previous year's revenue growth"),
    NumericField.layoff_rate: N_("a layoff rate"),
    NumericField.insured_staff: N_("insured staff"),
    NumericField.above_scale_year: N_("the year they first entered the above-scale statistics"),
    NumericField.mu_efficiency_grade: N_("a per-mu efficiency grade (1 = A … 4 = D)"),
    NumericField.digital_level: N_("a digitalisation level"),
    NumericField.age_years: N_("years since founding"),
    NumericField.rd_ratio: N_("R&D expense as a share of revenue"),
    NumericField.rd_ratio_prev: N_("the previous year's R&D share of revenue"),
    NumericField.rd_expense_2y: N_("R&D expense over two years"),
    NumericField.rd_staff_ratio: N_("R&D staff as a share of employees"),
}
MONEY_FIELDS = frozenset({
    NumericField.operating_revenue, NumericField.total_assets, NumericField.rd_expense, NumericField.rd_expense_prev,
    NumericField.new_equity_financing_2y, NumericField.planned_investment, NumericField.loan_need,
    NumericField.rd_expense_2y, NumericField.main_business_revenue, NumericField.main_business_revenue_avg_3y,
    NumericField.main_business_revenue_max_3y, NumericField.taxable_income,
})
ATTESTATION_TEXT = {
    "no_serious_violation_3y": N_("no serious violation or dishonesty listing in three years"),
    "no_major_accident_3y": N_("no major safety, quality or environmental accident in three years"),
    "tax_compliant": N_("taxes paid in full"),
    "products_not_restricted": N_("no products in the restricted or obsolete catalogues"),
    "independent_legal_person": N_("an independent legal person registered in mainland China"),
    "not_previously_funded": N_("no earlier support from the same fund"),
    "unemployment_insurance_paid": N_("unemployment insurance paid in full"),
}
FLAG_TEXT = {  # (when true, when false)
    "listed": (N_("are listed on a stock exchange"), N_("are not listed on a stock exchange")),
    "above_scale": (N_("are above the statistical size line (规上)"), N_("are below the statistical size line")),
    "has_rd_institution": (N_("have an R&D institution"), N_("have no R&D institution")),
    "general_vat_taxpayer": (N_("are general VAT taxpayers"), N_("are not general VAT taxpayers")),
    "no_overdue_loans": (N_("have no overdue bank loans"), N_("have an overdue bank loan")),
    "no_bad_credit_record": (N_("have no bad credit record"), N_("have a bad credit record")),
    "strategic_emerging": (N_("make a main product in a strategic emerging industry"),
                           N_("make no main product in a strategic emerging industry")),
    "key_chain_role": (N_("fill a gap or strengthen a key industrial chain (补短板/锻长板/填空白)"),
                       N_("play no such role in a key industrial chain")),
    "own_brand": (N_("have their own brand"), N_("have no brand of their own")),
    "led_standard": (N_("led or took part in drafting a standard"), N_("took part in no standard")),
    "rd_super_deduction_claimed": (N_("claimed the R&D super-deduction for last year"),
                                   N_("did not claim the R&D super-deduction for last year")),
}
_BOUNDED = {  # a numeric condition by its operator
    Op.gte: N_("have {label} at least {value}"), Op.gt: N_("have {label} more than {value}"),
    Op.lte: N_("have {label} at most {value}"), Op.lt: N_("have {label} less than {value}"),
    Op.eq: N_("have {label} exactly {value}"),
}
_SIZES = {SizeClass.micro: N_("micro"), SizeClass.small: N_("small"), SizeClass.medium: N_("medium"),
          SizeClass.large: N_("large")}
# What a percentage or a tax relief is a share of; one added to the vocabulary later reads by its name.
_BASES: dict[BenefitBase | TaxBase, str] = {
    BenefitBase.rd_expense: N_("rd expense"),
    BenefitBase.investment: N_("investment"),
    BenefitBase.equipment_purchase: N_("equipment purchase"),
    BenefitBase.interest_paid: N_("interest paid"),
    BenefitBase.insurance_premium: N_("insurance premium"),
    BenefitBase.service_cost: N_("service cost"),
    BenefitBase.guarantee_fee: N_("guarantee fee"),
    TaxBase.taxable_income: N_("taxable income"),
    TaxBase.tech_transfer_income: N_("tech transfer income"),
    TaxBase.input_vat: N_("input vat"),
    TaxBase.land_use_tax: N_("land use tax"),
}
_FINANCING = {FinancingInstrument.loan: N_("A loan"), FinancingInstrument.guarantee: N_("A guarantee"),
              FinancingInstrument.equity: N_("Equity investment")}
# How the parts of a list are joined, in each language.
_AND = {"en": " and ", "zh": "，"}
_ALSO = {"en": "; and ", "zh": "；"}
_LIST = {"en": ", ", "zh": "、"}
_OR = {"en": " or ", "zh": "、"}


def money(amount: float) -> str:
    """Yuan as people say it: 1,000,000 → "1 million yuan (100万元)"."""
    if amount >= 100_000_000:
        return f"{amount / 1e6:,.0f} million yuan ({amount / 1e8:g}亿元)"
    if amount >= 10_000:
        return f"{amount:,.0f} yuan ({amount / 1e4:g}万元)"
    return f"{amount:,.0f} yuan"


def money_in(amount: float, lang: Lang) -> str:
    """Yuan in the reader's language: in Chinese counted in 万 and 亿 (600万元), as Chinese readers count."""
    if lang == "en":
        return money(amount)
    return f"{chinese_count(amount)}元"


def chinese_count(amount: float) -> str:
    """A number counted in 万, 亿 and 万亿 with up to four decimals (1234.5678万), as Babel's compact zh_CN
    format writes it. Written out because Babel's takes 0.6 ms a call, and estimates say several amounts per
    measure shown on every match; tests/policies/test_describe.py holds the two to the same answers."""
    exact = Decimal(amount)
    units = (("万", _TEN_THOUSAND), ("亿", _HUNDRED_MILLION), ("万亿", _TRILLION))
    for index in range(len(units) - 1, -1, -1):
        unit, scale = units[index]
        if abs(exact) < scale:
            continue
        # Rounding can carry into the next unit (9999.99995亿 is 1万亿, not 10000亿), as Babel's does.
        if abs(_rounded(exact / scale)) >= _TEN_THOUSAND and index + 1 < len(units):
            unit, scale = units[index + 1]
        return _trimmed(exact / scale) + unit
    return _trimmed(exact)


_TRILLION, _HUNDRED_MILLION, _TEN_THOUSAND = Decimal(10**12), Decimal(10**8), Decimal(10**4)
_FOUR_PLACES = Decimal("0.0001")


def _rounded(value: Decimal) -> Decimal:
    """Four decimals, rounded half to even as Babel rounds."""
    return value.quantize(_FOUR_PLACES, rounding=ROUND_HALF_EVEN)


def _trimmed(value: Decimal) -> str:
    """Four decimals at most, trailing zeros dropped."""
    text = f"{_rounded(value):f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _quantity(field: NumericField, value: float, lang: Lang) -> str:
    if field in FRACTION_FIELDS:
        return f"{value * 100:g}%"
    if field in MONEY_FIELDS:
        return money_in(value, lang)
    return f"{value:g}"


def field_label(field: str, lang: Lang) -> str:
    """A numeric field as a sentence names it; a field without a label reads by its name."""
    words = FIELD_LABELS.get(NumericField(field)) if field in NumericField.__members__ else None
    return field.replace("_", " ") if words is None else MESSAGES.say(lang, words)


def _base(base: BenefitBase | TaxBase, lang: Lang) -> str:
    words = _BASES.get(base)
    return base.value.replace("_", " ") if words is None else MESSAGES.say(lang, words)


def _industry(code: str, lang: Lang) -> str:
    """An industry code and its division's (or section's) name."""
    if lang == "en":
        name = reference.industry_name(code)
    else:
        table = reference.industries().names_zh
        name = table.get(code[:3]) or table.get(code[:1])
    return f"{code} {name or ''}".strip()


def _designation(criterion: DesignationCriterion, lang: Lang) -> str:
    name_zh = DESIGNATION_NAMES_ZH[criterion.designation]
    if lang == "zh":
        return MESSAGES.say(lang, "the {designation} title", designation=name_zh)
    # English readers get the Chinese name too: the one the documents and the bureau use.
    title = MESSAGES.say(lang, "the {designation} title", designation=criterion.designation.value.replace("_", " "))
    return f"{title} ({name_zh})"


def criterion_text(criterion: Criterion, lang: Lang = "en") -> str:
    """One criterion as a clause that completes "firms that …" (in Chinese, a condition a firm meets)."""
    match criterion:
        case NumericCriterion():
            # A field added to the vocabulary ahead of this table reads by its name rather than failing the page.
            words = FIELD_LABELS.get(criterion.field)
            label = criterion.field.value.replace("_", " ") if words is None else MESSAGES.say(lang, words)
            if criterion.op is Op.between:
                assert criterion.min is not None and criterion.max is not None
                return MESSAGES.say(lang, "have {label} between {low} and {high}", label=label,
                                    low=_quantity(criterion.field, criterion.min, lang),
                                    high=_quantity(criterion.field, criterion.max, lang))
            assert criterion.value is not None
            return MESSAGES.say(lang, _BOUNDED[criterion.op], label=label,
                                value=_quantity(criterion.field, criterion.value, lang))
        case FlagCriterion():
            text = FLAG_TEXT.get(criterion.field.value)
            if text is not None:
                return MESSAGES.say(lang, text[0 if criterion.value else 1])
            name = criterion.field.value.replace("_", " ")
            if criterion.value:
                return MESSAGES.say(lang, "have {name}", name=name)
            return MESSAGES.say(lang, "do not have {name}", name=name)
        case RegionCriterion():
            place = "{name} ({code})" if lang == "en" else "{name}（{code}）"
            places = _LIST[lang].join(place.format(name=reference.region_name(code) or code, code=code)
                                      for code in criterion.codes)
            return MESSAGES.say(lang, "are registered in {places}", places=places)
        case IndustryCriterion():
            names = _LIST[lang].join(_industry(code, lang) for code in criterion.codes)
            if criterion.exclude:
                return MESSAGES.say(lang, "are not in {industries}", industries=names)
            return MESSAGES.say(lang, "are in {industries}", industries=names)
        case DesignationCriterion():
            title = _designation(criterion, lang)
            if not criterion.held:
                return MESSAGES.say(lang, "do not hold {title}", title=title)
            start, end = criterion.awarded_from, criterion.awarded_to
            if start and end:
                return MESSAGES.say(lang, "hold {title}, awarded between {start} and {end}", title=title, start=start,
                                    end=end)
            if start:
                return MESSAGES.say(lang, "hold {title}, awarded on or after {start}", title=title, start=start)
            if end:
                return MESSAGES.say(lang, "hold {title}, awarded on or before {end}", title=title, end=end)
            return MESSAGES.say(lang, "hold {title}", title=title)
        case SizeClassCriterion():
            sizes = _OR[lang].join(MESSAGES.say(lang, _SIZES[size]) for size in criterion.classes)
            return MESSAGES.say(lang, "are {sizes} enterprises by the 2011 size standard", sizes=sizes)
        case AttestationCriterion():
            words = ATTESTATION_TEXT.get(criterion.attestation.value)
            declared = criterion.attestation.value if words is None else MESSAGES.say(lang, words)
            return MESSAGES.say(lang, "declare {declaration}", declaration=declared)
        case ManualCriterion():
            condition = criterion.text.rstrip(".") if lang == "en" else (criterion.text_zh or criterion.text).rstrip("。.")
            return MESSAGES.say(lang, "meet a condition checked by the bureau: {condition}", condition=condition)
        case AnyOfCriterion():
            part = "({clause})" if lang == "en" else "（{clause}）"
            options = _OR[lang].join(part.format(clause=criterion_text(each, lang)) for each in criterion.criteria)
            return MESSAGES.say(lang, "either {options}", options=options)
        case AllOfCriterion():
            return _AND[lang].join(criterion_text(part, lang) for part in criterion.criteria)
    assert_never(criterion)


def who_qualifies(criteria: list[Criterion], lang: Lang = "en") -> str:
    if not criteria:
        return MESSAGES.say(lang, "Any firm may apply.")
    return MESSAGES.say(lang, "Firms that {conditions}.",
                        conditions=_ALSO[lang].join(criterion_text(criterion, lang) for criterion in criteria))


def benefit_text(benefit: Benefit, lang: Lang = "en") -> str:
    match benefit:
        case FixedBenefit():
            amount = money_in(benefit.amount, lang)
            if benefit.years > 1:
                text = (MESSAGES.say(lang, "Up to {amount} over {years} years", amount=amount, years=benefit.years)
                        if benefit.up_to else
                        MESSAGES.say(lang, "{amount} over {years} years", amount=amount, years=benefit.years))
            else:
                text = MESSAGES.say(lang, "Up to {amount}", amount=amount) if benefit.up_to else amount
            return MESSAGES.say(lang, "{sentence}.", sentence=text)
        case PercentageBenefit():
            text = MESSAGES.say(lang, "{rate}% of {base}", rate=f"{benefit.rate * 100:g}", base=_base(benefit.base, lang))
            if benefit.cap_per_year:
                text = MESSAGES.say(lang, "{text}, at most {amount} a year", text=text,
                                    amount=money_in(benefit.cap_per_year, lang))
            if benefit.years > 1:
                text = MESSAGES.say(lang, "{text} for up to {years} years", text=text, years=benefit.years)
            if benefit.cap:
                text = MESSAGES.say(lang, "{text}, capped at {amount} in all", text=text, amount=money_in(benefit.cap, lang))
            return MESSAGES.say(lang, "{sentence}.", sentence=text)
        case InterestSubsidyBenefit():
            if benefit.share_of_interest is not None:
                text = MESSAGES.say(lang, "{share}% of the interest paid on the loan",
                                    share=f"{benefit.share_of_interest * 100:g}")
            else:
                text = MESSAGES.say(lang, "Interest subsidy of {rate}% a year of the loan",
                                    rate=f"{(benefit.rate or 0) * 100:g}")
            if benefit.cap_per_year:
                text = MESSAGES.say(lang, "{text}, at most {amount} a year", text=text,
                                    amount=money_in(benefit.cap_per_year, lang))
            if benefit.years > 1:
                text = MESSAGES.say(lang, "{text}, for up to {years} years", text=text, years=benefit.years)
            return MESSAGES.say(lang, "{sentence}.", sentence=text)
        case FinancingBenefit():
            what = MESSAGES.say(lang, _FINANCING[benefit.instrument or FinancingInstrument.loan])
            text = MESSAGES.say(lang, "{what} of up to {amount}", what=what, amount=money_in(benefit.max_amount, lang))
            if benefit.rate is not None and benefit.instrument is FinancingInstrument.guarantee:
                text = MESSAGES.say(lang, "{text} for a fee of {rate}% a year", text=text, rate=f"{benefit.rate * 100:g}")
            elif benefit.rate is not None:
                text = MESSAGES.say(lang, "{text} at {rate}% a year", text=text, rate=f"{benefit.rate * 100:g}")
            if benefit.years > 1:
                text = MESSAGES.say(lang, "{text} for up to {years} years", text=text, years=benefit.years)
            return MESSAGES.say(lang, "{sentence}.", sentence=text)
        case TaxBenefit():
            return tax_text(benefit, lang)
        case InKindBenefit():
            return (benefit.description_zh or benefit.description) if lang == "zh" else benefit.description
    assert_never(benefit)


def tax_text(benefit: TaxBenefit, lang: Lang = "en") -> str:
    base = _base(benefit.base, lang)
    if benefit.base_cap:
        base = MESSAGES.say(lang, "{base} up to {amount} a year", base=base, amount=money_in(benefit.base_cap, lang))
    rate = f"{benefit.rate * 100:g}"
    match benefit.relief:
        case TaxRelief.extra_deduction:
            text = MESSAGES.say(lang, "An extra deduction of {rate}% of {base} from taxable income", rate=rate, base=base)
        case TaxRelief.reduced_rate:
            text = MESSAGES.say(lang, "Income tax at {rate}% instead of 25% on {base}", rate=rate, base=base)
        case TaxRelief.exemption:
            text = MESSAGES.say(lang, "{rate}% of {base} exempt from income tax", rate=rate, base=base)
        case TaxRelief.credit:
            text = MESSAGES.say(lang, "A credit of {rate}% of {base} against tax owed", rate=rate, base=base)
    if benefit.cap_per_year:
        text = MESSAGES.say(lang, "{text}, at most {amount} of tax a year", text=text,
                            amount=money_in(benefit.cap_per_year, lang))
    if benefit.years > 1:
        text = MESSAGES.say(lang, "{text}, for {years} years", text=text, years=benefit.years)
    return MESSAGES.say(lang, "{sentence}.", sentence=text)


def window_text(window: Window, lang: Lang = "en") -> str:
    if window.mode is WindowMode.automatic:
        return MESSAGES.say(lang, "Granted automatically without an application (免申即享).")
    if window.mode is WindowMode.rolling:
        if window.closes:
            return MESSAGES.say(lang, "Applications are taken all year until {closes}.", closes=window.closes)
        return MESSAGES.say(lang, "Applications are taken all year.")
    if window.opens:
        return MESSAGES.say(lang, "Applications are taken from {opens} until {closes}.", opens=window.opens,
                            closes=window.closes)
    return MESSAGES.say(lang, "Applications are taken until {closes}.", closes=window.closes)

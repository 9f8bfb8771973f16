"""Plain-language sentences about a measure, generated from its data: who qualifies, what it gives, when.

Generated, not written: the sentence can never disagree with the criteria the
engine evaluates, which is what a chatbot needs to relay instead of inventing.
"""

from typing import assert_never

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
    FinancingInstrument,
    NumericField,
    TaxRelief,
    WindowMode,
)

FIELD_LABELS: dict[NumericField, str] = {
    NumericField.employees: "employees",
    NumericField.operating_revenue: "last year's operating revenue",
    NumericField.total_assets: "total assets",
    NumericField.rd_expense: "last year's R&D expense",
    NumericField.rd_expense_prev: "the previous year's R&D expense",
    NumericField.rd_staff: "R&D staff",
    NumericField.invention_patents: "invention patents",
    NumericField.ip_class1: "class-I IP items",
    NumericField.ip_class2: "class-II IP items",
    NumericField.main_business_share: "main-business share of revenue",
    NumericField.revenue_growth: "last year's revenue growth",
    NumericField.revenue_growth_avg_2y: "average revenue growth over two years",
    NumericField.net_profit_margin: "net profit margin",
    NumericField.debt_ratio: "debt-to-asset ratio",
    NumericField.export_share: "export share of revenue",
    NumericField.years_in_niche: "years in its niche market",
    NumericField.niche_market_share: "niche market share",
    NumericField.new_equity_financing_2y: "new equity financing in two years",
    NumericField.planned_investment: "planned investment",
    NumericField.loan_need: "loan size",
    NumericField.main_business_revenue: "last year's main-business revenue",
    NumericField.main_business_revenue_avg_3y: "average main-business revenue over three years",
    NumericField.main_business_revenue_max_3y: "main-business revenue in its best year of the last three",
    NumericField.niche_rank_china: "a national niche-market rank",
    NumericField.niche_rank_global: "a global niche-market rank",
    NumericField.development_score: "a 专精特新 development-evaluation score",
    NumericField.high_tech_revenue_share: "high-tech products and services as a share of revenue",
    NumericField.manufacturing_sales_share: "manufacturing sales as a share of all sales",
    NumericField.taxable_income: "annual taxable income",
    NumericField.output_growth: "last year's industrial output growth",
    NumericField.output_growth_prev: "the previous year's industrial output growth",
    NumericField.revenue_growth_prev: "the previous year's revenue growth",
    NumericField.layoff_rate: "a layoff rate",
    NumericField.insured_staff: "insured staff",
    NumericField.above_scale_year: "the year they first entered the above-scale statistics",
    NumericField.mu_efficiency_grade: "a per-mu efficiency grade (1 = A … 4 = D)",
    NumericField.digital_level: "a digitalisation level",
    NumericField.age_years: "years since founding",
    NumericField.rd_ratio: "R&D expense as a share of revenue",
    NumericField.rd_ratio_prev: "the previous year's R&D share of revenue",
    NumericField.rd_expense_2y: "R&D expense over two years",
    NumericField.rd_staff_ratio: "R&D staff as a share of employees",
}
MONEY_FIELDS = frozenset({
    NumericField.operating_revenue, NumericField.total_assets, NumericField.rd_expense, NumericField.rd_expense_prev,
    NumericField.new_equity_financing_2y, NumericField.planned_investment, NumericField.loan_need,
    NumericField.rd_expense_2y, NumericField.main_business_revenue, NumericField.main_business_revenue_avg_3y,
    NumericField.main_business_revenue_max_3y, NumericField.taxable_income,
})
ATTESTATION_TEXT = {
    "no_serious_violation_3y": "no serious violation or dishonesty listing in three years",
    "no_major_accident_3y": "no major safety, quality or environmental accident in three years",
    "tax_compliant": "taxes paid in full",
    "products_not_restricted": "no products in the restricted or obsolete catalogues",
    "independent_legal_person": "an independent legal person registered in mainland China",
    "not_previously_funded": "no earlier support from the same fund",
    "unemployment_insurance_paid": "unemployment insurance paid in full",
}
FLAG_TEXT = {  # (when true, when false)
    "listed": ("are listed on a stock exchange", "are not listed on a stock exchange"),
    "above_scale": ("are above the statistical size line (规上)", "are below the statistical size line"),
    "has_rd_institution": ("have an R&D institution", "have no R&D institution"),
    "general_vat_taxpayer": ("are general VAT taxpayers", "are not general VAT taxpayers"),
    "no_overdue_loans": ("have no overdue bank loans", "have an overdue bank loan"),
    "no_bad_credit_record": ("have no bad credit record", "have a bad credit record"),
    "strategic_emerging": ("make a main product in a strategic emerging industry",
                           "make no main product in a strategic emerging industry"),
    "key_chain_role": ("fill a gap or strengthen a key industrial chain (补短板/锻长板/填空白)",
                       "play no such role in a key industrial chain"),
    "own_brand": ("have their own brand", "have no brand of their own"),
    "led_standard": ("led or took part in drafting a standard", "took part in no standard"),
    "rd_super_deduction_claimed": ("claimed the R&D super-deduction for last year",
                                   "did not claim the R&D super-deduction for last year"),
}
_OPS = {Op.gte: "at least", Op.gt: "more than", Op.lte: "at most", Op.lt: "less than", Op.eq: "exactly"}


def money(amount: float) -> str:
    """Yuan as people say it: 1,000,000 → "1 million yuan (100万元)"."""
    if amount >= 100_000_000:
        return f"{amount / 1e6:,.0f} million yuan ({amount / 1e8:g}亿元)"
    if amount >= 10_000:
        return f"{amount:,.0f} yuan ({amount / 1e4:g}万元)"
    return f"{amount:,.0f} yuan"


def _quantity(field: NumericField, value: float) -> str:
    if field in FRACTION_FIELDS:
        return f"{value * 100:g}%"
    if field in MONEY_FIELDS:
        return money(value)
    return f"{value:g}"


def criterion_text(criterion: Criterion) -> str:
    """One criterion as a clause that completes "firms that …"."""
    match criterion:
        case NumericCriterion():
            # A field added to the vocabulary ahead of this table reads by its name rather than failing the page.
            label = FIELD_LABELS.get(criterion.field, criterion.field.value.replace("_", " "))
            if criterion.op is Op.between:
                assert criterion.min is not None and criterion.max is not None
                return (f"have {label} between {_quantity(criterion.field, criterion.min)} "
                        f"and {_quantity(criterion.field, criterion.max)}")
            assert criterion.value is not None
            return f"have {label} {_OPS[criterion.op]} {_quantity(criterion.field, criterion.value)}"
        case FlagCriterion():
            name = criterion.field.value.replace("_", " ")
            text = FLAG_TEXT.get(criterion.field.value, (f"have {name}", f"do not have {name}"))
            return text[0 if criterion.value else 1]
        case RegionCriterion():
            places = ", ".join(f"{reference.region_name(code) or code} ({code})" for code in criterion.codes)
            return f"are registered in {places}"
        case IndustryCriterion():
            names = ", ".join(f"{code} {reference.industry_name(code) or ''}".strip() for code in criterion.codes)
            return f"{'are not' if criterion.exclude else 'are'} in {names}"
        case DesignationCriterion():
            title = f"the {criterion.designation.value.replace('_', ' ')} title ({DESIGNATION_NAMES_ZH[criterion.designation]})"
            if not criterion.held:
                return f"do not hold {title}"
            when = ""
            if criterion.awarded_from and criterion.awarded_to:
                when = f", awarded between {criterion.awarded_from} and {criterion.awarded_to}"
            elif criterion.awarded_from:
                when = f", awarded on or after {criterion.awarded_from}"
            elif criterion.awarded_to:
                when = f", awarded on or before {criterion.awarded_to}"
            return f"hold {title}{when}"
        case SizeClassCriterion():
            return "are " + " or ".join(size.value for size in criterion.classes) + " enterprises by the 2011 size standard"
        case AttestationCriterion():
            return f"declare {ATTESTATION_TEXT.get(criterion.attestation.value, criterion.attestation.value)}"
        case ManualCriterion():
            return f"meet a condition checked by the bureau: {criterion.text.rstrip('.')}"
        case AnyOfCriterion():
            return "either " + " or ".join(f"({criterion_text(part)})" for part in criterion.criteria)
        case AllOfCriterion():
            return " and ".join(criterion_text(part) for part in criterion.criteria)
    assert_never(criterion)


def who_qualifies(criteria: list[Criterion]) -> str:
    if not criteria:
        return "Any firm may apply."
    return "Firms that " + "; and ".join(criterion_text(criterion) for criterion in criteria) + "."


def benefit_text(benefit: Benefit) -> str:
    match benefit:
        case FixedBenefit():
            years = f" over {benefit.years} years" if benefit.years > 1 else ""
            return ("Up to " if benefit.up_to else "") + money(benefit.amount) + years + "."
        case PercentageBenefit():
            text = f"{benefit.rate * 100:g}% of {benefit.base.value.replace('_', ' ')}"
            if benefit.cap_per_year:
                text += f", at most {money(benefit.cap_per_year)} a year"
            if benefit.years > 1:
                text += f" for up to {benefit.years} years"
            if benefit.cap:
                text += f", capped at {money(benefit.cap)} in all"
            return text + "."
        case InterestSubsidyBenefit():
            if benefit.share_of_interest is not None:
                text = f"{benefit.share_of_interest * 100:g}% of the interest paid on the loan"
            else:
                text = f"Interest subsidy of {(benefit.rate or 0) * 100:g}% a year of the loan"
            if benefit.cap_per_year:
                text += f", at most {money(benefit.cap_per_year)} a year"
            return text + (f", for up to {benefit.years} years." if benefit.years > 1 else ".")
        case FinancingBenefit():
            what = {FinancingInstrument.guarantee: "A guarantee", FinancingInstrument.equity: "Equity investment"
                    }.get(benefit.instrument or FinancingInstrument.loan, "A loan")
            if benefit.rate is not None and benefit.instrument is FinancingInstrument.guarantee:
                terms = f" for a fee of {benefit.rate * 100:g}% a year"
            elif benefit.rate is not None:
                terms = f" at {benefit.rate * 100:g}% a year"
            else:
                terms = ""
            term = f" for up to {benefit.years} years" if benefit.years > 1 else ""
            return f"{what} of up to {money(benefit.max_amount)}{terms}{term}."
        case TaxBenefit():
            return tax_text(benefit)
        case InKindBenefit():
            return benefit.description
    assert_never(benefit)


def tax_text(benefit: TaxBenefit) -> str:
    base = benefit.base.value.replace("_", " ")
    if benefit.base_cap:
        base = f"{base} up to {money(benefit.base_cap)} a year"
    match benefit.relief:
        case TaxRelief.extra_deduction:
            text = f"An extra deduction of {benefit.rate * 100:g}% of {base} from taxable income"
        case TaxRelief.reduced_rate:
            text = f"Income tax at {benefit.rate * 100:g}% instead of 25% on {base}"
        case TaxRelief.exemption:
            text = f"{benefit.rate * 100:g}% of {base} exempt from income tax"
        case TaxRelief.credit:
            text = f"A credit of {benefit.rate * 100:g}% of {base} against tax owed"
    if benefit.cap_per_year:
        text += f", at most {money(benefit.cap_per_year)} of tax a year"
    return text + (f", for {benefit.years} years." if benefit.years > 1 else ".")


def window_text(window: Window) -> str:
    if window.mode is WindowMode.automatic:
        return "Granted automatically without an application (免申即享)."
    if window.mode is WindowMode.rolling:
        return "Applications are taken all year" + (f" until {window.closes}." if window.closes else ".")
    opens = f"from {window.opens} " if window.opens else ""
    return f"Applications are taken {opens}until {window.closes}."

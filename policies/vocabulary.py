"""The closed vocabularies shared by measures and firm profiles.

Criteria name profile fields, designations and attestations by these enums, so a
typo in a catalogue entry is rejected on write instead of silently widening who
qualifies.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from policies.i18n import N_, Language
from policies.messages import MESSAGES


class MeasureKind(StrEnum):
    subsidy = "subsidy"
    award = "award"
    loan_interest_subsidy = "loan_interest_subsidy"
    low_interest_loan = "low_interest_loan"
    credit_guarantee = "credit_guarantee"
    guidance_fund_equity = "guidance_fund_equity"
    tax_incentive = "tax_incentive"
    talent_programme = "talent_programme"
    voucher = "voucher"
    service = "service"


class Level(StrEnum):
    national = "national"
    provincial = "provincial"
    municipal = "municipal"
    district = "district"


class MeasureStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"
    archived = "archived"


class NumericField(StrEnum):
    """Numeric facts about a firm. Money in CNY (yuan), shares and rates as fractions."""

    employees = "employees"
    operating_revenue = "operating_revenue"
    total_assets = "total_assets"
    rd_expense = "rd_expense"
    rd_expense_prev = "rd_expense_prev"
    rd_staff = "rd_staff"
    invention_patents = "invention_patents"
    ip_class1 = "ip_class1"
    ip_class2 = "ip_class2"
    main_business_share = "main_business_share"
    revenue_growth = "revenue_growth"
    revenue_growth_avg_2y = "revenue_growth_avg_2y"
    net_profit_margin = "net_profit_margin"
    debt_ratio = "debt_ratio"
    export_share = "export_share"
    years_in_niche = "years_in_niche"
    niche_market_share = "niche_market_share"
    new_equity_financing_2y = "new_equity_financing_2y"
    planned_investment = "planned_investment"
    loan_need = "loan_need"
    main_business_revenue = "main_business_revenue"
    main_business_revenue_avg_3y = "main_business_revenue_avg_3y"
    main_business_revenue_max_3y = "main_business_revenue_max_3y"
    niche_rank_china = "niche_rank_china"
    niche_rank_global = "niche_rank_global"
    development_score = "development_score"
    high_tech_revenue_share = "high_tech_revenue_share"
    manufacturing_sales_share = "manufacturing_sales_share"
    taxable_income = "taxable_income"
    output_growth = "output_growth"
    output_growth_prev = "output_growth_prev"
    revenue_growth_prev = "revenue_growth_prev"
    layoff_rate = "layoff_rate"
    insured_staff = "insured_staff"
    above_scale_year = "above_scale_year"
    mu_efficiency_grade = "mu_efficiency_grade"
    digital_level = "digital_level"  # the platform's digitalisation test level, 1–4
    # Derived from the fields above and the founding date; never asked of a firm.
    age_years = "age_years"
    rd_ratio = "rd_ratio"
    rd_ratio_prev = "rd_ratio_prev"
    rd_expense_2y = "rd_expense_2y"
    rd_staff_ratio = "rd_staff_ratio"


DERIVED_FIELDS: frozenset[NumericField] = frozenset(
    {
        NumericField.age_years,
        NumericField.rd_ratio,
        NumericField.rd_ratio_prev,
        NumericField.rd_expense_2y,
        NumericField.rd_staff_ratio,
    }
)

# Fields held as fractions: a criterion bound above 1 on them is almost surely a
# percentage typed by mistake (5 instead of 0.05), so validation refuses it.
FRACTION_FIELDS: frozenset[NumericField] = frozenset(
    {
        NumericField.main_business_share,
        NumericField.net_profit_margin,
        NumericField.debt_ratio,
        NumericField.export_share,
        NumericField.niche_market_share,
        NumericField.high_tech_revenue_share,
        NumericField.manufacturing_sales_share,
        NumericField.layoff_rate,
        NumericField.rd_ratio,
        NumericField.rd_ratio_prev,
        NumericField.rd_staff_ratio,
    }
)


class FlagField(StrEnum):
    """Yes/no facts about a firm."""

    listed = "listed"
    above_scale = "above_scale"
    has_rd_institution = "has_rd_institution"
    general_vat_taxpayer = "general_vat_taxpayer"
    no_overdue_loans = "no_overdue_loans"
    no_bad_credit_record = "no_bad_credit_record"
    rd_super_deduction_claimed = "rd_super_deduction_claimed"
    # Profile facts the ladder already reads; named here so the catalogue can type the same conditions.
    strategic_emerging = "strategic_emerging"
    key_chain_role = "key_chain_role"
    own_brand = "own_brand"
    led_standard = "led_standard"


class Designation(StrEnum):
    """Titles a firm can hold; most are valid for three years from the award date."""

    tech_sme = "tech_sme"  # 科技型中小企业
    innovative_sme = "innovative_sme"  # 创新型中小企业
    specialized_sme = "specialized_sme"  # 专精特新中小企业 (provincial recognition)
    provincial_hidden_champion = "provincial_hidden_champion"  # 省隐形冠军
    little_giant = "little_giant"  # 专精特新"小巨人" (national)
    key_little_giant = "key_little_giant"  # 重点"小巨人" (central fund, 财建〔2024〕148号)
    single_champion = "single_champion"  # 制造业单项冠军 (national)
    provincial_single_champion = "provincial_single_champion"
    high_tech_enterprise = "high_tech_enterprise"  # 高新技术企业
    provincial_rd_institution = "provincial_rd_institution"  # 省级企业技术中心等
    national_rd_institution = "national_rd_institution"
    science_tech_award = "science_tech_award"  # provincial or national S&T award, last 3 years


# Each title's name, said to readers: English here, Chinese in the catalogue (policies/locale).
DESIGNATION_NAMES: dict[Designation, str] = {
    Designation.tech_sme: N_("technology-based SME"),
    Designation.innovative_sme: N_("innovative SME"),
    Designation.specialized_sme: N_("specialised, refined, distinctive and innovative SME"),
    Designation.provincial_hidden_champion: N_("provincial hidden champion"),
    Designation.little_giant: N_("national specialised and innovative “little giant”"),
    Designation.key_little_giant: N_("key “little giant”"),
    Designation.single_champion: N_("national manufacturing single champion"),
    Designation.provincial_single_champion: N_("provincial manufacturing single champion"),
    Designation.high_tech_enterprise: N_("high-tech enterprise"),
    Designation.provincial_rd_institution: N_("R&D institution at provincial level or above"),
    Designation.national_rd_institution: N_("national-level R&D institution"),
    Designation.science_tech_award: N_("provincial or national science and technology award"),
}
# Read once: the eligibility rules name a title in Chinese for every designation criterion they judge.
DESIGNATION_NAMES_ZH: Mapping[Designation, str] = MappingProxyType(
    {title: MESSAGES.say(Language.zh, name) for title, name in DESIGNATION_NAMES.items()})


class Attestation(StrEnum):
    """Declarations a firm makes about itself, which a bureau checks later."""

    no_serious_violation_3y = "no_serious_violation_3y"  # 近三年无重大违法违规、未列入严重失信名单
    no_major_accident_3y = "no_major_accident_3y"  # 近三年无重大安全、质量、环境事故
    tax_compliant = "tax_compliant"  # 依法纳税，无偷漏税
    products_not_restricted = "products_not_restricted"  # 产品不属于淘汰、限制类
    independent_legal_person = "independent_legal_person"  # 在境内注册的独立法人
    not_previously_funded = "not_previously_funded"  # 未获同一专项资金支持
    unemployment_insurance_paid = "unemployment_insurance_paid"  # 足额缴纳失业保险费


# Declarations whose truth depends on the scheme: asked once per scheme, not once per firm.
PER_SCHEME: frozenset[Attestation] = frozenset({Attestation.not_previously_funded})


class SizeClass(StrEnum):
    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"


class BenefitBase(StrEnum):
    """What a percentage benefit is a percentage of."""

    rd_expense = "rd_expense"
    investment = "investment"
    equipment_purchase = "equipment_purchase"
    interest_paid = "interest_paid"
    insurance_premium = "insurance_premium"
    service_cost = "service_cost"
    guarantee_fee = "guarantee_fee"


class FinancingInstrument(StrEnum):
    """What a financing measure gives access to."""

    loan = "loan"
    guarantee = "guarantee"
    equity = "equity"


class TaxRelief(StrEnum):
    """How a tax measure lowers the tax paid (`terms.TaxBenefit`)."""

    extra_deduction = "extra_deduction"  # 加计扣除: more of the base is deducted from taxable income
    reduced_rate = "reduced_rate"  # 减按15%/5%征收: a lower income-tax rate
    exemption = "exemption"  # 免征/减半: part of an income is not taxed
    credit = "credit"  # 加计抵减: a share of the base is credited against tax owed


class TaxBase(StrEnum):
    """What a tax relief is a share of."""

    rd_expense = "rd_expense"
    taxable_income = "taxable_income"
    tech_transfer_income = "tech_transfer_income"
    input_vat = "input_vat"
    land_use_tax = "land_use_tax"


class WindowMode(StrEnum):
    rolling = "rolling"  # open all year while the measure is in force
    batch = "batch"  # one call with opening and closing dates
    automatic = "automatic"  # 免申即享: granted without an application

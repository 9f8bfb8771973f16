"""A firm's profile as a portal sends it: facts, titles held, declarations and needs.

Every fact is optional except the region: a missing fact makes a criterion
`unknown`, never `fail`. Money is in CNY (yuan); shares and rates are fractions.
"""

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from matching.firm.uscc import check_uscc
from matching.messages import MESSAGES
from policies import reference
from policies.reference import IndustryCode, RegionCode
from policies.vocabulary import Attestation, Designation

USCC = Annotated[str, AfterValidator(check_uscc)]
Money = Annotated[int, Field(ge=0, le=10**13, description="CNY (yuan)")]
Share = Annotated[float, Field(ge=0, le=1, description="fraction, 0.05 means 5%")]
Count = Annotated[int, Field(ge=0, le=10**9)]


def _written_as_a_date(value: object) -> object:
    """A number is not a date, nor a string of digits: pydantic would read 0 or "0" as 1970-01-01 (epoch seconds)."""
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()):
        raise ValueError(MESSAGES.say("en", "write a date as YYYY-MM-DD"))
    return value


Day = Annotated[dt.date, BeforeValidator(_written_as_a_date), Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]


class HeldDesignation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    designation: Designation
    awarded: Day | None = Field(default=None, description="date of recognition")


class Confirmation(BaseModel):
    """A person's word that one hand-checked condition of one measure holds for this firm."""

    model_config = ConfigDict(extra="forbid")

    measure: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,63}$", description="the measure's code")
    condition: str = Field(pattern=r"^[0-9a-f]{12}$", description="the condition's id, as outcomes report it")
    confirmed_by: str = Field(min_length=2, max_length=200, description="who confirmed it: the firm or its advisor")
    confirmed_on: Day
    note: str | None = Field(default=None, max_length=1000)


class SchemeAttestation(BaseModel):
    """A declaration about one scheme, e.g. not previously funded by this programme."""

    model_config = ConfigDict(extra="forbid")

    attestation: Attestation
    scheme: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{1,63}$")


class FirmProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    uscc: USCC | None = Field(default=None, description="unified social credit code, GB 32100-2015")
    name: str = Field(min_length=2, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    region: RegionCode
    industries: list[IndustryCode] = Field(default_factory=list)
    founded: Day | None = None
    employees: Count | None = None
    operating_revenue: Money | None = Field(default=None, description="last year, CNY")
    total_assets: Money | None = None
    rd_expense: Money | None = Field(default=None, description="last year, CNY")
    rd_expense_prev: Money | None = Field(default=None, description="the year before last, CNY")
    rd_staff: Count | None = None
    invention_patents: Count | None = None
    ip_class1: Count | None = Field(default=None, description="class-I IP (invention patents and the like)")
    ip_class2: Count | None = Field(default=None, description="class-II IP (software copyrights, utility models)")
    main_business_share: Share | None = None
    revenue_growth: float | None = Field(default=None, ge=-1, le=100, description="last year, fraction")
    revenue_growth_avg_2y: float | None = Field(default=None, ge=-1, le=100)
    net_profit_margin: float | None = Field(default=None, ge=-10, le=1)
    debt_ratio: float | None = Field(default=None, ge=0, le=10, description="liabilities / assets")
    export_share: Share | None = None
    years_in_niche: float | None = Field(default=None, ge=0, le=200)
    niche_market_share: Share | None = None
    new_equity_financing_2y: Money | None = None
    planned_investment: Money | None = Field(default=None, description="planned project investment, CNY")
    loan_need: Money | None = Field(default=None, description="loan the firm wants, CNY")
    main_business_revenue: Money | None = Field(
        default=None, description="main-business revenue (主营业务收入), last year, CNY")
    main_business_revenue_avg_3y: Money | None = Field(
        default=None, description="average main-business revenue over the last 3 years, CNY")
    main_business_revenue_max_3y: Money | None = Field(
        default=None, description="highest main-business revenue of any one of the last 3 years, CNY")
    niche_rank_china: int | None = Field(
        default=None, ge=1, le=10_000, description="national market-share rank of the main product in its niche, 1 = first")
    niche_rank_global: int | None = Field(
        default=None, ge=1, le=10_000, description="global market-share rank of the main product in its niche, 1 = first")
    development_score: float | None = Field(
        default=None, ge=0, le=100,
        description="专精特新发展评价 score (0–100) the national platform (工信厅企业〔2024〕75号) gives the firm this year")
    high_tech_revenue_share: Share | None = Field(
        default=None, description="high-tech products and services (高新技术产品/服务) as a share of last year's total revenue")
    manufacturing_sales_share: Share | None = Field(
        default=None, description="manufacturing sales as a share of all sales (VAT), last year")
    taxable_income: Money | None = Field(
        default=None, description="annual taxable income (应纳税所得额), last year, CNY; 0 for a loss")
    output_growth: float | None = Field(
        default=None, ge=-1, le=100, description="growth of industrial output value (工业总产值), last year, fraction")
    output_growth_prev: float | None = Field(
        default=None, ge=-1, le=100, description="growth of industrial output value, the year before last, fraction")
    revenue_growth_prev: float | None = Field(
        default=None, ge=-1, le=100, description="operating revenue growth, the year before last, fraction")
    layoff_rate: Share | None = Field(
        default=None, description="layoff rate (裁员率) last year: staff laid off / insured staff at the start")
    insured_staff: Count | None = Field(
        default=None, description="staff insured (unemployment insurance) through the firm (参保职工人数)")
    above_scale_year: int | None = Field(
        default=None, ge=1990, le=2100,
        description="year the firm first entered the above-designated-size statistics (首次纳入规上统计)")
    mu_efficiency_grade: int | None = Field(
        default=None, ge=1, le=4, description="latest per-mu efficiency (亩均效益) grade, 1 = A, 2 = B, 3 = C, 4 = D")
    ip_class1_high_value: Count | None = Field(
        default=None, description="high-value class-I IP: overseas family patents, >10 years, pledged, awarded"
    )
    rd_institution_level: Literal["national", "provincial", "municipal", "other", "none"] | None = None
    digital_level: int | None = Field(default=None, ge=1, le=4, description="platform digitalisation test level")
    strategic_emerging: bool | None = Field(default=None, description="main product in 战略性新兴产业分类")
    key_chain_role: bool | None = Field(
        default=None, description="main product fills a gap or strengthens a key industrial chain (补短板/锻长板/填空白)"
    )
    quality_certified: bool | None = Field(default=None, description="ISO 9001-type management certification")
    quality_award: bool | None = Field(default=None, description="provincial or higher quality award")
    own_brand: bool | None = None
    led_standard: bool | None = Field(default=None, description="led or took part in a standard")
    listed: bool | None = None
    above_scale: bool | None = Field(default=None, description="规上: above the statistical size line")
    has_rd_institution: bool | None = None
    general_vat_taxpayer: bool | None = Field(default=None, description="增值税一般纳税人: a general VAT taxpayer")
    no_overdue_loans: bool | None = Field(default=None, description="no bank loan overdue at present (无逾期贷款)")
    no_bad_credit_record: bool | None = Field(
        default=None, description="no bad record in the bank credit reference system (无不良信用记录)")
    rd_super_deduction_claimed: bool | None = Field(
        default=None, description="last year's R&D expense was declared for the tax super-deduction (研发费用加计扣除)")
    designations: list[HeldDesignation] = Field(default_factory=list)
    attestations: list[Attestation] = Field(
        default_factory=list, description="declarations that hold for every scheme")
    scheme_attestations: list[SchemeAttestation] = Field(
        default_factory=list, max_length=1000, description="declarations about one scheme each")
    confirmations: list[Confirmation] = Field(
        default_factory=list, max_length=1000, description="hand-checked conditions a person has confirmed")
    description: str | None = Field(default=None, max_length=5000)
    needs: str | None = Field(default=None, max_length=2000)


def query_text(profile: FirmProfile) -> str:
    """What the firm says it does and needs, plus the names of its industries."""
    industries = [name for code in profile.industries if (name := reference.industry_name(code))]
    return " ".join(part for part in (profile.description, profile.needs, "; ".join(industries)) if part)

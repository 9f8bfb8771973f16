"""Numbers and requirements in words a firm reads, in English and Chinese, for every surface that explains one.

The rules (`rules`) and the ladder (`matching.ladder.thresholds`) both word their
numeric conditions here, so "operating revenue" is the same 1.6 亿元 / 160 million
yuan on /v1/eligibility, /v1/assess, match, ask and MCP. Money is told in the
units people count in (万/亿 in Chinese, million/billion in English), fractions as
percentages, ages and niches in years, counts as whole numbers.

A rounded number must never hide why a condition failed: a value that would print
like its bound (49,995,000 yuan against "at least 50 million yuan") is printed
with as many more digits as it takes to tell them apart.
"""

import functools
import math
from collections.abc import Sequence
from typing import Literal

from matching.messages import MESSAGES
from policies.i18n import N_
from policies.vocabulary import FRACTION_FIELDS, NumericField

Lang = Literal["en", "zh"]
# "people" is a count of persons, "number" a value of a field this module has no unit for.
Unit = Literal["yuan", "share", "years", "count", "people", "number"]

MONEY: frozenset[str] = frozenset({
    NumericField.operating_revenue, NumericField.total_assets, NumericField.rd_expense,
    NumericField.rd_expense_prev, NumericField.rd_expense_2y, NumericField.new_equity_financing_2y,
    NumericField.planned_investment, NumericField.loan_need, NumericField.main_business_revenue,
    NumericField.main_business_revenue_avg_3y, NumericField.main_business_revenue_max_3y, NumericField.taxable_income,
})
# Growth rates are fractions too, but may exceed 1 (doubling), so they are not in FRACTION_FIELDS.
SHARES: frozenset[str] = frozenset(FRACTION_FIELDS | {
    NumericField.revenue_growth, NumericField.revenue_growth_avg_2y, NumericField.revenue_growth_prev,
    NumericField.output_growth, NumericField.output_growth_prev,
})
YEARS: frozenset[str] = frozenset({NumericField.age_years, NumericField.years_in_niche})
COUNTS: frozenset[str] = frozenset({
    NumericField.employees, NumericField.rd_staff, NumericField.invention_patents, NumericField.ip_class1,
    NumericField.ip_class2, NumericField.insured_staff,
})

# Every numeric and yes/no field as people call it, in English; its Chinese is the catalogue's. A field added
# to the vocabulary later reads by its name until it gets an entry (`field_name`).
NAMES: dict[str, str] = {
    "employees": N_("employees"),
    "operating_revenue": N_("operating revenue (last year)"),
    "total_assets": N_("total assets"),
    "rd_expense": N_("R&D expense (last year)"),
    "rd_expense_prev": N_("R&D expense (year before last)"),
    "rd_staff": N_("R&D staff"),
    "invention_patents": N_("invention patents"),
    "ip_class1": N_("class-I IP items"),
    "ip_class2": N_("class-II IP items"),
    "main_business_share": N_("main-business share of revenue"),
    "revenue_growth": N_("revenue growth (last year)"),
    "revenue_growth_avg_2y": N_("2-year average revenue growth"),
    "net_profit_margin": N_("net profit margin"),
    "debt_ratio": N_("asset-liability ratio"),
    "export_share": N_("export share of revenue"),
    "years_in_niche": N_("years in the niche market"),
    "niche_market_share": N_("niche market share"),
    "new_equity_financing_2y": N_("new equity financing (last 2 years)"),
    "planned_investment": N_("planned investment"),
    "loan_need": N_("loan needed"),
    "main_business_revenue": N_("main-business revenue (last year)"),
    "main_business_revenue_avg_3y": N_("average main-business revenue (last 3 years)"),
    "main_business_revenue_max_3y": N_("main-business revenue in the best of the last 3 years"),
    "niche_rank_china": N_("national rank in the niche market"),
    "niche_rank_global": N_("global rank in the niche market"),
    "development_score": N_("专精特新 development-evaluation score"),
    "high_tech_revenue_share": N_("high-tech products and services share of revenue"),
    "manufacturing_sales_share": N_("manufacturing share of sales"),
    "taxable_income": N_("annual taxable income"),
    "output_growth": N_("industrial output growth (last year)"),
    "output_growth_prev": N_("industrial output growth (year before last)"),
    "revenue_growth_prev": N_("revenue growth (year before last)"),
    "layoff_rate": N_("layoff rate"),
    "insured_staff": N_("insured staff"),
    "above_scale_year": N_("year first above the statistical size line"),
    "mu_efficiency_grade": N_("per-mu efficiency grade (1 = A … 4 = D)"),
    "digital_level": N_("digitalisation level"),
    "age_years": N_("years since founding"),
    "rd_ratio": N_("R&D ratio (last year)"),
    "rd_ratio_prev": N_("R&D ratio (year before last)"),
    "rd_expense_2y": N_("R&D expense (last 2 years)"),
    "rd_staff_ratio": N_("R&D staff share"),
    "listed": N_("listed on a stock exchange"),
    "above_scale": N_("above the statistical size line (规上)"),
    "has_rd_institution": N_("has an R&D institution"),
    "general_vat_taxpayer": N_("general VAT taxpayer"),
    "no_overdue_loans": N_("no overdue bank loans"),
    "no_bad_credit_record": N_("no bad credit record"),
    "strategic_emerging": N_("main product in a strategic emerging industry"),
    "key_chain_role": N_("fills a gap in a key industrial chain"),
    "own_brand": N_("own brand"),
    "led_standard": N_("led or took part in a standard"),
    "rd_super_deduction_claimed": N_("R&D super-deduction claimed for last year"),
    "ip_class1_high_value": N_("high-value class-I IP items"),
    "rd_institution_level": N_("level of the firm's R&D institution"),
    "quality_certified": N_("quality management system certified"),
    "quality_award": N_("provincial or higher quality award"),
}

# Each declaration and size class in words, for the Chinese reasons: the English ones name them by their key.
ATTESTATIONS: dict[str, str] = {
    "no_serious_violation_3y": N_("no serious violation of law in the last three years, not on the list of seriously "
                                  "dishonest entities"),
    "no_major_accident_3y": N_("no major safety, quality or environmental accident in the last three years"),
    "tax_compliant": N_("pays its taxes in full, with no tax evasion"),
    "products_not_restricted": N_("products not in the eliminated or restricted categories"),
    "independent_legal_person": N_("an independent legal person registered in China"),
    "not_previously_funded": N_("not already funded by the same special fund"),
    "unemployment_insurance_paid": N_("unemployment insurance premiums paid in full"),
}
SIZES: dict[str, str] = {"micro": N_("micro-sized"), "small": N_("small-sized"), "medium": N_("medium-sized"),
                         "large": N_("large-sized")}
# A group of conditions as it came out, for the Chinese reasons (the English ones give the status itself).
STATUSES: dict[str, str] = {"pass": N_("met"), "fail": N_("not met"), "unknown": N_("more information needed"),
                            "confirm": N_("to be confirmed")}

_OPS: dict[str, str] = {
    "gte": N_("at least {bound}"),
    "gt": N_("more than {bound}"),
    "lte": N_("at most {bound}"),
    "lt": N_("less than {bound}"),
    "eq": N_("exactly {bound}"),
}
_MOST_EXTRA_DIGITS = 8


@functools.lru_cache(maxsize=1024)
def field_name(field: str, lang: Lang) -> str:
    """A field as people call it; one without an entry reads by its name ("main_business_revenue" →
    "main business revenue"), never an error, since the vocabulary grows ahead of this table.

    Cached: a numeric reason names its field several times, in both languages, for every judgement.
    """
    name = NAMES.get(field)
    return field.replace("_", " ") if name is None else MESSAGES.say(lang, name)


def attestation_zh(attestation: str) -> str:
    """A declaration in Chinese; one added to the vocabulary later reads by its name."""
    words = ATTESTATIONS.get(attestation)
    return attestation if words is None else MESSAGES.say("zh", words)


def size_zh(size: str) -> str:
    words = SIZES.get(size)
    return size if words is None else MESSAGES.say("zh", words)


def unit_of(field: str) -> Unit:
    if field in MONEY:
        return "yuan"
    if field in SHARES:
        return "share"
    if field in YEARS:
        return "years"
    if field in COUNTS:
        return "count"
    return "number"


def _digits(value: float, places: int, lang: Lang) -> str:
    """`value` with at most `places` decimals, trailing zeros dropped; thousands separated in English only."""
    text = f"{value:,.{places}f}" if lang == "en" else f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _yuan(value: float, lang: Lang, extra: int) -> str:
    """Chinese counts money in 万 and 亿, English in millions and billions: each scale is said in its language only."""
    size = abs(value)
    if lang == "zh":
        if size >= 1e8:
            return MESSAGES.say(lang, "{number} hundred million yuan", number=_digits(value / 1e8, 4 + extra, lang))
        if size >= 1e4:
            return MESSAGES.say(lang, "{number} ten thousand yuan", number=_digits(value / 1e4, 2 + extra, lang))
    elif size >= 1e9:
        return f"{_digits(value / 1e9, 3 + extra, lang)} billion yuan"
    elif size >= 1e6:
        return f"{_digits(value / 1e6, 2 + extra, lang)} million yuan"
    return MESSAGES.say(lang, "{number} yuan", number=_digits(value, extra, lang))


def _amount(value: float, unit: Unit, lang: Lang, extra: int) -> str:
    match unit:
        case "yuan":
            return _yuan(value, lang, extra)
        case "share":
            return f"{_digits(value * 100, 2 + extra, lang)}%"
        case "years":
            shown = _digits(value, 1 + extra, lang)
            if shown == "1":
                return MESSAGES.say(lang, "{number} year", number=shown)
            return MESSAGES.say(lang, "{number} years", number=shown)
        case "count" | "people":
            return _digits(value, extra, lang)
        case "number":
            return _digits(value, 2 + extra, lang)


def amount(value: float, unit: Unit, lang: Lang = "en", *, against: float | None = None) -> str:
    """A value in its unit; printed apart from `against` (the bound it is compared with) when they differ."""
    shown = _amount(value, unit, lang, 0)
    if against is None or value == against:
        return shown
    bound = _amount(against, unit, lang, 0)
    extra = 0
    while shown == bound and extra < _MOST_EXTRA_DIGITS:
        extra += 1
        shown = _amount(value, unit, lang, extra)
    return shown


@functools.lru_cache(maxsize=65536)
def requirement(op: str, low: float | None, high: float | None, unit: Unit, lang: Lang = "en") -> str:
    """The bound in words: "at least 50 million yuan", "介于 1 年与 5 年之间".

    A catalogue's conditions name a few thousand bounds, and every judgement words its own twice (in both
    languages): worded once each, they cost a dictionary look-up.
    """
    if op == "between":
        assert low is not None and high is not None
        return MESSAGES.say(lang, "between {low} and {high}", low=amount(low, unit, lang), high=amount(high, unit, lang))
    bound = low if op in ("gte", "gt", "eq") else high
    assert bound is not None
    return MESSAGES.say(lang, _OPS[op], bound=amount(bound, unit, lang))


def _size_of_gap(gap: float, unit: Unit, lang: Lang, extra: int) -> str:
    if unit == "share":
        points = _digits(abs(gap) * 100, 2 + extra, lang)
        if points == "1":
            return MESSAGES.say(lang, "{points} percentage point", points=points)
        return MESSAGES.say(lang, "{points} percentage points", points=points)
    if unit in ("count", "people"):
        return _digits(math.ceil(abs(gap) - 1e-9), 0, lang)  # a count closes by whole units
    return _amount(abs(gap), unit, lang, extra)


def gap_size(gap: float, unit: Unit, lang: Lang = "en") -> str:
    """The size of a difference ("18 million yuan", "0.5 个百分点"), with digits enough never to print 0."""
    extra = 0
    size = _size_of_gap(gap, unit, lang, extra)
    while not any(digit in size for digit in "123456789") and extra < _MOST_EXTRA_DIGITS:
        extra += 1
        size = _size_of_gap(gap, unit, lang, extra)
    return size


def shortfall(gap: float, unit: Unit, lang: Lang = "en") -> str:
    """How far a value is from its bound ("18 million yuan short", "超出 0.5 个百分点"), never printed as 0."""
    size = gap_size(gap, unit, lang)
    if gap > 0:
        return MESSAGES.say(lang, "{size} short", size=size)
    return MESSAGES.say(lang, "{size} over", size=size)


def need_list(fields: Sequence[str], lang: Lang) -> str:
    """The profile fields to provide: their keys in English (what a portal sends), names and keys in Chinese."""
    if lang == "en":
        return ", ".join(fields)
    return "、".join(MESSAGES.say(lang, "{name} (profile field {field})", name=field_name(field, lang), field=field)
                    for field in fields)


def numeric_reason(name: str, unit: Unit, op: str, low: float | None, high: float | None, value: float | None,
                   ok: bool, *, gap: float | None = None, need: Sequence[str] = (), aside: str = "",
                   lang: Lang = "en") -> str:
    """One numeric condition as a sentence: met, missed by how much, or what to provide.

    `aside` adds what the gap means in other terms (a ratio's gap as yuan of revenue).
    """
    required = requirement(op, low, high, unit, lang)
    if value is None:
        return MESSAGES.say(lang, "provide {need}: {name} must be {required}", need=need_list(need, lang), name=name,
                            required=required)
    bound = low if low is not None and (high is None or value < low) else high
    shown = amount(value, unit, lang, against=bound)
    if ok:
        return MESSAGES.say(lang, "{name} is {value}, meeting the requirement of {required}", name=name, value=shown,
                            required=required)
    missed = "" if gap is None else shortfall(gap, unit, lang)
    if missed and aside:
        detail = MESSAGES.say(lang, "{shortfall}, {aside}", shortfall=missed, aside=aside)
    else:
        detail = missed or aside
    if not detail:
        return MESSAGES.say(lang, "{name} is {value}; the requirement is {required}", name=name, value=shown,
                            required=required)
    return MESSAGES.say(lang, "{name} is {value}; the requirement is {required} ({detail})", name=name, value=shown,
                        required=required, detail=detail)

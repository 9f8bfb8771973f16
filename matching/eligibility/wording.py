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

# (English, Chinese) for every numeric and yes/no field; a field added to the vocabulary later reads
# by its name until it gets an entry (`field_name`).
NAMES: dict[str, tuple[str, str]] = {
    "employees": ("employees", "从业人员数"),
    "operating_revenue": ("operating revenue (last year)", "上年营业收入"),
    "total_assets": ("total assets", "资产总额"),
    "rd_expense": ("R&D expense (last year)", "上年研发费用"),
    "rd_expense_prev": ("R&D expense (year before last)", "前年研发费用"),
    "rd_staff": ("R&D staff", "研发人员数"),
    "invention_patents": ("invention patents", "发明专利数"),
    "ip_class1": ("class-I IP items", "Ⅰ类知识产权数"),
    "ip_class2": ("class-II IP items", "Ⅱ类知识产权数"),
    "main_business_share": ("main-business share of revenue", "主营业务收入占营业收入比重"),
    "revenue_growth": ("revenue growth (last year)", "上年营业收入增长率"),
    "revenue_growth_avg_2y": ("2-year average revenue growth", "近两年营业收入平均增长率"),
    "net_profit_margin": ("net profit margin", "净利润率"),
    "debt_ratio": ("asset-liability ratio", "资产负债率"),
    "export_share": ("export share of revenue", "出口额占营业收入比重"),
    "years_in_niche": ("years in the niche market", "从事细分市场年限"),
    "niche_market_share": ("niche market share", "细分市场占有率"),
    "new_equity_financing_2y": ("new equity financing (last 2 years)", "近两年新增股权融资额"),
    "planned_investment": ("planned investment", "计划投资额"),
    "loan_need": ("loan needed", "融资需求"),
    "main_business_revenue": ("main-business revenue (last year)", "上年主营业务收入"),
    "main_business_revenue_avg_3y": ("average main-business revenue (last 3 years)", "近三年主营业务收入平均值"),
    "main_business_revenue_max_3y": ("main-business revenue in the best of the last 3 years", "近三年最高年度主营业务收入"),
    "niche_rank_china": ("national rank in the niche market", "细分市场全国排名"),
    "niche_rank_global": ("global rank in the niche market", "细分市场全球排名"),
    "development_score": ("专精特新 development-evaluation score", "专精特新发展评价得分"),
    "high_tech_revenue_share": ("high-tech products and services share of revenue", "高新技术产品（服务）收入占比"),
    "manufacturing_sales_share": ("manufacturing share of sales", "制造业销售额占比"),
    "taxable_income": ("annual taxable income", "年度应纳税所得额"),
    "output_growth": ("industrial output growth (last year)", "上年工业总产值增速"),
    "output_growth_prev": ("industrial output growth (year before last)", "前年工业总产值增速"),
    "revenue_growth_prev": ("revenue growth (year before last)", "前年营业收入增长率"),
    "layoff_rate": ("layoff rate", "裁员率"),
    "insured_staff": ("insured staff", "参保职工人数"),
    "above_scale_year": ("year first above the statistical size line", "首次纳入规上统计年份"),
    "mu_efficiency_grade": ("per-mu efficiency grade (1 = A … 4 = D)", "亩均效益评价等级（1=A类…4=D类）"),
    "digital_level": ("digitalisation level", "数字化水平等级"),
    "age_years": ("years since founding", "成立年限"),
    "rd_ratio": ("R&D ratio (last year)", "上年研发费用占营业收入比重"),
    "rd_ratio_prev": ("R&D ratio (year before last)", "前年研发费用占营业收入比重"),
    "rd_expense_2y": ("R&D expense (last 2 years)", "近两年研发费用合计"),
    "rd_staff_ratio": ("R&D staff share", "研发人员占职工总数比重"),
    "listed": ("listed on a stock exchange", "已上市"),
    "above_scale": ("above the statistical size line (规上)", "规模以上企业"),
    "has_rd_institution": ("has an R&D institution", "设有研发机构"),
    "general_vat_taxpayer": ("general VAT taxpayer", "增值税一般纳税人"),
    "no_overdue_loans": ("no overdue bank loans", "无逾期贷款"),
    "no_bad_credit_record": ("no bad credit record", "无不良信用记录"),
    "strategic_emerging": ("main product in a strategic emerging industry", "主导产品属于战略性新兴产业"),
    "key_chain_role": ("fills a gap in a key industrial chain", "补短板、锻长板、填空白"),
    "own_brand": ("own brand", "拥有自主品牌"),
    "led_standard": ("led or took part in a standard", "主导或参与制定标准"),
    "rd_super_deduction_claimed": ("R&D super-deduction claimed for last year", "上年度研发费用已申报加计扣除"),
}

ATTESTATIONS_ZH: dict[str, str] = {
    "no_serious_violation_3y": "近三年无重大违法违规、未列入严重失信名单",
    "no_major_accident_3y": "近三年无重大安全、质量、环境事故",
    "tax_compliant": "依法纳税，无偷漏税",
    "products_not_restricted": "产品不属于淘汰、限制类",
    "independent_legal_person": "在境内注册的独立法人",
    "not_previously_funded": "未获同一专项资金支持",
    "unemployment_insurance_paid": "足额缴纳失业保险费",
}
SIZES_ZH: dict[str, str] = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}
STATUSES_ZH: dict[str, str] = {"pass": "符合", "fail": "不符合", "unknown": "待补充信息", "confirm": "待确认"}

_OPS: dict[str, tuple[str, str]] = {
    "gte": ("at least", "不低于"),
    "gt": ("more than", "高于"),
    "lte": ("at most", "不超过"),
    "lt": ("less than", "低于"),
    "eq": ("exactly", "等于"),
}
_MOST_EXTRA_DIGITS = 8


def field_name(field: str, lang: Lang) -> str:
    """A field as people call it; one without an entry reads by its name ("main_business_revenue" →
    "main business revenue"), never an error, since the vocabulary grows ahead of this table."""
    names = NAMES.get(field)
    if names is None:
        return field.replace("_", " ")
    return names[0] if lang == "en" else names[1]


def attestation_zh(attestation: str) -> str:
    """A declaration in Chinese; one added to the vocabulary later reads by its name."""
    return ATTESTATIONS_ZH.get(attestation, attestation)


def size_zh(size: str) -> str:
    return SIZES_ZH.get(size, size)


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
    size = abs(value)
    if lang == "zh":
        if size >= 1e8:
            return f"{_digits(value / 1e8, 4 + extra, lang)} 亿元"
        if size >= 1e4:
            return f"{_digits(value / 1e4, 2 + extra, lang)} 万元"
        return f"{_digits(value, extra, lang)} 元"
    if size >= 1e9:
        return f"{_digits(value / 1e9, 3 + extra, lang)} billion yuan"
    if size >= 1e6:
        return f"{_digits(value / 1e6, 2 + extra, lang)} million yuan"
    return f"{_digits(value, extra, lang)} yuan"


def _amount(value: float, unit: Unit, lang: Lang, extra: int) -> str:
    match unit:
        case "yuan":
            return _yuan(value, lang, extra)
        case "share":
            return f"{_digits(value * 100, 2 + extra, lang)}%"
        case "years":
            shown = _digits(value, 1 + extra, lang)
            if lang == "zh":
                return f"{shown} 年"
            return f"{shown} year" if shown == "1" else f"{shown} years"
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
        first, second = amount(low, unit, lang), amount(high, unit, lang)
        return f"between {first} and {second}" if lang == "en" else f"介于 {first}与 {second}之间"
    bound = low if op in ("gte", "gt", "eq") else high
    assert bound is not None
    return f"{_OPS[op][0 if lang == 'en' else 1]} {amount(bound, unit, lang)}"


def _size_of_gap(gap: float, unit: Unit, lang: Lang, extra: int) -> str:
    if unit == "share":
        points = _digits(abs(gap) * 100, 2 + extra, lang)
        if lang == "zh":
            return f"{points} 个百分点"
        return f"{points} percentage point" + ("" if points == "1" else "s")
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
    if lang == "en":
        return f"{size} short" if gap > 0 else f"{size} over"
    return f"差 {size}" if gap > 0 else f"超出 {size}"


def need_list(fields: Sequence[str], lang: Lang) -> str:
    """The profile fields to provide: their keys in English (what a portal sends), names and keys in Chinese."""
    if lang == "en":
        return ", ".join(fields)
    return "、".join(f"{field_name(field, 'zh')}（{field}）" for field in fields)


def numeric_reason(name: str, unit: Unit, op: str, low: float | None, high: float | None, value: float | None,
                   ok: bool, *, gap: float | None = None, need: Sequence[str] = (), aside: str = "",
                   lang: Lang = "en") -> str:
    """One numeric condition as a sentence: met, missed by how much, or what to provide.

    `aside` adds what the gap means in other terms (a ratio's gap as yuan of revenue).
    """
    required = requirement(op, low, high, unit, lang)
    if value is None:
        if lang == "en":
            return f"provide {need_list(need, lang)}: {name} must be {required}"
        return f"请提供{need_list(need, lang)}：{name}须{required}"
    bound = low if low is not None and (high is None or value < low) else high
    shown = amount(value, unit, lang, against=bound)
    if ok:
        if lang == "en":
            return f"{name} is {shown}, meeting the requirement of {required}"
        return f"{name}为 {shown}，满足{required}的要求"
    missed = "" if gap is None else shortfall(gap, unit, lang)
    detail = ", ".join(part for part in (missed, aside) if part) if lang == "en" else \
        "，".join(part for part in (missed, aside) if part)
    if lang == "en":
        return f"{name} is {shown}; the requirement is {required}" + (f" ({detail})" if detail else "")
    return f"{name}为 {shown}，要求{required}" + (f"（{detail}）" if detail else "")

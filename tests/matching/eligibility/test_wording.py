"""Reasons for people: money in yuan (万/亿 in Chinese), percentages, years, operators in words, on every surface."""

import datetime as dt

import pytest
from pydantic import TypeAdapter

from matching.eligibility import wording
from matching.eligibility.rules import Outcome, evaluate
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ladder.thresholds import check as ladder_check
from policies.criteria import Criterion
from policies.vocabulary import FlagField, NumericField

CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])
TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("value", "unit", "en", "zh"),
    [
        (160_000_000, "yuan", "160 million yuan", "1.6 亿元"),
        (50_000_000, "yuan", "50 million yuan", "5000 万元"),
        (500_000, "yuan", "500,000 yuan", "50 万元"),
        (1_600_000_000, "yuan", "1.6 billion yuan", "16 亿元"),
        (8_000, "yuan", "8,000 yuan", "8000 元"),
        (0.03, "share", "3%", "3%"),
        (0.045, "share", "4.5%", "4.5%"),
        (-0.05, "share", "-5%", "-5%"),
        (168, "count", "168", "168"),
        (1_200, "count", "1,200", "1200"),
        (2.5, "years", "2.5 years", "2.5 年"),
        (1, "years", "1 year", "1 年"),
        (3.25, "number", "3.25", "3.25"),
    ],
)
def test_amounts_in_the_units_people_count_in(value: float, unit: wording.Unit, en: str, zh: str) -> None:
    assert wording.amount(value, unit, "en") == en
    assert wording.amount(value, unit, "zh") == zh


def test_a_value_is_never_printed_like_the_bound_it_misses() -> None:
    assert wording.amount(0.0299999, "share", against=0.03) == "2.99999%"
    assert wording.amount(0.9993, "years", against=1) == "0.999 years"
    assert wording.amount(49_999_000, "yuan", "zh", against=50_000_000) == "4999.9 万元"
    assert wording.amount(0.03, "share", against=0.03) == "3%"
    assert wording.shortfall(0.000001, "share") == "0.0001 percentage points short"
    assert wording.shortfall(-0.5, "share", "zh") == "超出 50 个百分点"
    assert wording.shortfall(2.2, "count") == "3 short"  # a count closes by whole units


@pytest.mark.parametrize(
    ("op", "low", "high", "en", "zh"),
    [
        ("gte", 50_000_000, None, "at least 50 million yuan", "不低于 5000 万元"),
        ("gt", 50_000_000, None, "more than 50 million yuan", "高于 5000 万元"),
        ("lte", None, 50_000_000, "at most 50 million yuan", "不超过 5000 万元"),
        ("lt", None, 50_000_000, "less than 50 million yuan", "低于 5000 万元"),
        ("eq", 50_000_000, 50_000_000, "exactly 50 million yuan", "等于 5000 万元"),
        ("between", 500_000, 50_000_000, "between 500,000 yuan and 50 million yuan", "介于 50 万元与 5000 万元之间"),
    ],
)
def test_operators_in_words(op: str, low: float | None, high: float | None, en: str, zh: str) -> None:
    assert wording.requirement(op, low, high, "yuan", "en") == en
    assert wording.requirement(op, low, high, "yuan", "zh") == zh


@pytest.mark.parametrize("field", [*NumericField, *FlagField])
def test_every_field_has_a_name_in_both_languages(field: str) -> None:
    for lang in ("en", "zh"):
        name = wording.field_name(field, lang)  # type: ignore[arg-type]
        assert name and "_" not in name


def test_a_field_without_an_entry_reads_by_its_name() -> None:
    assert wording.field_name("a_field_named_later", "en") == "a field named later"
    assert wording.field_name("a_field_named_later", "zh") == "a field named later"
    assert wording.unit_of("a_field_named_later") == "number"
    assert wording.attestation_zh("brand_new_declaration") == "brand_new_declaration"


def firm(**fields: object) -> FirmProfile:
    base: dict[str, object] = {"name": "温州测试阀门有限公司", "region": "330303", "industries": ["C3443"]}
    return FirmProfile.model_validate(base | fields)


def reasons(criteria: list[dict[str, object]], profile: FirmProfile, measure: str = "CN-A") -> list[Outcome]:
    return evaluate(CRITERIA.validate_python(criteria), derive(profile, TODAY), (), measure)[1]


def test_numeric_reasons_before_and_after() -> None:
    revenue = [{"type": "numeric", "field": "operating_revenue", "op": "gte", "value": 50_000_000}]
    met = reasons(revenue, firm(operating_revenue=160_000_000))[0]
    assert met.reason == ("operating revenue (last year) is 160 million yuan, "
                          "meeting the requirement of at least 50 million yuan")  # was "… 1.6e+08 meets gte 50000000.0"
    assert met.reason_zh == "上年营业收入为 1.6 亿元，满足不低于 5000 万元的要求"
    missed = reasons(revenue, firm(operating_revenue=32_000_000))[0]
    assert missed.reason == ("operating revenue (last year) is 32 million yuan; "
                             "the requirement is at least 50 million yuan (18 million yuan short)")
    assert missed.reason_zh == "上年营业收入为 3200 万元，要求不低于 5000 万元（差 1800 万元）"
    unknown = reasons(revenue, firm())[0]
    assert unknown.reason == "provide operating_revenue: operating revenue (last year) must be at least 50 million yuan"
    assert unknown.reason_zh == "请提供上年营业收入（operating_revenue）：上年营业收入须不低于 5000 万元"
    age = reasons([{"type": "numeric", "field": "age_years", "op": "between", "min": 1, "max": 5}],
                  firm(founded="2025-11-22"))[0]
    assert age.status == "pass"
    assert age.reason == "years since founding is 1 year, meeting the requirement of between 1 year and 5 years"
    assert age.reason_zh == "成立年限为 1 年，满足介于 1 年与 5 年之间的要求"


def test_every_criterion_type_has_a_chinese_reason() -> None:
    criteria: list[dict[str, object]] = [
        {"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.03},
        {"type": "flag", "field": "listed", "value": False},
        {"type": "region_in", "codes": ["330300"]},
        {"type": "industry_in", "codes": ["C34"], "exclude": True},
        {"type": "designation", "designation": "little_giant"},
        {"type": "size_class", "classes": ["micro", "small"]},
        {"type": "attestation", "attestation": "not_previously_funded"},
        {"type": "manual", "text": "The project is on the national list", "text_zh": "项目列入国家清单"},
        {"type": "manual", "text": "Passes due diligence"},
        {"type": "any_of", "criteria": [{"type": "flag", "field": "listed", "value": True},
                                        {"type": "region_in", "codes": ["330300"]}]},
        {"type": "numeric", "field": "employees", "op": "lte", "value": 10, "effective_to": "2020-01-01"},
    ]
    outcomes = reasons(criteria, firm(listed=False, employees=50, operating_revenue=10_000_000))
    assert all(outcome.reason_zh for outcome in outcomes)
    by_type = {outcome.type: outcome for outcome in outcomes}
    assert by_type["flag"].reason_zh == "已上市：否；须为否"
    assert by_type["region_in"].reason_zh == "注册地 330303 龙湾区 位于 330300 温州市 范围内"
    assert by_type["industry_in"].reason_zh == "所属行业属于 C34（排除行业）"
    assert by_type["designation"].reason_zh == "须持有有效的专精特新“小巨人”企业称号"
    assert by_type["size_class"].reason == "size class small; must be micro or small"
    assert by_type["size_class"].reason_zh == "企业规模为小型；须为微型、小型"
    assert by_type["attestation"].reason_zh == "如属实，请声明：未获同一专项资金支持（CN-A）"
    assert by_type["any_of"].reason_zh == "以下 2 项条件至少满足其一：符合"
    assert outcomes[-1].reason_zh == "该条件在此日期不适用"
    manual, untranslated = outcomes[7], outcomes[8]
    assert (manual.reason, manual.reason_zh) == ("confirm: The project is on the national list", "待确认：项目列入国家清单")
    assert untranslated.reason_zh == "待确认：Passes due diligence"  # no Chinese text: the English one


def test_a_confirmed_condition_says_so_in_both_languages() -> None:
    rule = CRITERIA.validate_python([{"type": "manual", "text": "On the list", "text_zh": "列入清单"}])
    confirmed = firm(confirmations=[{"measure": "CN-A", "condition": rule[0].key, "confirmed_by": "the firm",
                                     "confirmed_on": "2026-11-01"}])
    outcome = evaluate(rule, derive(confirmed, TODAY), (), "CN-A")[1][0]
    assert (outcome.reason, outcome.reason_zh) == ("confirmed: On the list", "已确认：列入清单")


@pytest.mark.parametrize(
    ("field", "bound", "profile"),
    [
        (NumericField.rd_expense, 1_000_000, {"rd_expense": 720_000}),
        (NumericField.operating_revenue, 50_000_000, {"operating_revenue": 160_000_000}),
        (NumericField.rd_ratio, 0.03, {"rd_expense": 240_000, "operating_revenue": 10_000_000}),
        (NumericField.years_in_niche, 3, {}),
    ],
)
def test_the_ladder_and_the_rules_word_a_bound_alike(field: NumericField, bound: float,
                                                     profile: dict[str, object]) -> None:
    """/v1/assess and /v1/eligibility read the same numbers in the same units; the ladder may add an aside."""
    facts = derive(firm(**profile), TODAY)
    rule = evaluate(CRITERIA.validate_python([{"type": "numeric", "field": field.value, "op": "gte",
                                               "value": bound}]), facts)[1][0]
    ladder = ladder_check("x", facts, field, "gte", bound)
    assert ladder.status == rule.status
    assert ladder.reason.startswith(rule.reason.removesuffix(")"))
    assert ladder.reason_zh is not None and rule.reason_zh is not None
    assert ladder.reason_zh.startswith(rule.reason_zh.removesuffix("）"))

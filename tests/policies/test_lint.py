"""The catalogue lint: prose a profile field could decide, recognition without "not held", and slips."""

from pathlib import Path
from typing import Any

import pytest

from policies.importing.loader import read_directory, validate_records
from policies.lint import RULES, awarded_title, lint
from policies.schemas import MeasureCreate
from policies.vocabulary import Designation
from tests.factories import measure_data

SAMPLE = Path(__file__).resolve().parents[2] / "policies" / "sample" / "catalogue"


def _measure(**overrides: Any) -> MeasureCreate:
    return MeasureCreate.model_validate(measure_data(**{"industries": []} | overrides))


def _manual(text: str, text_zh: str | None = "人工核查", about: str | None = None) -> dict[str, Any]:
    return {"type": "manual", "text": text, "text_zh": text_zh} | ({"about": about} if about else {})


def _rules(measure: MeasureCreate) -> list[str]:
    return [finding.rule for finding in lint([measure])]


def test_the_sample_catalogue_is_lint_clean() -> None:
    records, problems = validate_records(read_directory(SAMPLE))
    assert problems == []
    assert [(f.code, f.path, f.rule, f.message) for f in lint(records)] == []


@pytest.mark.parametrize("text", [
    "Average main-business revenue over the last 3 years is at least 400 million yuan.",
    "High-tech products make up at least 60% of revenue.",
    "The layoff rate is within 5.5 per cent.",
    "The firm has worked in the field for three years.",
    "A contract of 3+ years.",
    "Revenue of at least 2000 yuan per employee.",  # a year's digits before money are money
    "At least 50 employees.",
    "Holds 5 invention patents.",
    "Output of at least 2 times the industry average.",
])
def test_a_quantity_in_english_is_flagged(text: str) -> None:
    measure = _measure(criteria=[_manual(text)])
    assert "manual-quantity" in _rules(measure)


@pytest.mark.parametrize("text_zh", ["近三年主营业务收入平均不低于4亿元", "裁员率不高于5.5%", "持股不低于百分之三十",
                                     "近五年获国家级科技奖励", "贷款不少于100万元", "研发投入为行业平均的1.5倍",
                                     "产值达到上年的两倍", "从业人员不少于50人", "拥有5件以上发明专利"])
def test_a_quantity_in_chinese_is_flagged(text_zh: str) -> None:
    measure = _measure(criteria=[_manual("A condition a person checks.", text_zh)])
    assert "manual-quantity" in _rules(measure)


@pytest.mark.parametrize("text", ["The product was first sold in 2026.", "Completed between 2025-07-01 and 2026-06-30."])
def test_a_calendar_year_is_not_a_quantity(text: str) -> None:
    measure = _measure(criteria=[_manual(text, "产品于2026年首次销售", about="project")])
    assert _rules(measure) == []
    unclassified = _measure(criteria=[_manual(text, "产品于2026年首次销售")])
    assert "manual-quantity" not in _rules(unclassified)


@pytest.mark.parametrize(("text", "text_zh"), [
    ("The project started in 2026.", "项目于二〇二六年开工"),
    ("New products first made in the previous year.", "上一年度实现新产品首试产"),
    ("The firm is in one of the 26 mountain-area counties.", "企业位于26个山区县"),
    ("The firm is on the city's top 100 list.", "企业入选全市百强名单前100名"),
])
def test_a_date_or_a_bare_count_is_not_a_quantity(text: str, text_zh: str) -> None:
    # A count without a unit names a list ("26 counties", "top 100"), not a fact of the firm's profile.
    assert "manual-quantity" not in _rules(_measure(criteria=[_manual(text, text_zh)]))


@pytest.mark.parametrize(("text", "field"), [
    ("The firm's development score is high enough.", "development_score"),
    ("The niche_rank_china is at most 3.", "niche_rank_china"),
    ("The firm is a general VAT taxpayer.", "general_vat_taxpayer"),
    ("No overdue loans at the time of application.", "no_overdue_loans"),
    ("The firm is rated A in the per-mu efficiency evaluation.", "mu_efficiency_grade"),
    ("企业拥有发明专利", "invention_patents"),
    ("The firm has its own R&D centre.", "has_rd_institution"),
])
def test_a_profile_fact_named_in_prose_is_flagged(text: str, field: str) -> None:
    findings = [f for f in lint([_measure(criteria=[_manual(text)])]) if f.rule == "manual-field"]
    assert len(findings) == 1 and field in findings[0].message and field in findings[0].message_zh
    assert findings[0].path == "criteria[0]"


def test_a_condition_about_a_project_or_person_may_carry_numbers() -> None:
    for about in ("project", "person", "purchase", "list"):
        measure = _measure(criteria=[_manual("The nominee signs a contract of at least 3 years.", "合同期不少于3年",
                                             about=about)])
        assert _rules(measure) == [], about


def test_a_judgement_may_name_a_fact_but_not_a_quantity() -> None:
    share = _measure(criteria=[_manual("The main product has a relatively high market share.", "主导产品细分市场占有率较高",
                                       about="judgement")])
    assert _rules(share) == []
    quantity = _measure(criteria=[_manual("The market share is at least 10%.", "市场占有率不低于10%", about="judgement")])
    assert _rules(quantity) == ["manual-quantity"]


def test_nested_manual_conditions_have_their_paths() -> None:
    measure = _measure(criteria=[{"type": "region_in", "codes": ["330300"]}, {"type": "any_of", "criteria": [
        {"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.03},
        _manual("R&D of at least 5 million yuan.", "研发费用不低于500万元"),
    ]}])
    assert {(f.path, f.rule) for f in lint([measure])} >= {("criteria[1].criteria[1]", "manual-quantity")}


def test_manual_conditions_need_chinese_and_a_subject() -> None:
    measure = _measure(criteria=[_manual("The project is on the provincial list.", None)])
    assert _rules(measure) == ["manual-no-chinese", "manual-unclassified"]


RECOGNITION: dict[str, Any] = {
    "code": "CN-TEST-LITTLE-GIANT-RECOGNITION", "kind": "service", "level": "national", "jurisdiction": ["000000"],
    "industries": [],
    "title_en": "Recognition as a little giant", "title_zh": "专精特新“小巨人”企业认定",
    "benefit": {"kind": "in_kind", "description": "The title."}, "window": {"mode": "rolling"},
}


def test_a_recognition_measure_must_refuse_firms_holding_the_title() -> None:
    bare = _measure(**RECOGNITION, criteria=[{"type": "designation", "designation": "specialized_sme"}])
    findings = lint([bare])
    assert [f.rule for f in findings] == ["recognition-not-held"]
    assert "little_giant" in findings[0].message and "小巨人" in findings[0].message_zh
    held_false = {"type": "designation", "designation": "little_giant", "held": False}
    assert lint([_measure(**RECOGNITION, criteria=[held_false])]) == []
    # Inside a top-level any_of, as a yearly registration words "not registered in this round".
    alternatives = {"type": "any_of", "criteria": [
        held_false, {"type": "designation", "designation": "little_giant", "awarded_to": "2025-12-31"}]}
    assert lint([_measure(**RECOGNITION, criteria=[alternatives])]) == []


def test_a_re_review_requires_the_title_instead() -> None:
    review = _measure(**RECOGNITION | {"title_zh": "2023年认定的专精特新“小巨人”企业2026年复核"}, criteria=[
        {"type": "designation", "designation": "little_giant", "awarded_from": "2023-01-01",
         "awarded_to": "2023-12-31"}])
    assert lint([review]) == []


@pytest.mark.parametrize(("title_zh", "level", "expected"), [
    ("专精特新“小巨人”企业认定（2026年标准）", "national", Designation.little_giant),
    ("科技和创新型中小企业评价", "national", Designation.innovative_sme),
    ("2026年科技型中小企业评价入库", "national", Designation.tech_sme),
    ("浙江省制造业单项冠军企业认定", "provincial", Designation.provincial_single_champion),
    ("2026年制造业单项冠军企业遴选", "national", Designation.single_champion),
    ("北京市企业技术中心认定（专精特新企业降低门槛）", "provincial", Designation.provincial_rd_institution),
    ("高新技术企业认定", "national", Designation.high_tech_enterprise),
])
def test_the_title_a_recognition_measure_awards(title_zh: str, level: str, expected: Designation) -> None:
    assert awarded_title(_measure(**RECOGNITION | {"title_zh": title_zh, "level": level})) is expected


def test_an_award_for_a_title_is_not_a_recognition() -> None:
    award = _measure(industries=["C"])  # 温州市首次认定国家级专精特新小巨人企业奖励: cash for holding the title
    assert awarded_title(award) is None
    assert "recognition-not-held" not in _rules(award)
    pool = _measure(**RECOGNITION | {"title_zh": "专精特新“小巨人”企业培育库"})  # on the way to the title, not the title
    assert awarded_title(pool) is None


def test_contradictions_and_duplicates() -> None:
    gate = {"type": "numeric", "field": "operating_revenue", "op": "gte", "value": 50_000_000}
    measure = _measure(criteria=[
        {"type": "industry_in", "codes": ["C"]}, gate, gate | {"note": "again"},
        {"type": "numeric", "field": "operating_revenue", "op": "lt", "value": 10_000_000},
        {"type": "designation", "designation": "little_giant"},
        {"type": "designation", "designation": "little_giant", "held": False},
    ])
    assert sorted(_rules(measure)) == ["contradiction", "contradiction", "contradiction", "duplicate"]


def test_one_years_rule_beside_the_next_is_no_contradiction() -> None:
    measure = _measure(criteria=[
        {"type": "industry_in", "codes": ["C"]},
        {"type": "numeric", "field": "above_scale_year", "op": "eq", "value": 2026, "effective_to": "2026-12-31"},
        {"type": "numeric", "field": "above_scale_year", "op": "eq", "value": 2027, "effective_from": "2027-01-01"},
    ])
    assert _rules(measure) == []


def test_between_one_value() -> None:
    point = {"type": "numeric", "field": "employees", "op": "between", "min": 50, "max": 50}
    assert _rules(_measure(criteria=[point])) == ["between-one-value"]
    assert _rules(_measure(criteria=[point | {"max": 300}])) == []


GATE = {"type": "numeric", "field": "operating_revenue", "op": "gte", "value": 10_000_000}


@pytest.mark.parametrize("branch", [
    {"type": "size_class", "classes": ["micro", "small", "medium", "large"]},
    {"type": "region_in", "codes": ["330000"]},  # the whole province around the measure's Wenzhou
    {"type": "all_of", "criteria": [{"type": "region_in", "codes": ["330300"]},
                                    {"type": "size_class", "classes": ["large", "medium", "small", "micro"]}]},
    {"type": "any_of", "criteria": [{"type": "flag", "field": "listed", "value": True},
                                    {"type": "flag", "field": "listed", "value": False}]},
])
def test_an_alternative_every_firm_meets_is_flagged(branch: dict[str, Any]) -> None:
    measure = _measure(criteria=[{"type": "any_of", "criteria": [GATE, branch]}])
    assert ("criteria[0]", "any-of-always-passes") in {(f.path, f.rule) for f in lint([measure])}


def test_a_fact_asked_both_ways_is_flagged() -> None:
    both = [{"type": "designation", "designation": "little_giant"},
            {"type": "designation", "designation": "little_giant", "held": False}]
    assert _rules(_measure(criteria=[{"type": "any_of", "criteria": both}])) == ["any-of-always-passes"]


@pytest.mark.parametrize("branch", [
    {"type": "size_class", "classes": ["micro", "small", "medium"]},
    {"type": "region_in", "codes": ["330302"]},  # one district of Wenzhou
    {"type": "size_class", "classes": ["micro", "small", "medium", "large"], "effective_to": "2026-12-31"},
    {"type": "designation", "designation": "little_giant", "held": False},
])
def test_an_alternative_that_restricts_is_not_flagged(branch: dict[str, Any]) -> None:
    held_lately = {"type": "designation", "designation": "little_giant", "awarded_from": "2025-01-01"}
    measure = _measure(criteria=[{"type": "any_of", "criteria": [held_lately, branch]}])
    assert _rules(measure) == []


def test_a_measure_without_its_chinese_text_is_flagged() -> None:
    assert _rules(_measure(summary_zh=None)) == ["no-chinese-summary"]
    assert _rules(_measure(body="The full text.")) == ["no-chinese-body"]
    assert _rules(_measure(body="The full text.", body_zh="【支持对象】全文。")) == []


def test_every_rule_is_documented() -> None:
    assert set(RULES) == {"manual-quantity", "manual-field", "manual-no-chinese", "manual-unclassified",
                          "recognition-not-held", "contradiction", "duplicate", "between-one-value",
                          "any-of-always-passes", "no-chinese-summary", "no-chinese-body"}
    documented = (Path(__file__).resolve().parents[2] / "docs" / "catalogue-format.md").read_text(encoding="utf-8")
    assert all(f"`{rule}`" in documented for rule in RULES)

"""The 专精特新 ladder against criteria.md: bands, boundaries (§6.1), escape hatches (§6.2), regimes (§0)."""

import datetime as dt
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from matching.eligibility.rules import STATUS_OF, Outcome
from matching.firm.profile import FirmProfile
from matching.ladder import (
    Indicator,
    Purpose,
    Regime,
    Rung,
    RungAssessment,
    assess_ladder,
    assess_rung,
    next_rung,
    regime_for,
)

FIRMS = Path(__file__).resolve().parents[3] / "examples" / "firms"
BEFORE_2026 = dt.date(2025, 6, 1)
AFTER_2026 = dt.date(2026, 6, 1)
ATTESTED = ["independent_legal_person", "no_serious_violation_3y", "no_major_accident_3y", "tax_compliant",
            "products_not_restricted"]


def firm(**facts: Any) -> FirmProfile:
    """A small manufacturer that has declared every attestation; tests add the facts they are about."""
    base: dict[str, Any] = {
        "name": "测试企业", "region": "330212", "industries": ["C3421"], "employees": 120,
        "operating_revenue": 30_000_000, "total_assets": 40_000_000, "attestations": ATTESTED,
    }
    return FirmProfile.model_validate(base | facts)


@cache
def example(name: str) -> FirmProfile:
    return FirmProfile.model_validate(yaml.safe_load((FIRMS / f"{name}.yaml").read_text(encoding="utf-8")))


def walk(outcomes: list[Outcome]) -> Iterator[Outcome]:
    for outcome in outcomes:
        yield outcome
        yield from walk(outcome.parts)


def outcome(assessment: RungAssessment, key: str) -> Outcome:
    path = f"{assessment.rung}.{key}"
    return next(item for item in walk(assessment.conditions) if item.path == path)


def indicator(assessment: RungAssessment, key: str) -> Indicator:
    return next(item for item in assessment.indicators if item.key == key)


def titles(*names: str, awarded: str | None = None) -> list[dict[str, Any]]:
    return [{"designation": name, "awarded": awarded} for name in names]


# Strong on every §1.1 indicator: 20 + 20 + 20 + 10 + 10 + 20 = 100.
INNOVATIVE_STRONG: dict[str, Any] = {
    "ip_class1_high_value": 1, "ip_class1": 3, "rd_expense": 1_800_000, "revenue_growth": 0.2,
    "debt_ratio": 0.4, "strategic_emerging": True, "main_business_share": 0.9,
}
# Fails the §1.1 score and every 直通 route it can check.
INNOVATIVE_WEAK: dict[str, Any] = {
    "ip_class1": 0, "ip_class2": 0, "rd_expense": 100_000, "revenue_growth": -0.1, "debt_ratio": 0.9,
    "strategic_emerging": False, "main_business_share": 0.4, "has_rd_institution": False,
    "new_equity_financing_2y": 0,
}
# §1.3 with 85 known points (+15 local features the province awards).
SPECIALIZED_STRONG: dict[str, Any] = {
    "main_business_share": 0.9, "revenue_growth_avg_2y": 0.12, "years_in_niche": 10, "key_chain_role": True,
    "digital_level": 3, "quality_award": True, "quality_certified": True, "own_brand": True,
    "led_standard": True,
    "net_profit_margin": 0.12, "debt_ratio": 0.3, "ip_class1_high_value": 1, "ip_class1": 5,
    "rd_expense": 5_000_000, "rd_expense_prev": 4_000_000, "revenue_growth": 0.1, "rd_staff": 30,
    "rd_institution_level": "national",
}


# ----------------------------------------------------------------------------- §0 regimes


@pytest.mark.parametrize(
    ("rung", "as_of", "purpose", "regime"),
    [
        ("specialized_sme", dt.date(2026, 3, 31), "new", Regime.gradient_2022),
        ("specialized_sme", dt.date(2026, 4, 1), "new", Regime.gradient_2026),
        ("little_giant", dt.date(2026, 4, 1), "new", Regime.gradient_2026),
        ("little_giant", dt.date(2026, 4, 1), "review", Regime.gradient_2022),
        ("specialized_sme", dt.date(2026, 11, 1), "review", Regime.gradient_2022),
        ("innovative_sme", dt.date(2026, 11, 1), "new", Regime.gradient_2022),
        ("tech_sme", dt.date(2026, 11, 1), "new", Regime.tech_2017),
        ("single_champion", dt.date(2026, 11, 1), "new", Regime.champion_2023),
    ],
)
def test_regime_for(rung: Rung, as_of: dt.date, purpose: Purpose, regime: Regime) -> None:
    assert regime_for(rung, as_of, purpose) is regime


def test_assessment_switches_rules_on_2026_04_01_and_for_reviews() -> None:
    profile = firm(**SPECIALIZED_STRONG)
    before = assess_rung("specialized_sme", profile, dt.date(2026, 3, 31))
    after = assess_rung("specialized_sme", profile, dt.date(2026, 4, 1))
    review = assess_rung("specialized_sme", profile, dt.date(2026, 4, 1), purpose="review")
    assert before.regime == review.regime == "2022 (工信部企业〔2022〕63号)"
    assert after.regime == "2026 (工信部企业〔2026〕2号)"
    assert before.status == review.status == "pass"
    assert before.indicators and not after.indicators  # 2026 has no 13-indicator table
    # 2026: no tier-1 title, 3 years in niche, and the platform score can only be unknown.
    assert outcome(after, "prerequisite").status == "fail"
    assert outcome(after, "platform_score").status == "unknown"
    assert after.status == "fail"


# ----------------------------------------------------------------------------- §1.1 innovative SME


@pytest.mark.parametrize(
    ("rd_expense", "points", "band"),
    [(99_999, 0, "<1%"), (100_000, 5, "1%–2%"), (299_900, 10, "2%–3%"), (300_000, 15, "3%–5%"),
     (499_999, 15, "3%–5%"), (500_000, 20, "≥5%")],
)
def test_innovative_rd_ratio_boundary_scores_higher_band(rd_expense: int, points: float, band: str) -> None:
    profile = firm(operating_revenue=10_000_000, rd_expense=rd_expense)
    rd = indicator(assess_rung("innovative_sme", profile, BEFORE_2026), "rd_ratio")
    assert (rd.points, rd.band) == (points, band)


@pytest.mark.parametrize(("debt", "points"), [(0.55, 10), (0.5501, 5), (0.75, 5), (0.7501, 0)])
def test_innovative_debt_ratio_edges_are_inclusive(debt: float, points: float) -> None:
    assessed = assess_rung("innovative_sme", firm(debt_ratio=debt), BEFORE_2026)
    assert indicator(assessed, "debt_ratio").points == points


@pytest.mark.parametrize(("growth", "points"), [(0.0, 5), (-0.0001, 0), (0.15, 20), (0.1499, 15)])
def test_innovative_growth_edges(growth: float, points: float) -> None:
    assessed = assess_rung("innovative_sme", firm(revenue_growth=growth), BEFORE_2026)
    assert indicator(assessed, "revenue_growth").points == points


def test_innovative_strong_firm_passes_on_score() -> None:
    assessed = assess_rung("innovative_sme", firm(**INNOVATIVE_STRONG), BEFORE_2026)
    assert assessed.status == "pass"
    assert assessed.score == 100
    assert assessed.gaps == []


def test_innovative_sub_minimum_fails_score_path_despite_60_points() -> None:
    # IP 0 + R&D 1.5% (5) = 5 for 创新能力; 成长性 30; 专业化 30: total 65 ≥ 60.
    facts = INNOVATIVE_STRONG | {"ip_class1_high_value": 0, "ip_class1": 0, "ip_class2": 0,
                                 "rd_expense": 450_000, "has_rd_institution": False,
                                 "new_equity_financing_2y": 0}
    assessed = assess_rung("innovative_sme", firm(**facts), BEFORE_2026)
    assert assessed.score == 65
    assert outcome(assessed, "score").status == "pass"
    assert outcome(assessed, "score.innovation").status == "fail"
    assert outcome(assessed, "score_path").status == "fail"
    assert assessed.status != "pass"
    assert any("创新能力" in gap and "+15 points" in gap for gap in assessed.gaps)
    # One high-value IP (20 points) lifts 创新能力 to 25 and the firm passes.
    lifted_facts = facts | {"ip_class1_high_value": 1, "ip_class1": 1}
    lifted = assess_rung("innovative_sme", firm(**lifted_facts), BEFORE_2026)
    assert lifted.status == "pass"


def test_innovative_self_developed_ip_band_is_left_to_confirm() -> None:
    facts = INNOVATIVE_STRONG | {"ip_class1_high_value": 0}
    ip = indicator(assess_rung("innovative_sme", firm(**facts), BEFORE_2026), "ip")
    assert ip.points is None
    assert (ip.floor, ip.ceiling, ip.pending) == (10, 15, "confirm")


@pytest.mark.parametrize(
    "route",
    [
        {"designations": titles("high_tech_enterprise", awarded="2024-12-01")},
        {"designations": titles("science_tech_award", awarded="2024-05-01")},
        {"designations": titles("provincial_rd_institution")},
        {"designations": titles("national_rd_institution")},
        {"rd_institution_level": "provincial", "has_rd_institution": True},
        {"new_equity_financing_2y": 5_000_000},
    ],
)
def test_innovative_each_direct_route_passes_a_failing_score(route: dict[str, Any]) -> None:
    assessed = assess_rung("innovative_sme", firm(**INNOVATIVE_WEAK | route), BEFORE_2026)
    assert outcome(assessed, "score_path").status == "fail"
    assert assessed.status == "pass"


def test_innovative_without_routes_is_unknown_only_for_the_third_financing_year() -> None:
    assessed = assess_rung("innovative_sme", firm(**INNOVATIVE_WEAK | {"new_equity_financing_2y": 4_999_999}),
                           BEFORE_2026)
    equity = outcome(assessed, "route.equity")
    assert equity.status == "unknown"
    assert [route.status for route in assessed.routes] == ["fail", "fail", "fail", "unknown"]
    assert assessed.status == "unknown"


def test_expired_high_tech_title_is_no_route() -> None:
    route = {"designations": titles("high_tech_enterprise", awarded="2021-12-01")}
    assessed = assess_rung("innovative_sme", firm(**INNOVATIVE_WEAK | route), BEFORE_2026)
    assert outcome(assessed, "route.high_tech").status == "fail"


def test_large_firm_fails_the_sme_basic_condition() -> None:
    profile = firm(**INNOVATIVE_STRONG | {"employees": 1200, "operating_revenue": 500_000_000,
                                          "rd_expense": 30_000_000})
    assessed = assess_rung("innovative_sme", profile, BEFORE_2026)
    assert outcome(assessed, "size").status == "fail"
    assert assessed.status == "fail"


# ----------------------------------------------------------------------------- §1.2 tech SME


@pytest.mark.parametrize(("employees", "status"), [(500, "pass"), (501, "fail")])
def test_tech_sme_staff_ceiling(employees: int, status: str) -> None:
    assessed = assess_rung("tech_sme", firm(employees=employees), BEFORE_2026)
    assert outcome(assessed, "employees").status == status


def test_tech_sme_zero_staff_score_fails_even_above_60() -> None:
    # Staff 5% → 0; R&D 10% → 50; class-I IP → 30: 80 points.
    facts = {"rd_staff": 6, "rd_expense": 3_000_000, "ip_class1": 2, "led_standard": False,
             "has_rd_institution": False}
    assessed = assess_rung("tech_sme", firm(**facts), BEFORE_2026)
    assert assessed.score == 80
    assert outcome(assessed, "score.staff_nonzero").status == "fail"
    assert assessed.status == "fail"
    passing = assess_rung("tech_sme", firm(**facts | {"rd_staff": 12}), BEFORE_2026)  # 10% → 4 points
    assert passing.status == "pass"


def test_tech_sme_cost_based_rd_alternative_keeps_range_open() -> None:
    rd = indicator(assess_rung("tech_sme", firm(rd_expense=900_000), BEFORE_2026), "rd_intensity")
    assert (rd.floor, rd.ceiling, rd.pending) == (20, 50, "not_computable")


# ----------------------------------------------------------------------------- §1.3 specialized SME 2022


def test_specialized_2022_strong_firm_passes_with_range() -> None:
    assessed = assess_rung("specialized_sme", firm(**SPECIALIZED_STRONG), BEFORE_2026)
    assert (assessed.score_min, assessed.score_max, assessed.score_range) == (85, 100, (85, 100))
    assert assessed.score is None  # the province's 15 points are open
    assert assessed.status == "pass"


def test_specialized_2022_unknown_when_pass_mark_inside_range() -> None:
    facts = SPECIALIZED_STRONG | {"ip_class1_high_value": 0, "ip_class1": 0, "ip_class2": 0,
                                  "rd_institution_level": "none", "net_profit_margin": 0.0}
    assessed = assess_rung("specialized_sme", firm(**facts), BEFORE_2026)
    assert (assessed.score_min, assessed.score_max) == (55, 70)
    assert outcome(assessed, "score").status == "unknown"
    assert assessed.status == "unknown"
    assert any(gap.startswith("local-feature indicators") for gap in assessed.gaps)


def test_specialized_2022_fails_when_even_the_best_score_is_short() -> None:
    facts = {"main_business_share": 0.9, "revenue_growth_avg_2y": -0.1, "years_in_niche": 10,
             "key_chain_role": False, "digital_level": 1, "quality_award": False, "quality_certified": False,
             "own_brand": False, "led_standard": False, "net_profit_margin": 0.0, "debt_ratio": 0.8,
             "ip_class1": 0, "ip_class2": 0,
             "rd_expense": 1_200_000, "rd_expense_prev": 1_000_000, "revenue_growth": 0.0, "rd_staff": 30,
             "rd_institution_level": "none", "new_equity_financing_2y": 0}
    assessed = assess_rung("specialized_sme", firm(**facts), BEFORE_2026)
    assert (assessed.score_min, assessed.score_max) == (19, 37)
    assert outcome(assessed, "score").status == "fail"
    assert assessed.status == "fail"


@pytest.mark.parametrize(("years", "status", "points"), [(2, "pass", 1), (1.99, "fail", 0), (4, "pass", 2)])
def test_specialized_2022_years_in_niche_boundary(years: float, status: str, points: float) -> None:
    profile = firm(**SPECIALIZED_STRONG | {"years_in_niche": years})
    assessed = assess_rung("specialized_sme", profile, BEFORE_2026)
    assert outcome(assessed, "years_in_niche").status == status
    assert indicator(assessed, "years_in_niche").points == points


@pytest.mark.parametrize(
    ("revenue", "equity", "status"),
    [
        (10_000_000, None, "pass"),  # exactly 1000万
        (9_999_999, None, "unknown"),  # the equity escape hatch is not known
        (9_999_999, 20_000_000, "pass"),  # < 1000万 but 2000万 of new equity
        (9_999_999, 19_999_999, "fail"),
    ],
)
def test_specialized_2022_revenue_or_equity(revenue: int, equity: int | None, status: str) -> None:
    assessed = assess_rung("specialized_sme", firm(operating_revenue=revenue, new_equity_financing_2y=equity),
                           BEFORE_2026)
    assert outcome(assessed, "revenue_or_equity").status == status


def test_specialized_2022_rd_ratio_gap_in_points_and_yuan() -> None:
    profile = firm(**SPECIALIZED_STRONG | {"rd_expense": 720_000})
    assessed = assess_rung("specialized_sme", profile, BEFORE_2026)
    assert outcome(assessed, "rd_ratio").status == "fail"
    assert ("R&D ratio (last year) is 2.4%; the requirement is at least 3% "
            "(0.6 percentage points short, about 180,000 yuan of revenue)") in assessed.gaps
    assert ("R&D expense (last year) is 720,000 yuan; the requirement is at least 1 million yuan "
            "(280,000 yuan short)") in assessed.gaps
    assert outcome(assessed, "rd_ratio").reason_zh == (
        "上年研发费用占营业收入比重为 2.4%，要求不低于 3%（差 0.6 个百分点，约合营业收入 18 万元）")


@pytest.mark.parametrize(("rd_expense", "status"), [(299_900, "fail"), (300_000, "pass")])
def test_specialized_2022_rd_ratio_exactly_3_percent(rd_expense: int, status: str) -> None:
    profile = firm(**SPECIALIZED_STRONG | {"operating_revenue": 10_000_000, "rd_expense": rd_expense})
    assert outcome(assess_rung("specialized_sme", profile, BEFORE_2026), "rd_ratio").status == status


def test_specialized_2022_escape_route_replaces_the_score() -> None:
    weak = {"rd_expense": 10_500_000, "rd_expense_prev": 9_500_000, "operating_revenue": 100_000_000,
            "years_in_niche": 3, "ip_class1": 0, "ip_class2": 0, "rd_institution_level": "none"}
    assessed = assess_rung("specialized_sme", firm(**weak), BEFORE_2026)
    assert outcome(assessed, "route.rd_average").status == "pass"  # 2-year average exactly 1000万
    assert outcome(assessed, "qualify").status == "pass"


# ----------------------------------------------------------------------------- §1.4 / §1.6 2026 prerequisites


@pytest.mark.parametrize(
    ("held", "status"),
    [
        ([], "fail"),
        (titles("innovative_sme", awarded="2025-01-10"), "pass"),
        (titles("tech_sme", awarded="2025-05-01"), "pass"),
        (titles("innovative_sme", awarded="2023-01-10"), "fail"),  # lapsed before 2026-06-01
    ],
)
def test_specialized_2026_needs_a_valid_tier_one_title(held: list[dict[str, Any]], status: str) -> None:
    assessed = assess_rung("specialized_sme", firm(designations=held), AFTER_2026)
    assert outcome(assessed, "prerequisite").status == status


def test_specialized_2026_best_case_is_unknown_for_the_platform_score() -> None:
    facts = SPECIALIZED_STRONG | {"designations": titles("innovative_sme", awarded="2025-01-10")}
    assessed = assess_rung("specialized_sme", firm(**facts), AFTER_2026)
    failing = [item.path for item in assessed.conditions if item.status == "fail"]
    assert failing == []
    assert assessed.status == "unknown"
    assert assessed.pass_mark == 50


def test_specialized_2026_rd_each_year() -> None:
    facts = SPECIALIZED_STRONG | {"rd_expense_prev": 999_999}
    assessed = assess_rung("specialized_sme", firm(**facts), AFTER_2026)
    assert outcome(assessed, "rd_expense_prev").status == "fail"
    assert outcome(assessed, "rd_expense").status == "pass"


LITTLE_GIANT_2026: dict[str, Any] = {
    "designations": titles("specialized_sme", awarded="2024-12-01"), "years_in_niche": 5,
    "operating_revenue": 100_000_000, "total_assets": 120_000_000, "main_business_share": 0.95,
    "revenue_growth_avg_2y": 0.08, "revenue_growth": 0.0, "debt_ratio": 0.5, "rd_expense": 6_000_000,
    "rd_expense_prev": 6_000_000, "ip_class1": 4, "niche_market_share": 0.12, "key_chain_role": True,
}


def test_little_giant_2026_prerequisite_and_single_champion_bar() -> None:
    ok = assess_rung("little_giant", firm(**LITTLE_GIANT_2026), AFTER_2026)
    assert outcome(ok, "prerequisite").status == "pass"
    assert outcome(ok, "not_single_champion").status == "pass"
    assert [c.path for c in ok.conditions if c.status == "fail"] == []
    for held in ([], titles("tech_sme", "innovative_sme", awarded="2025-01-01")):
        without = assess_rung("little_giant", firm(**LITTLE_GIANT_2026 | {"designations": held}), AFTER_2026)
        assert outcome(without, "prerequisite").status == "fail"
    champion = titles("specialized_sme", "single_champion", awarded="2024-12-01")
    barred = assess_rung("little_giant", firm(**LITTLE_GIANT_2026 | {"designations": champion}), AFTER_2026)
    assert outcome(barred, "not_single_champion").status == "fail"
    assert barred.status == "fail"


@pytest.mark.parametrize(("prev", "status"), [(6_000_000, "pass"), (5_999_999, "fail")])
def test_little_giant_2026_two_year_rd_total(prev: int, status: str) -> None:
    assessed = assess_rung("little_giant", firm(**LITTLE_GIANT_2026 | {"rd_expense_prev": prev}), AFTER_2026)
    assert outcome(assessed, "rd_expense_2y").status == status


@pytest.mark.parametrize(("ip", "status"), [(4, "pass"), (3, "fail")])
def test_little_giant_2026_needs_four_class_one_ip(ip: int, status: str) -> None:
    assessed = assess_rung("little_giant", firm(**LITTLE_GIANT_2026 | {"ip_class1": ip}), AFTER_2026)
    assert outcome(assessed, "ip").status == status


@pytest.mark.parametrize(("share", "status"), [(0.10, "pass"), (0.09, "confirm"), (None, "unknown")])
def test_little_giant_2026_market_share_or_top_three(share: float | None, status: str) -> None:
    profile = firm(**LITTLE_GIANT_2026 | {"niche_market_share": share})
    assessed = assess_rung("little_giant", profile, AFTER_2026)
    assert outcome(assessed, "niche_market_share").status == status


# ----------------------------------------------------------------------------- §1.5 little giant 2022


@pytest.mark.parametrize(
    ("revenue", "rd", "rule", "status"),
    [
        (100_000_000, 3_000_000, "revenue ≥ 1亿", "pass"),  # exactly 1亿: 3% suffices
        (99_999_999, 3_000_000, "revenue 5000万–1亿", "fail"),  # just under: needs 6%
        (50_000_000, 3_000_000, "revenue 5000万–1亿", "pass"),  # exactly 5000万: 6% band
    ],
)
def test_little_giant_2022_rd_rule_by_revenue_band(revenue: int, rd: int, rule: str, status: str) -> None:
    profile = firm(operating_revenue=revenue, rd_expense=rd, rd_expense_prev=rd, revenue_growth=0.0)
    rd_rule = outcome(assess_rung("little_giant", profile, BEFORE_2026), "rd_by_revenue")
    assert rd_rule.reason.startswith(rule)
    assert rd_rule.status == status


@pytest.mark.parametrize(("equity", "status"), [(80_000_000, "pass"), (79_999_999, "fail")])
def test_little_giant_2022_small_revenue_route(equity: int, status: str) -> None:
    profile = firm(operating_revenue=49_999_999, new_equity_financing_2y=equity, rd_expense=30_000_000,
                   rd_staff=60, employees=120)
    assessed = assess_rung("little_giant", profile, BEFORE_2026)
    rule = outcome(assessed, "rd_by_revenue")
    assert rule.reason.startswith("revenue < 5000万")
    assert rule.status == status


# ----------------------------------------------------------------------------- §1.8 single champion


@pytest.mark.parametrize(
    ("revenue", "share", "status"),
    [(500_000_000, 0.9, "confirm"), (400_000_000, 0.9, "fail"), (500_000_000, None, "unknown"),
     (300_000_000, None, "fail")],
)
def test_single_champion_revenue(revenue: int, share: float | None, status: str) -> None:
    profile = firm(operating_revenue=revenue, main_business_share=share, employees=900, years_in_niche=12)
    assert outcome(assess_rung("single_champion", profile, BEFORE_2026), "main_revenue").status == status


# ----------------------------------------------------------------------------- missing facts, the ladder


def test_missing_facts_are_unknown_not_fail() -> None:
    bare = FirmProfile.model_validate({"name": "测试企业", "region": "330212"})
    statuses = {a.rung: a.status for a in assess_ladder(bare, BEFORE_2026)}
    assert set(statuses.values()) == {"unknown"}
    specialized = assess_rung("specialized_sme", bare, BEFORE_2026)
    assert "provide rd_expense: R&D expense (last year) must be at least 1 million yuan" in specialized.gaps
    assert (specialized.score_min, specialized.score_max) == (0, 100)


def test_next_rung_is_above_the_highest_title_held() -> None:
    def climb(*held: str) -> str | None:
        found = next_rung(assess_ladder(firm(designations=titles(*held, awarded="2025-01-01")), BEFORE_2026))
        return None if found is None else found.rung

    assert climb("innovative_sme") == "specialized_sme"
    assert climb("tech_sme", "specialized_sme") == "little_giant"
    assert climb("little_giant") == "single_champion"
    assert climb("single_champion") is None
    assert climb() in ("tech_sme", "innovative_sme")


# ----------------------------------------------------------------------------- example firms


def test_broaching_machines_holds_little_giant_and_nothing_fails_it() -> None:
    ladder = assess_ladder(example("zhejiang-broaching-machines"), BEFORE_2026)
    giant = next(a for a in ladder if a.rung == "little_giant")
    assert giant.held and giant.regime == Regime.gradient_2022.value
    assert [leaf.path for leaf in walk(giant.conditions) if leaf.status == "fail" and not leaf.parts] == []
    assert giant.status == "unknown"
    assert "provide own_brand (own competitive brand)" in giant.gaps
    climb = next_rung(ladder)
    assert climb is not None and climb.rung == "single_champion"
    assert climb.status == "fail"  # 3.2亿 × 91% main business is short of 4亿
    assert any("main-business revenue" in gap and "yuan" in gap for gap in climb.gaps)


def test_optical_fiber_single_champion_cannot_newly_apply_for_little_giant() -> None:
    ladder = assess_ladder(example("wuhan-specialty-optical-fiber"), AFTER_2026)
    giant = next(a for a in ladder if a.rung == "little_giant")
    assert not giant.held  # its 2021 title has lapsed
    assert outcome(giant, "not_single_champion").status == "fail"
    assert next_rung(ladder) is None


def test_dexterous_hands_start_up_qualifies_for_innovative_sme_by_equity() -> None:
    assessed = assess_rung("innovative_sme", example("hangzhou-yuhang-dexterous-hands"), BEFORE_2026)
    assert outcome(assessed, "route.equity").status == "pass"  # 2000万 of new equity
    assert outcome(assessed, "qualify").status == "pass"
    assert assessed.status == "unknown"  # only undeclared attestations stand in the way
    assert all(gap.startswith("declare ") for gap in assessed.gaps)


@pytest.mark.parametrize("as_of", [BEFORE_2026, AFTER_2026])
def test_every_example_keeps_the_assessment_invariants(as_of: dt.date) -> None:
    for path in sorted(FIRMS.glob("*.yaml")):
        ladder = assess_ladder(example(path.stem), as_of)
        assert [a.rung for a in ladder] == ["tech_sme", "innovative_sme", "specialized_sme", "little_giant",
                                            "single_champion"]
        for a in ladder:
            assert a.status == min(STATUS_OF[c.status] for c in a.conditions).label, (path.stem, a.rung)
            assert (a.status == "pass") == (a.gaps == []), (path.stem, a.rung, a.gaps)
            if a.score_min is not None and a.score_max is not None:
                assert 0 <= a.score_min <= a.score_max <= 100

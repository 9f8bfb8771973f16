"""The smallest change a firm can make within a year."""

import datetime as dt

from pydantic import TypeAdapter

from matching.eligibility.advice import smallest_change
from matching.eligibility.rules import evaluate
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from policies.criteria import Criterion

CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])


def _changes(criteria: list[dict[str, object]], **facts: object):  # type: ignore[no-untyped-def]
    profile = FirmProfile.model_validate({"name": "测试企业", "region": "330212"} | facts)
    parsed = CRITERIA.validate_python(criteria)
    computed = derive(profile, dt.date(2026, 11, 22))
    _, outcomes = evaluate(parsed, computed)
    return smallest_change(parsed, outcomes, {f.value: v for f, v in computed.numbers.items()},
                           list(computed.designations))


def test_ratio_is_fixed_through_its_numerator() -> None:
    changes = _changes([{"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.05}],
                       operating_revenue=10_000_000, rd_expense=400_000)
    assert changes is not None
    assert [(c.field, c.required) for c in changes] == [("rd_expense", 500_000)]


def test_cheapest_branch_of_any_of() -> None:
    rule = [{"type": "any_of", "criteria": [
        {"type": "numeric", "field": "operating_revenue", "op": "gte", "value": 10_000_000},
        {"type": "designation", "designation": "little_giant"},
    ]}]
    changes = _changes(rule, operating_revenue=9_500_000)
    assert changes is not None and [c.field for c in changes] == ["operating_revenue"]


def test_more_than_two_numeric_changes_is_no_near_miss() -> None:
    rule = [{"type": "numeric", "field": f, "op": "gte", "value": 100} for f in ("employees", "rd_staff", "ip_class2")]
    assert _changes(rule, employees=90, rd_staff=90, ip_class2=90) is None
    assert _changes(rule[:2], employees=90, rd_staff=90) is not None


def _at_least(field: str, value: float) -> list[dict[str, object]]:
    return [{"type": "numeric", "field": field, "op": "gte", "value": value}]


def test_a_year_of_growth_bounds_a_near_miss() -> None:
    """Money by half again, counts by half again or two, shares by five points, the niche by one year."""
    assert _changes(_at_least("operating_revenue", 15_000_000), operating_revenue=10_000_000) is not None
    assert _changes(_at_least("operating_revenue", 15_000_001), operating_revenue=10_000_000) is None
    assert _changes(_at_least("invention_patents", 3), invention_patents=1) is not None  # + 2
    assert _changes(_at_least("invention_patents", 4), invention_patents=1) is None
    assert _changes(_at_least("employees", 150), employees=100) is not None  # + 50%
    assert _changes(_at_least("export_share", 0.25), export_share=0.2) is not None
    assert _changes(_at_least("export_share", 0.26), export_share=0.2) is None
    assert _changes(_at_least("years_in_niche", 3), years_in_niche=2) is not None
    assert _changes(_at_least("years_in_niche", 4), years_in_niche=2) is None
    # Nothing the firm cannot steer: its growth rate, and shrinking to fit under a cap.
    assert _changes(_at_least("revenue_growth", 0.2), revenue_growth=0.18) is None
    assert _changes([{"type": "numeric", "field": "employees", "op": "lte", "value": 500}], employees=520) is None


def test_a_ratio_moves_through_its_numerator_within_the_same_bound() -> None:
    assert _changes(_at_least("rd_ratio", 0.05), operating_revenue=10_000_000, rd_expense=300_000) is None  # +67%
    changes = _changes(_at_least("rd_ratio", 0.05), operating_revenue=10_000_000, rd_expense=400_000)
    assert changes is not None and changes[0].by == 100_000


def test_a_title_is_a_near_miss_only_one_rung_up() -> None:
    little_giant = [{"type": "designation", "designation": "little_giant"}]
    assert _changes(little_giant) is None
    assert _changes(little_giant, designations=[{"designation": "tech_sme"}]) is None
    assert _changes(little_giant, designations=[{"designation": "innovative_sme"}]) is None
    assert _changes(little_giant, designations=[{"designation": "specialized_sme"}]) is not None
    champion = [{"type": "designation", "designation": "single_champion"}]
    assert _changes(champion, designations=[{"designation": "specialized_sme"}]) is None
    assert _changes(champion, designations=[{"designation": "little_giant"}]) is not None
    # Open titles any SME can apply for this year.
    assert _changes([{"type": "designation", "designation": "high_tech_enterprise"}]) is not None
    # A higher title stands for the rungs below it: a little giant is one rung below single champion
    # even with its 专精特新 title expired.
    assert _changes(champion, designations=[{"designation": "little_giant"},
                                            {"designation": "specialized_sme", "awarded": "2020-01-01"}]) is not None


def test_region_cannot_be_changed() -> None:
    assert _changes([{"type": "region_in", "codes": ["510100"]}]) is None

"""The next question and the smallest change."""

import datetime as dt

from pydantic import TypeAdapter

from matching.eligibility.advice import next_question, smallest_change
from matching.eligibility.rules import evaluate
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from policies.criteria import Criterion

CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])


def test_next_question_weighs_value_and_shares() -> None:
    unknowns = {"A": ["rd_expense"], "B": ["rd_expense", "employees"], "C": ["employees"]}
    values = {"A": 100_000.0, "B": 1_000_000.0, "C": 50_000.0}
    question = next_question(unknowns, values)
    assert question is not None
    assert question.field == "rd_expense"  # 100k + 1M/2 beats 50k + 1M/2
    assert question.measures == ["A", "B"]
    assert question.value_at_stake == 1_100_000
    assert next_question({}, {}) is None


def _changes(criteria: list[dict[str, object]], **facts: object):  # type: ignore[no-untyped-def]
    profile = FirmProfile.model_validate({"name": "测试企业", "region": "330212"} | facts)
    parsed = CRITERIA.validate_python(criteria)
    computed = derive(profile, dt.date(2026, 11, 22))
    _, outcomes = evaluate(parsed, computed)
    return smallest_change(parsed, outcomes, {f.value: v for f, v in computed.numbers.items()})


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
    assert _changes(rule, employees=1, rd_staff=1, ip_class2=1) is None
    assert _changes(rule[:2], employees=1, rd_staff=1) is not None


def test_region_cannot_be_changed() -> None:
    assert _changes([{"type": "region_in", "codes": ["510100"]}]) is None

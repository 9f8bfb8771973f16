"""The criteria vocabulary refuses what would silently widen eligibility."""

import pytest
from pydantic import TypeAdapter, ValidationError

from policies.criteria import Criterion, NumericCriterion, Op
from policies.validation import field_path

ADAPTER: TypeAdapter[Criterion] = TypeAdapter(Criterion)


def test_bounds_follow_the_operator() -> None:
    between = ADAPTER.validate_python({"type": "numeric", "field": "employees", "op": "between", "min": 20, "max": 300})
    assert isinstance(between, NumericCriterion)
    assert (between.low, between.high) == (20, 300)
    at_least = ADAPTER.validate_python({"type": "numeric", "field": "rd_expense", "op": "gte", "value": 1_000_000})
    assert isinstance(at_least, NumericCriterion)
    assert (at_least.low, at_least.high, at_least.op) == (1_000_000, None, Op.gte)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "numeric", "field": "employees", "op": "gte", "min": 1, "max": 2}, "takes value"),
        ({"type": "numeric", "field": "employees", "op": "between", "value": 3}, "takes min and max"),
        ({"type": "numeric", "field": "debt_ratio", "op": "lte", "value": 70}, "is a fraction"),
        ({"type": "any_of", "criteria": [{"type": "manual", "text": "only one"}]}, "at least 2"),
        ({"type": "designation", "designation": "little_giant", "held": False, "awarded_from": "2026-01-01"},
         "only apply when held"),
        ({"type": "manual", "text": "Confirm it", "effective_from": "2026-04-01", "effective_to": "2026-01-01"},
         "effective_to is before"),
        ({"type": "size_class", "classes": ["tiny"]}, "Input should be"),
    ],
)
def test_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ADAPTER.validate_python(data)


def test_field_path_drops_union_tags() -> None:
    assert field_path(("body", "criteria", 0, "any_of", "criteria", 1, "numeric", "op")) == (
        "body.criteria[0].criteria[1].op"
    )
    assert field_path(("benefit", "fixed", "amount")) == "benefit.amount"

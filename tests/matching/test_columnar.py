"""The columnar evaluator agrees with the scalar reference, both ways round."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.columnar import CompiledCriteria, FirmColumns
from matching.eligibility import STATUS_OF, Status, evaluate
from matching.facts import Facts
from policies.criteria import Criterion
from tests.matching.strategies import criteria, facts

CATALOGUE = st.lists(st.lists(criteria(), max_size=4), min_size=1, max_size=8)


def _scalar(measure: list[Criterion], firm: Facts) -> int:
    _, outcomes = evaluate(measure, firm)
    return int(min((STATUS_OF[o.status] for o in outcomes), default=Status.passed))


@settings(max_examples=300, deadline=None)
@given(catalogue=CATALOGUE, firm=facts())
def test_one_firm_against_a_catalogue(catalogue: list[list[Criterion]], firm: Facts) -> None:
    result = CompiledCriteria(catalogue).evaluate(FirmColumns.from_facts([firm]), firm.as_of)
    assert result[:, 0].tolist() == [_scalar(measure, firm) for measure in catalogue]


@settings(max_examples=200, deadline=None)
@given(measure=st.lists(criteria(), max_size=4), firms=st.lists(facts(), min_size=1, max_size=12),
       as_of=st.sampled_from([dt.date(2024, 1, 1), dt.date(2026, 11, 22)]))
def test_one_measure_against_many_firms(measure: list[Criterion], firms: list[Facts], as_of: dt.date) -> None:
    firms = [Facts(**(vars(firm) | {"as_of": as_of})) for firm in firms]
    result = CompiledCriteria([measure]).evaluate(FirmColumns.from_facts(firms), as_of)
    assert result[0].tolist() == [_scalar(measure, firm) for firm in firms]

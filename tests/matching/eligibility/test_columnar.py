"""The columnar evaluator agrees with the scalar reference, both ways round."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.catalogue.shards import ShardedCriteria
from matching.catalogue.view import MeasureView
from matching.eligibility.columnar import CompiledCriteria, FirmColumns
from matching.eligibility.rules import STATUS_OF, Status, evaluate, verdict_of
from matching.firm.facts import Facts
from policies.criteria import Criterion
from policies.terms import FixedBenefit, Window
from policies.vocabulary import Level, MeasureKind, WindowMode
from tests.matching.strategies import CODES, criteria, facts

CATALOGUE = st.lists(st.lists(criteria(), max_size=4), min_size=1, max_size=8)


def _scalar(measure: list[Criterion], firm: Facts, code: str = "") -> int:
    _, outcomes = evaluate(measure, firm, (), code)
    return int(min((STATUS_OF[o.status] for o in outcomes), default=Status.passed))


@settings(max_examples=300, deadline=None)
@given(catalogue=CATALOGUE, firm=facts())
def test_one_firm_against_a_catalogue(catalogue: list[list[Criterion]], firm: Facts) -> None:
    result = CompiledCriteria(catalogue, CODES).evaluate(FirmColumns.from_facts([firm]), firm.as_of)
    assert result[:, 0].tolist() == [_scalar(measure, firm, CODES[n]) for n, measure in enumerate(catalogue)]


@settings(max_examples=200, deadline=None)
@given(measure=st.lists(criteria(), max_size=4), firms=st.lists(facts(), min_size=1, max_size=12),
       as_of=st.sampled_from([dt.date(2024, 1, 1), dt.date(2026, 11, 22)]))
def test_one_measure_against_many_firms(measure: list[Criterion], firms: list[Facts], as_of: dt.date) -> None:
    firms = [Facts(**(vars(firm) | {"as_of": as_of})) for firm in firms]
    result = CompiledCriteria([measure], ["M1"]).evaluate(FirmColumns.from_facts(firms), as_of)
    assert result[0].tolist() == [_scalar(measure, firm, "M1") for firm in firms]


JURISDICTIONS = st.sampled_from([("000000",), ("330300",), ("330000",), ("510108",), ("510100", "510000"),
                                 ("330300", "440307"), ("440307",)])


@settings(max_examples=150, deadline=None)
@given(catalogue=st.lists(st.tuples(st.lists(criteria(), max_size=3), JURISDICTIONS), min_size=1, max_size=8),
       firm=facts())
def test_shards_agree_with_the_whole_catalogue(
    catalogue: list[tuple[list[Criterion], tuple[str, ...]]], firm: Facts
) -> None:
    """Evaluating only the firm's province and the shared shard loses nothing: the rest fail anyway."""
    views = [_view(n, rules, places) for n, (rules, places) in enumerate(catalogue)]
    sharded = ShardedCriteria(views).evaluate([firm], firm.as_of)[:, 0]
    whole = CompiledCriteria([view.rules for view in views], [view.code for view in views]).evaluate(FirmColumns.from_facts([firm]), firm.as_of)
    assert sharded.tolist() == whole[:, 0].tolist()
    for n, view in enumerate(views):
        verdict, _ = evaluate(view.criteria, firm, view.jurisdiction, view.code)
        assert verdict is verdict_of(Status(int(sharded[n])))


def _view(n: int, rules: list[Criterion], places: tuple[str, ...]) -> MeasureView:
    return MeasureView(
        code=f"M-{n}", title_en="t", title_zh="t", summary="s", body="", kind=MeasureKind.award, level=Level.municipal,
        authority="a", jurisdiction=places, industries=(), criteria=rules,
        benefit=FixedBenefit(kind="fixed", amount=1), window=Window(mode=WindowMode.rolling), effective_from=None,
        effective_to=None, exclusivity_group=None, source_url=None, legal_basis=None,
    )

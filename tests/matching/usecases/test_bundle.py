"""The bundle a firm can bank on: eligible measures only, each scheme and exclusivity group counted once."""

import datetime as dt
from collections import Counter

import numpy as np
import pytest
from pydantic import TypeAdapter

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.eligibility.rules import Verdict
from matching.firm.profile import FirmProfile
from matching.ranking.fusion import Weights
from matching.text.embeddings import HashingEncoder
from matching.text.queries import QueryEncoder
from matching.text.vectors import VectorIndex
from matching.usecases.match import MatchOptions, match
from policies.criteria import Criterion
from policies.schemas import MeasureCreate
from policies.terms import Benefit
from tests.matching.usecases.test_one_verdict import example_firms, sample

WEIGHTS = Weights(relevance=0.5, value=0.3, timeliness=0.1, specificity=0.1)
ENCODE = QueryEncoder(HashingEncoder())
AS_OF = dt.date(2026, 12, 5)
BENEFIT: TypeAdapter[Benefit] = TypeAdapter(Benefit)
CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])


@pytest.mark.parametrize("raw", example_firms(), ids=lambda raw: str(raw["name"]))
def test_no_example_firm_s_bundle_counts_a_scheme_or_a_group_twice(raw: dict[str, object]) -> None:
    snapshot = sample()
    result = match(snapshot, ENCODE, FirmProfile.model_validate(raw),
                   MatchOptions(as_of=AS_OF, limit=len(snapshot.measures)), WEIGHTS)
    taken = [snapshot.measures[snapshot.index[code]] for code in result.bundle.codes]
    schemes = Counter(view.implements for view in taken if view.implements)
    groups = Counter(view.exclusivity_group for view in taken if view.exclusivity_group)
    assert all(count == 1 for count in schemes.values()), schemes
    assert all(count == 1 for count in groups.values()), groups
    verdicts = {item.code: item for item in result.items}
    assert all(verdicts[code].verdict == Verdict.eligible.value for code in result.bundle.codes)
    assert result.bundle.total_value == sum(verdicts[code].estimated_benefit.expected for code in result.bundle.codes)
    for left in result.bundle.left_out:  # every eligible measure left out names the one taken instead
        assert left.instead in result.bundle.codes and verdicts[left.code].verdict == Verdict.eligible.value
        assert verdicts[left.instead].estimated_benefit.expected >= verdicts[left.code].estimated_benefit.expected


def _view(code: str, amount: int, *, implements: str | None = None, group: str | None = None) -> MeasureView:
    return MeasureView.from_record(MeasureCreate.model_validate({
        "code": code, "title_en": f"Award {code}", "title_zh": f"奖励{code}", "summary": "A test award for firms.",
        "kind": "award", "authority": "Test bureau", "level": "national", "jurisdiction": ["000000"],
        "benefit": {"kind": "fixed", "amount": amount}, "window": {"mode": "rolling"},
        "implements": implements, "exclusivity_group": group}))


def test_one_scheme_counts_once_and_the_bundle_says_which_it_kept() -> None:
    views = [_view("NATIONAL-LOAN", 300_000, implements="relending"), _view("PROVINCE-LOAN", 200_000,
                                                                           implements="relending"),
             _view("CITY-AWARD", 500_000, group="city-award"), _view("DISTRICT-AWARD", 400_000, group="city-award"),
             _view("PLAIN", 100_000)]
    vectors = HashingEncoder().encode_documents([view.dense_text for view in views])
    snapshot = CatalogueSnapshot.build(1, views, VectorIndex(np.ascontiguousarray(vectors, dtype=np.float32)))
    result = match(snapshot, ENCODE, FirmProfile.model_validate({"name": "测试企业", "region": "330212"}),
                   MatchOptions(as_of=AS_OF, limit=10), WEIGHTS)
    assert sorted(result.bundle.codes) == ["CITY-AWARD", "NATIONAL-LOAN", "PLAIN"]
    assert result.bundle.total_value == 900_000
    left = {item.code: item for item in result.bundle.left_out}
    assert left["PROVINCE-LOAN"].instead == "NATIONAL-LOAN" and "same scheme (relending)" in left["PROVINCE-LOAN"].reason
    assert left["DISTRICT-AWARD"].instead == "CITY-AWARD" and "exclusivity group" in left["DISTRICT-AWARD"].reason


def test_an_eligible_measure_worth_nothing_to_this_firm_comes_after_the_possibly_eligible() -> None:
    deduction = _view("RD-DEDUCTION", 1)
    deduction = MeasureView(**(vars(deduction) | {"benefit": BENEFIT.validate_python(
        {"kind": "tax", "relief": "extra_deduction", "base": "rd_expense", "rate": 1.0})}))
    waiting = MeasureView(**(vars(_view("EXPORT-AWARD", 100_000)) | {"criteria": CRITERIA.validate_python(
        [{"type": "numeric", "field": "export_share", "op": "gte", "value": 0.2}])}))
    vectors = HashingEncoder().encode_documents([view.dense_text for view in (deduction, waiting)])
    snapshot = CatalogueSnapshot.build(1, [deduction, waiting],
                                       VectorIndex(np.ascontiguousarray(vectors, dtype=np.float32)))
    losing = {"name": "测试企业", "region": "330212", "operating_revenue": 3_200_000, "net_profit_margin": -0.4,
              "rd_expense": 2_100_000}
    result = match(snapshot, ENCODE, FirmProfile.model_validate(losing), MatchOptions(as_of=AS_OF, limit=10), WEIGHTS)
    assert [(item.code, item.verdict) for item in result.items] == [
        ("EXPORT-AWARD", "possibly_eligible"), ("RD-DEDUCTION", "eligible")]
    assert result.items[1].estimated_benefit.amount == 0 and result.items[1].estimated_benefit.note
    profitable = dict(losing, net_profit_margin=0.2)
    assert [item.code for item in match(snapshot, ENCODE, FirmProfile.model_validate(profitable),
                                        MatchOptions(as_of=AS_OF, limit=10), WEIGHTS).items][0] == "RD-DEDUCTION"

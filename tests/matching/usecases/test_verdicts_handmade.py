"""`check`: verdicts with every reason on the widened hand-made catalogue (tests/matching/handmade.py).

`firm()`: Yinzhou (Ningbo), industry C3581, 120 staff, R&D 3,000,000 on revenue 60,000,000, 8% exports,
no titles, invention patents unknown.
"""

import pydantic
import pytest

from matching.eligibility.rules import Verdict
from matching.errors import UnknownMeasures
from matching.usecases.verdicts import EligibilityReport, MeasureVerdict, check
from tests.matching.handmade import AS_OF, NOT_FUNDED_TWICE, firm, snapshot


def _by_code(report: EligibilityReport) -> dict[str, MeasureVerdict]:
    return {result.code: result for result in report.results}


def test_every_measure_gets_a_verdict_in_order_of_verdict_then_value() -> None:
    report = check(snapshot(), firm(), as_of=AS_OF, include_ineligible=True)
    # Eligible by value (300,000, 50,000: verdicts ignore windows); possibly eligible by value (2,000,000 waits for
    # a patent count, 200,000 for a condition nobody has confirmed); then the ineligible by value: 1,000,000,
    # 400,000, 300,000, and two worth 100,000 (a 5M loan at 2%, a grant) by code.
    assert [result.code for result in report.results] == [
        "NB-RD-GRANT", "NB-OLD-VOUCHER",
        "YZ-IMPLANT-AWARD", "NB-SMART-FACTORY",
        "NB-LG-AWARD", "CD-EXPORT-AWARD", "NB-LG-TOPUP", "CN-EXPORT-LOAN", "NB-SOFTWARE-GRANT",
    ]
    assert report.counts == {Verdict.eligible: 2, Verdict.possibly_eligible: 2, Verdict.ineligible: 5}
    assert report.catalogue_version == 2 and report.as_of == AS_OF


def test_each_verdict_carries_its_reasons() -> None:
    results = _by_code(check(snapshot(), firm(), as_of=AS_OF, include_ineligible=True))
    grant = results["NB-RD-GRANT"]
    assert [(o.path, o.status) for o in grant.outcomes] == [
        ("jurisdiction", "pass"), ("criteria[0]", "pass"), ("criteria[1]", "pass")]
    assert grant.outcomes[1].value == pytest.approx(0.05)  # 3,000,000 / 60,000,000
    assert grant.estimated_benefit.amount == 300_000  # 10% of 3,000,000, under the 500,000 cap
    factory = results["NB-SMART-FACTORY"]
    assert factory.verdict is Verdict.possibly_eligible
    assert [item.text for item in factory.to_confirm] == [NOT_FUNDED_TWICE] and factory.missing == []
    implant = results["YZ-IMPLANT-AWARD"]
    assert implant.missing == ["invention_patents"] and implant.failing == []
    loan = results["CN-EXPORT-LOAN"]
    assert [(o.field, o.value, o.bound) for o in loan.failing] == [("export_share", 0.08, 0.2)]
    assert loan.failing[0].gap == pytest.approx(0.12)
    # Chengdu's measure fails twice: where the firm is registered, and 8% exports against 30%.
    assert [(o.path, o.field) for o in results["CD-EXPORT-AWARD"].failing] == [
        ("jurisdiction", "region"), ("criteria[0]", "export_share")]
    assert [o.field for o in results["NB-SOFTWARE-GRANT"].failing] == ["industries"]
    assert [o.field for o in results["NB-LG-AWARD"].failing] == ["designations.little_giant"]


def test_ineligible_measures_are_counted_but_not_reported_unless_asked_for() -> None:
    report = check(snapshot(), firm(), as_of=AS_OF)
    assert [result.code for result in report.results] == [
        "NB-RD-GRANT", "NB-OLD-VOUCHER", "YZ-IMPLANT-AWARD", "NB-SMART-FACTORY"]
    assert report.counts[Verdict.ineligible] == 5


def test_codes_restrict_the_report_to_those_measures_whatever_their_verdict() -> None:
    report = check(snapshot(), firm(), as_of=AS_OF, codes=["CD-EXPORT-AWARD", "NB-RD-GRANT", "CD-EXPORT-AWARD"])
    assert [result.code for result in report.results] == ["NB-RD-GRANT", "CD-EXPORT-AWARD"]  # once each, eligible first
    assert report.counts == {Verdict.eligible: 1, Verdict.possibly_eligible: 0, Verdict.ineligible: 1}
    assert report.next_question is None  # neither of these waits for anything


def test_unknown_codes_raise_naming_every_one() -> None:
    with pytest.raises(UnknownMeasures) as raised:
        check(snapshot(), firm(), as_of=AS_OF, codes=["NO-SUCH-ONE", "NB-RD-GRANT", "NO-SUCH-TWO"])
    assert raised.value.codes == ["NO-SUCH-ONE", "NO-SUCH-TWO"]
    assert "NO-SUCH-ONE" in str(raised.value)


def test_what_if_overrides_are_checked_instead_of_the_profile() -> None:
    profile = firm()
    crowded = _by_code(check(snapshot(), profile, as_of=AS_OF, overrides={"employees": 501},
                             codes=["NB-RD-GRANT", "NB-SMART-FACTORY"]))
    for code in ("NB-RD-GRANT", "NB-SMART-FACTORY"):  # both allow at most 500 staff
        assert crowded[code].verdict is Verdict.ineligible
        assert [(o.field, o.value, o.gap) for o in crowded[code].failing] == [("employees", 501, -1)]
    titled = _by_code(check(snapshot(), profile, as_of=AS_OF,
                            overrides={"designations": [{"designation": "little_giant"}], "invention_patents": 5}))
    assert {code for code, result in titled.items() if result.verdict is Verdict.eligible} >= {
        "NB-LG-AWARD", "NB-LG-TOPUP", "YZ-IMPLANT-AWARD"}
    assert profile.employees == 120 and profile.designations == [] and profile.invention_patents is None


def test_overrides_that_make_the_profile_invalid_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        check(snapshot(), firm(), as_of=AS_OF, overrides={"export_share": 1.5})  # a share above 100%


def test_the_next_question_and_the_near_misses() -> None:
    report = check(snapshot(), firm(), as_of=AS_OF, want_near_misses=True)
    assert report.next_question is not None and report.next_question.field == "invention_patents"
    assert report.next_question.measures == ["YZ-IMPLANT-AWARD"]
    assert report.near_misses == []  # 12 export points and three rungs are more than a year's reach
    near = check(snapshot(), firm(export_share=0.16, designations=[{"designation": "specialized_sme"}]),
                 as_of=AS_OF, want_near_misses=True)
    # Cheapest change first: exports 16% → 20% costs 0.25; a title costs one whole step, the bigger award first.
    # No number changes an industry (NB-SOFTWARE-GRANT) or the city a firm is in (CD-EXPORT-AWARD).
    assert [miss.code for miss in near.near_misses] == ["CN-EXPORT-LOAN", "NB-LG-AWARD", "NB-LG-TOPUP"]
    loan = near.near_misses[0]
    assert [(c.field, c.current, c.required) for c in loan.changes] == [("export_share", 0.16, 0.2)]
    assert all(miss.verdict_after is Verdict.eligible for miss in near.near_misses)
    assert check(snapshot(), firm(), as_of=AS_OF).near_misses == []  # only on request

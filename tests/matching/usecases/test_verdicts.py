"""`check`: verdicts with every reason, on the catalogue written by hand."""

import pytest

from matching.eligibility.rules import Verdict
from matching.errors import UnknownMeasures
from matching.usecases.verdicts import check
from tests.matching.catalogue_by_hand import AS_OF, firm, snapshot


def test_verdicts_with_their_reasons() -> None:
    report = check(snapshot(), firm(export_share=None), as_of=AS_OF, include_ineligible=True)
    by_code = {result.code: result for result in report.results}
    assert by_code["NB-RD-GRANT"].verdict is Verdict.eligible
    assert by_code["CN-EXPORT-LOAN"].verdict is Verdict.possibly_eligible
    assert by_code["CN-EXPORT-LOAN"].missing == ["export_share"]
    award = by_code["NB-LG-AWARD"]
    assert award.verdict is Verdict.ineligible
    assert [outcome.field for outcome in award.failing] == ["designations.little_giant"]


def test_ineligible_measures_are_left_out_unless_asked_for() -> None:
    codes = {result.code for result in check(snapshot(), firm(), as_of=AS_OF).results}
    assert "NB-LG-AWARD" not in codes and "NB-RD-GRANT" in codes


def test_codes_restrict_the_report_and_unknown_codes_are_named() -> None:
    report = check(snapshot(), firm(), as_of=AS_OF, codes=["NB-LG-AWARD"])
    assert [result.code for result in report.results] == ["NB-LG-AWARD"]
    with pytest.raises(UnknownMeasures) as raised:
        check(snapshot(), firm(), as_of=AS_OF, codes=["NB-LG-AWARD", "NO-SUCH-MEASURE"])
    assert raised.value.codes == ["NO-SUCH-MEASURE"]


def test_what_if_overrides() -> None:
    before = check(snapshot(), firm(), as_of=AS_OF, codes=["NB-RD-GRANT"]).results[0]
    after = check(snapshot(), firm(), as_of=AS_OF, codes=["NB-RD-GRANT"], overrides={"employees": 800}).results[0]
    assert before.verdict is Verdict.eligible and after.verdict is Verdict.ineligible  # at most 500 staff
    assert [outcome.field for outcome in after.failing] == ["employees"]

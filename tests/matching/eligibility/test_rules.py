"""The scalar reference evaluator: verdicts, reasons, boundaries and dates."""

import datetime as dt

from pydantic import TypeAdapter

from matching.eligibility.rules import Verdict, decisive, evaluate
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from policies.criteria import Criterion

CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])
TODAY = dt.date(2026, 11, 22)


def firm(**fields: object) -> FirmProfile:
    base: dict[str, object] = {"name": "温州测试阀门有限公司", "region": "330303", "industries": ["C3443"]}
    return FirmProfile.model_validate(base | fields)


def check(criteria: list[dict[str, object]], profile: FirmProfile, as_of: dt.date = TODAY):  # type: ignore[no-untyped-def]
    return evaluate(CRITERIA.validate_python(criteria), derive(profile, as_of))


RD_3PCT = [{"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.03}]


def test_boundary_is_inclusive_and_tolerates_division() -> None:
    assert check(RD_3PCT, firm(operating_revenue=10_000_000, rd_expense=300_000))[0] is Verdict.eligible
    verdict, outcomes = check(RD_3PCT, firm(operating_revenue=10_000_000, rd_expense=299_990))
    assert verdict is Verdict.ineligible
    assert outcomes[0].value == 0.029999
    assert outcomes[0].gap is not None and abs(outcomes[0].gap - 0.000001) < 1e-12
    # The value is printed apart from the bound: "3%" against "at least 3%" would hide why it fails.
    assert outcomes[0].reason == (
        "R&D ratio (last year) is 2.9999%; the requirement is at least 3% (0.0001 percentage points short)"
    )
    assert outcomes[0].reason_zh == "上年研发费用占营业收入比重为 2.9999%，要求不低于 3%（差 0.0001 个百分点）"


def test_missing_fact_is_unknown_and_names_the_field() -> None:
    verdict, outcomes = check(RD_3PCT, firm(operating_revenue=10_000_000))
    assert verdict is Verdict.possibly_eligible
    assert outcomes[0].status == "unknown"
    assert outcomes[0].field == "rd_ratio"


def test_an_unconfirmed_hand_checked_condition_leaves_the_verdict_open() -> None:
    verdict, outcomes = check([{"type": "manual", "text": "Main product ranks top 3 in China"}], firm())
    assert verdict is Verdict.possibly_eligible
    assert outcomes[0].status == "confirm"
    assert outcomes[0].condition is not None


def test_a_confirmed_condition_passes_for_that_measure_only() -> None:
    rule = CRITERIA.validate_python([{"type": "manual", "text": "The project is on the national list"}])
    key = rule[0].key
    confirmed = firm(confirmations=[{"measure": "CN-A", "condition": key, "confirmed_by": "advisor Li",
                                     "confirmed_on": "2026-11-01"}])
    assert evaluate(rule, derive(confirmed, TODAY), (), "CN-A")[0] is Verdict.eligible
    assert evaluate(rule, derive(confirmed, TODAY), (), "CN-B")[0] is Verdict.possibly_eligible
    # Confirmed after the date asked about: not yet confirmed then.
    assert evaluate(rule, derive(confirmed, dt.date(2026, 10, 31)), (), "CN-A")[0] is Verdict.possibly_eligible


def test_a_changed_wording_lapses_the_confirmation() -> None:
    old = CRITERIA.validate_python([{"type": "manual", "text": "The project is on the national list"}])
    new = CRITERIA.validate_python([{"type": "manual", "text": "The project is on the 2026 national list"}])
    confirmed = firm(confirmations=[{"measure": "CN-A", "condition": old[0].key, "confirmed_by": "the firm",
                                     "confirmed_on": "2026-11-01"}])
    assert evaluate(new, derive(confirmed, TODAY), (), "CN-A")[0] is Verdict.possibly_eligible


def test_not_previously_funded_is_declared_per_scheme() -> None:
    rule = CRITERIA.validate_python([{"type": "attestation", "attestation": "not_previously_funded"}])
    for_a = firm(scheme_attestations=[{"attestation": "not_previously_funded", "scheme": "CN-A"}])
    assert evaluate(rule, derive(for_a, TODAY), (), "CN-A")[0] is Verdict.eligible
    verdict, outcomes = evaluate(rule, derive(for_a, TODAY), (), "CN-B")
    assert verdict is Verdict.possibly_eligible
    assert outcomes[0].field == "attestations.not_previously_funded@CN-B"
    # A general declaration covers every scheme; a declaration true of every scheme needs no scheme.
    assert evaluate(rule, derive(firm(attestations=["not_previously_funded"]), TODAY), (), "CN-B")[0] is Verdict.eligible
    general = CRITERIA.validate_python([{"type": "attestation", "attestation": "tax_compliant"}])
    assert evaluate(general, derive(firm(attestations=["tax_compliant"]), TODAY), (), "CN-B")[0] is Verdict.eligible


def test_a_shared_scheme_is_declared_once_for_all_its_measures() -> None:
    rule = CRITERIA.validate_python([{"type": "attestation", "attestation": "not_previously_funded",
                                      "scheme": "SME-DEV-FUND"}])
    declared = firm(scheme_attestations=[{"attestation": "not_previously_funded", "scheme": "SME-DEV-FUND"}])
    assert evaluate(rule, derive(declared, TODAY), (), "CN-A")[0] is Verdict.eligible
    assert evaluate(rule, derive(declared, TODAY), (), "CN-B")[0] is Verdict.eligible


def test_any_of_takes_the_best_branch() -> None:
    # 2022 specialized SME: revenue ≥ 1000万, or new equity financing ≥ 2000万 (criteria.md §1.3).
    rule = [{"type": "any_of", "criteria": [
        {"type": "numeric", "field": "operating_revenue", "op": "gte", "value": 10_000_000},
        {"type": "numeric", "field": "new_equity_financing_2y", "op": "gte", "value": 20_000_000},
    ]}]
    assert check(rule, firm(operating_revenue=8_000_000, new_equity_financing_2y=20_000_000))[0] is Verdict.eligible
    assert check(rule, firm(operating_revenue=8_000_000))[0] is Verdict.possibly_eligible
    verdict, outcomes = check(rule, firm(operating_revenue=8_000_000, new_equity_financing_2y=5_000_000))
    assert verdict is Verdict.ineligible
    assert [leaf.status for leaf in decisive(outcomes, "fail")] == ["fail", "fail"]


def test_titles_expire_after_three_years_and_respect_award_dates() -> None:
    rule = [{"type": "designation", "designation": "little_giant", "awarded_from": "2026-01-01"}]
    fresh = firm(designations=[{"designation": "little_giant", "awarded": "2026-07-01"}])
    old = firm(designations=[{"designation": "little_giant", "awarded": "2023-07-01"}])
    expired = firm(designations=[{"designation": "little_giant", "awarded": "2022-07-01"}])
    undated = firm(designations=[{"designation": "little_giant"}])
    assert check(rule, fresh)[0] is Verdict.eligible
    assert check(rule, old)[0] is Verdict.ineligible  # held, but not first recognised in 2026
    assert check([{"type": "designation", "designation": "little_giant"}], expired)[0] is Verdict.ineligible
    assert check(rule, undated)[1][0].field == "designations.little_giant.awarded"


def test_not_held_and_region() -> None:
    rule = [{"type": "designation", "designation": "single_champion", "held": False},
            {"type": "region_in", "codes": ["330300"]}]
    assert check(rule, firm())[0] is Verdict.eligible
    assert check(rule, firm(region="330212"))[0] is Verdict.ineligible


def test_dated_criteria_apply_only_in_force() -> None:
    # 2026 regime: 3 years in the niche from 2026-04-01, 2 years before (criteria.md §1.3, §1.4).
    rule = [
        {"type": "numeric", "field": "years_in_niche", "op": "gte", "value": 2, "effective_to": "2026-03-31"},
        {"type": "numeric", "field": "years_in_niche", "op": "gte", "value": 3, "effective_from": "2026-04-01"},
    ]
    two_years = firm(years_in_niche=2)
    assert check(rule, two_years, dt.date(2026, 3, 31))[0] is Verdict.eligible
    assert check(rule, two_years, dt.date(2026, 4, 1))[0] is Verdict.ineligible


def test_size_class_and_attestation() -> None:
    rule = [{"type": "size_class", "classes": ["small", "medium"]},
            {"type": "attestation", "attestation": "no_serious_violation_3y"}]
    verdict, outcomes = check(rule, firm(employees=150, operating_revenue=50_000_000))
    assert verdict is Verdict.possibly_eligible
    assert outcomes[1].field == "attestations.no_serious_violation_3y"
    attested = firm(employees=150, operating_revenue=50_000_000, attestations=["no_serious_violation_3y"])
    assert check(rule, attested)[0] is Verdict.eligible
    assert check(rule, firm(employees=5, operating_revenue=50_000_000))[0] is Verdict.ineligible


def test_industry_exclusion() -> None:
    rule = [{"type": "industry_in", "codes": ["C34"], "exclude": True}]
    assert check(rule, firm())[0] is Verdict.ineligible
    assert check(rule, firm(industries=["C3581"]))[0] is Verdict.eligible
    assert check(rule, firm(industries=[]))[0] is Verdict.possibly_eligible


def test_only_decisive_reasons_are_reported() -> None:
    rule = [{"type": "any_of", "criteria": [
        {"type": "numeric", "field": "operating_revenue", "op": "gte", "value": 10_000_000},
        {"type": "numeric", "field": "new_equity_financing_2y", "op": "gte", "value": 20_000_000},
    ]}, {"type": "numeric", "field": "employees", "op": "lte", "value": 300}]
    verdict, outcomes = check(rule, firm(operating_revenue=20_000_000, new_equity_financing_2y=0))
    assert verdict is Verdict.possibly_eligible
    assert decisive(outcomes, "fail") == []  # the failing financing branch does not matter
    assert [o.field for o in decisive(outcomes, "unknown")] == ["employees"]
    _, failing = check(rule, firm(operating_revenue=1, new_equity_financing_2y=0, employees=10))
    assert [o.field for o in decisive(failing, "fail")] == ["operating_revenue", "new_equity_financing_2y"]


def test_every_kind_of_criterion_has_its_rule() -> None:
    """Rules are found by the criterion's class: a class added to the union without one would fail only
    when a catalogue first used it."""
    from typing import get_args

    from matching.eligibility.rules import _RULES

    classes = set(get_args(get_args(Criterion)[0]))
    assert classes and set(_RULES) == classes

"""POST /v1/eligibility on the sample catalogue."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from policies import keys
from policies.keys import Role
from tests.factories import example_firm as firm


@pytest.fixture
def portal(sample_engine: Engine) -> dict[str, str]:
    with Session(sample_engine) as session:
        _, plain = keys.create_key(session=session, role=Role.portal, label="test portal", actor="test")
    return {"X-API-Key": plain}



def test_needs_a_portal_key(sample_client: TestClient) -> None:
    response = sample_client.post("/v1/eligibility", json={"profile": firm("chengdu-longtan-robotics")})
    assert response.status_code == 401


def test_wenzhou_little_giant_award_for_a_fresh_little_giant(
    sample_client: TestClient, portal: dict[str, str]
) -> None:
    profile = firm("wenzhou-longwan-cryogenic-valves")
    body = {"profile": profile, "measures": ["ZJ-WZ-LITTLE-GIANT-FIRST-AWARD"], "as_of": "2026-11-22"}
    before = sample_client.post("/v1/eligibility", json=body, headers=portal).json()
    assert before["results"][0]["verdict"] == "ineligible"
    assert any(o["field"] == "designations.little_giant" for o in before["results"][0]["failing"])

    titles = [*profile.get("designations", []), {"designation": "little_giant", "awarded": "2025-09-01"}]  # type: ignore[list-item]
    after = sample_client.post("/v1/eligibility", json=body | {"overrides": {"designations": titles}},
                               headers=portal).json()
    assert after["results"][0]["verdict"] in ("eligible", "possibly_eligible")
    assert after["results"][0]["estimated_benefit"]["amount"] == 1_000_000


def test_whole_catalogue_for_the_longtan_robot_maker(sample_client: TestClient, portal: dict[str, str]) -> None:
    response = sample_client.post(
        "/v1/eligibility",
        json={"profile": firm("chengdu-longtan-robotics"), "as_of": "2026-11-22", "near_misses": True},
        headers=portal,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    shown = {r["code"]: r for r in report["results"]}
    assert report["counts"]["eligible"] + report["counts"]["possibly_eligible"] == len(shown)
    assert all(r["verdict"] != "ineligible" for r in shown.values())
    assert not any(code.startswith(("ZJ-", "GD-", "BJ-", "SH-")) for code in shown)  # other places' measures
    assert any(code.startswith("SC-") for code in shown)
    verdicts = [r["verdict"] for r in report["results"]]
    assert verdicts == sorted(verdicts, key=["eligible", "possibly_eligible"].index)
    for miss in report["near_misses"]:
        assert miss["verdict_after"] in ("eligible", "possibly_eligible")
        assert 1 <= len(miss["changes"]) <= 2


def test_bad_requests_name_the_field(sample_client: TestClient, portal: dict[str, str]) -> None:
    profile = firm("chengdu-digital-twin")
    cases = [
        ({"profile": profile, "overrides": {"turnover": 1}}, "body.overrides.turnover"),
        ({"profile": profile, "overrides": {"employees": -3}}, "body.overrides.employees"),
        ({"profile": profile, "measures": ["NO-SUCH-MEASURE"]}, "body.measures"),
        ({"profile": profile | {"uscc": "91510107MA61234567"}}, "body.profile.uscc"),
        ({"profile": profile | {"region": "519999"}}, "body.profile.region"),
    ]
    for body, field in cases:
        response = sample_client.post("/v1/eligibility", json=body, headers=portal)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [error["field"] for error in response.json()["errors"]], response.json()


def test_ladder_for_the_broaching_machine_maker(sample_client: TestClient, portal: dict[str, str]) -> None:
    response = sample_client.post(
        "/v1/assess", json={"profile": firm("zhejiang-broaching-machines"), "as_of": "2026-11-22"}, headers=portal
    )
    assert response.status_code == 200, response.text
    report = response.json()
    rungs = {r["assessment"]["rung"]: r for r in report["rungs"]}
    assert list(rungs) == ["tech_sme", "innovative_sme", "specialized_sme", "little_giant", "single_champion"]
    assert rungs["little_giant"]["assessment"]["held"] is True
    assert rungs["little_giant"]["unlocks"] == []  # a title already held unlocks nothing new
    assert report["next_rung"] == "single_champion"
    assert "2026" in rungs["specialized_sme"]["assessment"]["regime"]


def test_climbing_a_rung_unlocks_measures(sample_client: TestClient, portal: dict[str, str]) -> None:
    report = sample_client.post(
        "/v1/assess", json={"profile": firm("wenzhou-longwan-cryogenic-valves"), "as_of": "2026-11-22"},
        headers=portal,
    ).json()
    little_giant = next(r for r in report["rungs"] if r["assessment"]["rung"] == "little_giant")
    assert little_giant["unlock_value"] > 0
    assert all(u["verdict_after"] in ("eligible", "possibly_eligible") for u in little_giant["unlocks"])
    review = sample_client.post(
        "/v1/assess",
        json={"profile": firm("wenzhou-longwan-cryogenic-valves"), "as_of": "2026-11-22", "purpose": "review"},
        headers=portal,
    ).json()
    assert "2022" in next(r for r in review["rungs"] if r["assessment"]["rung"] == "little_giant")["assessment"]["regime"]


def _verdicts(client: TestClient, headers: dict[str, str], profile: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    body = {"profile": profile, "measures": codes, "as_of": "2026-11-22"}
    answer = client.post("/v1/eligibility", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return {result["code"]: result for result in answer.json()["results"]}


def test_a_title_the_firm_already_holds_is_not_recommended_again(sample_client: TestClient,
                                                                 portal: dict[str, str]) -> None:
    code = "CN-HIGH-TECH-ENTERPRISE-RECOGNITION"
    holder = firm("chengdu-longtan-robotics")  # high-tech enterprise since 2025-10-16
    result = _verdicts(sample_client, portal, holder, [code])[code]
    assert result["verdict"] == "ineligible"
    assert [o["field"] for o in result["failing"]] == ["designations.high_tech_enterprise"]
    # A certificate that has run out (three years) is not held: re-applying is what the firm should do.
    lapsed = holder | {"designations": [d | {"awarded": "2023-06-01"} if d["designation"] == "high_tech_enterprise"
                                        else d for d in holder["designations"]]}
    again = _verdicts(sample_client, portal, lapsed, [code])[code]
    assert "designations.high_tech_enterprise" not in [o["field"] for o in again["failing"]]


def test_a_first_time_award_is_for_this_year_s_batch_only(sample_client: TestClient, portal: dict[str, str]) -> None:
    code = "BJ-HAIDIAN-LITTLE-GIANT-FIRST-AWARD"
    base = firm("beijing-haidian-cae-solver")
    for awarded, first_time in (("2026-07-20", True), ("2024-07-15", False)):
        profile = base | {"region": "110108", "designations": [{"designation": "little_giant", "awarded": awarded}]}
        result = _verdicts(sample_client, portal, profile, [code])[code]
        failing = [o["field"] for o in result["failing"]]
        assert ("designations.little_giant.awarded" in failing) is not first_time, (awarded, result["failing"])

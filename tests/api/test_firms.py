"""Firms on file: tenancy, history, reverse matching and the drafting sandbox."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matching.catalogue.view import MeasureView
from matching.eligibility.rules import Verdict, evaluate
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ranking.benefit import estimate, ranking_value
from policies.importing.loader import read_directory
from policies.keys import Role
from policies.schemas import MeasureCreate, MeasureRecord
from tests.conftest import SAMPLE_DIR
from tests.factories import FIRMS, measure_data
from tests.factories import example_firm as firm
from tests.factories import key_headers as key


@pytest.fixture
def portals(sample_engine: Engine) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    return key(sample_engine, Role.portal, "ningbo"), key(sample_engine, Role.portal, "chengdu"), key(
        sample_engine, Role.curator, "bureau")


def store(client: TestClient, headers: dict[str, str], slug: str) -> dict[str, Any]:
    response = client.post("/v1/firms", json={"profile": firm(slug), "external_ref": slug,
                                              "provenance": {"employees": {"source": "registry",
                                                                           "as_of": "2026-06-30"}}},
                           headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_portal_sees_only_its_own_firms(sample_client: TestClient, portals: Any) -> None:
    ningbo, chengdu, _ = portals
    mine = store(sample_client, ningbo, "ningbo-cmf-titanium")
    store(sample_client, chengdu, "chengdu-longtan-robotics")
    assert [f["external_ref"] for f in sample_client.get("/v1/firms", headers=ningbo).json()["items"]] == [
        "ningbo-cmf-titanium"]
    assert sample_client.get(f"/v1/firms/{mine['id']}", headers=chengdu).status_code == 404
    assert sample_client.post("/v1/match", json={"firm_id": mine["id"]}, headers=chengdu).status_code == 404
    assert sample_client.delete(f"/v1/firms/{mine['id']}", headers=chengdu).status_code == 404
    matched = sample_client.post("/v1/match", json={"firm_id": mine["id"], "limit": 3}, headers=ningbo)
    assert matched.status_code == 200 and matched.json()["items"]
    both = sample_client.post("/v1/match", json={"firm_id": mine["id"], "profile": firm("ningbo-cmf-titanium")},
                              headers=ningbo)
    assert both.status_code == 422


def test_updates_need_if_match_and_history_is_kept(sample_client: TestClient, portals: Any) -> None:
    ningbo, _, _ = portals
    created = store(sample_client, ningbo, "ningbo-cmf-titanium")
    changed = {"profile": firm("ningbo-cmf-titanium") | {"employees": 200}, "external_ref": "ningbo-cmf-titanium"}
    url = f"/v1/firms/{created['id']}"
    assert sample_client.put(url, json=changed, headers=ningbo).status_code == 428
    assert sample_client.put(url, json=changed, headers=ningbo | {"If-Match": '"1"'}).status_code == 200
    assert sample_client.put(url, json=changed, headers=ningbo | {"If-Match": '"1"'}).status_code == 412
    assert sample_client.delete(url, headers=ningbo).status_code == 204
    assert sample_client.get(url, headers=ningbo).status_code == 404
    bad = sample_client.post("/v1/firms", json={"profile": firm("ningbo-cmf-titanium"),
                                                "provenance": {"turnover": {"source": "registry"}}}, headers=ningbo)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.provenance"


def test_candidates_for_a_measure(sample_client: TestClient, portals: Any) -> None:
    ningbo, chengdu, curator = portals
    for slug in ("chengdu-longtan-robotics", "chengdu-digital-twin", "chengdu-laser-tv-screen"):
        store(sample_client, chengdu, slug)
    store(sample_client, ningbo, "ningbo-cmf-titanium")
    url = "/v1/measures/SC-CH-ROBOT-BASE-EQUIPMENT/candidates"
    everyone = sample_client.get(url, headers=curator).json()
    assert [c["external_ref"] for c in everyone["items"]] == ["chengdu-longtan-robotics"]
    assert sum(everyone["counts"].values()) == 4
    assert sample_client.get(url, headers=ningbo).json()["items"] == []  # Ningbo's portal sees only its firm
    exported = sample_client.get(url, params={"format": "csv"}, headers=curator)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["external_ref"] for row in rows] == ["chengdu-longtan-robotics"]
    assert exported.headers["X-Total-Count"] == "1"
    national = sample_client.get("/v1/measures/CN-TECH-GUARANTEE-TIER40/candidates",
                                 params={"verdict": ["eligible", "possibly_eligible", "ineligible"]},
                                 headers=curator).json()
    assert national["total"] == 4
    assert sample_client.get("/v1/measures/NOPE-X/candidates", headers=curator).status_code == 404


def test_sandbox_counts_equal_a_brute_force_count(sample_client: TestClient, portals: Any) -> None:
    _, chengdu, curator = portals
    slugs = sorted(path.stem for path in FIRMS.glob("*.yaml"))
    for slug in slugs:
        store(sample_client, chengdu, slug)
    draft = measure_data(
        code="DRAFT-TEST", jurisdiction=["000000"], industries=[],
        criteria=[{"type": "numeric", "field": "employees", "op": "lte", "value": 300},
                  {"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.03}],
        benefit={"kind": "percentage", "rate": 0.2, "base": "rd_expense", "cap": 1_000_000},
    )
    body = {"measure": draft, "sweep": {"path": 0, "values": [100, 300, 500, 1000]}}
    result = sample_client.post("/v1/measures/preview", json=body, headers=curator)
    assert result.status_code == 200, result.text
    preview = result.json()
    view = MeasureView.from_record(MeasureCreate.model_validate(draft))
    today = dt.date.today()
    verdicts = [evaluate(view.criteria, derive(FirmProfile.model_validate(firm(slug)), today), view.jurisdiction)[0]
                for slug in slugs]
    assert preview["firms"] == len(slugs)
    assert preview["counts"] == {v.value: verdicts.count(v) for v in Verdict}
    point_300 = next(p for p in preview["sweep"] if p["value"] == 300)
    assert point_300["change"] == 0
    widened = [p["eligible"] + p["possibly_eligible"] for p in preview["sweep"]]
    assert widened == sorted(widened)  # a looser employee ceiling never excludes more firms
    assert preview["excluded_by"][0]["fails"] >= preview["excluded_by"][-1]["fails"]
    bad = sample_client.post("/v1/measures/preview", json=body | {"sweep": {"path": 5, "values": [1]}},
                             headers=curator)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.sweep.path"
    assert sample_client.post("/v1/measures/preview", json=body, headers=chengdu).status_code == 403


def test_candidates_rank_every_firm_as_the_scalar_reference_does(sample_client: TestClient, portals: Any) -> None:
    """Column-wise ranking of all firms, explanation of the page only: both agree with one firm at a time."""
    _, chengdu, curator = portals
    slugs = sorted(path.stem for path in FIRMS.glob("*.yaml"))
    for slug in slugs:
        store(sample_client, chengdu, slug)
    code = "CN-TECH-GUARANTEE-TIER40"
    measure = next(MeasureView.from_record(MeasureRecord.model_validate(record))
                   for record in read_directory(SAMPLE_DIR) if record["code"] == code)
    everyone = [Verdict.eligible.value, Verdict.possibly_eligible.value, Verdict.ineligible.value]
    found = sample_client.get(f"/v1/measures/{code}/candidates", params={"verdict": everyone, "limit": 500},
                              headers=curator).json()
    today = dt.date.today()
    expected = {}
    for slug in slugs:
        facts = derive(FirmProfile.model_validate(firm(slug)), today)
        verdict = evaluate(measure.criteria, facts, measure.jurisdiction)[0]
        expected[slug] = (verdict.value, ranking_value(estimate(measure.benefit, facts)))
    assert found["total"] == len(slugs) == len(found["items"])
    order = {Verdict.eligible.value: 0, Verdict.possibly_eligible.value: 1, Verdict.ineligible.value: 2}
    keys = []
    for item in found["items"]:
        verdict, value = expected[item["external_ref"]]
        assert item["verdict"] == verdict
        assert float(item["estimated_benefit"]["expected"]) == value  # what ranking_value compares
        keys.append((order[verdict], -value))
    assert keys == sorted(keys)
    paged = sample_client.get(f"/v1/measures/{code}/candidates",
                              params={"verdict": everyone, "offset": 5, "limit": 7}, headers=curator).json()
    assert paged["items"] == found["items"][5:12]


def test_a_stored_firm_keeps_its_confirmations_with_its_history(sample_client: TestClient, portals: Any) -> None:
    """Confirming a hand-checked condition on a stored firm turns its verdict, and the history shows who and when."""
    _, chengdu, curator = portals
    profile = firm("chengdu-longtan-robotics")
    unconfirmed = profile | {"confirmations": []}
    created = sample_client.post("/v1/firms", json={"profile": unconfirmed, "external_ref": "longtan"},
                                 headers=chengdu).json()
    url = f"/v1/firms/{created['id']}"
    code = "SC-CH-ROBOT-BASE-EQUIPMENT"

    def verdict() -> str:
        answer = sample_client.post("/v1/match", json={"firm_id": created["id"], "limit": 100}, headers=chengdu)
        assert answer.status_code == 200, answer.text
        return str(next(item["verdict"] for item in answer.json()["items"] if item["code"] == code))

    assert verdict() == "possibly_eligible"
    changed = {"profile": profile, "external_ref": "longtan"}  # the example's confirmation of the base agreement
    assert sample_client.put(url, json=changed, headers=chengdu | {"If-Match": '"1"'}).status_code == 200
    assert verdict() == "eligible"
    history = sample_client.get(f"{url}/history", headers=chengdu).json()
    text = str(history)
    assert "Chenghua district investment promotion office" in text and "confirmations" in text
    found = sample_client.get(f"/v1/measures/{code}/candidates", params={"verdict": "eligible"}, headers=curator)
    assert [item["external_ref"] for item in found.json()["items"]] == ["longtan"]

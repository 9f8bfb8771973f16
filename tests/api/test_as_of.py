"""`as_of` on every route and MCP tool that evaluates: a firm judged as of another date, a bad date a 422 by name."""

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matching.catalogue.view import MeasureView
from matching.eligibility.rules import evaluate
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from policies.importing.loader import read_directory
from policies.keys import Role
from policies.schemas import MeasureRecord
from tests.conftest import SAMPLE_DIR
from tests.factories import example_firm, key_headers

CODE = "CN-HIGH-TECH-ENTERPRISE-RECOGNITION"
EVERY_VERDICT = ["eligible", "possibly_eligible", "ineligible"]
BAD_DATES = ["0", "20261122", "2026-13-01", "1899-12-31", "tomorrow"]


def _young(profile: dict[str, Any]) -> dict[str, Any]:
    """Registered a year before the test date, and not yet a high-tech enterprise (the measure refuses holders)."""
    titles = [item for item in profile["designations"] if item["designation"] != "high_tech_enterprise"]
    return profile | {"founded": "2025-11-22", "designations": titles}


def test_candidates_as_of_another_date_judge_the_firms_on_that_date(sample_client: TestClient,
                                                                     sample_engine: Engine) -> None:
    portal = key_headers(sample_engine, Role.portal, "as-of")
    profile = _young(example_firm("chengdu-longtan-robotics"))
    assert sample_client.post("/v1/firms", json={"profile": profile, "external_ref": "young"},
                              headers=portal).status_code == 201
    measure = next(MeasureView.from_record(MeasureRecord.model_validate(record))
                   for record in read_directory(SAMPLE_DIR) if record["code"] == CODE)
    url = f"/v1/measures/{CODE}/candidates"
    verdicts = []
    for day in ("2026-11-21", "2026-11-22", "2026-11-21"):  # back again: the other date's slot is rebuilt
        answer = sample_client.get(url, params={"as_of": day, "verdict": EVERY_VERDICT}, headers=portal)
        assert answer.status_code == 200, answer.text
        assert answer.json()["as_of"] == day
        facts = derive(FirmProfile.model_validate(profile), dt.date.fromisoformat(day))
        expected = evaluate(measure.criteria, facts, measure.jurisdiction, CODE)[0]
        assert [item["verdict"] for item in answer.json()["items"]] == [expected.value]
        verdicts.append(expected)
    assert verdicts[0] != verdicts[1]  # one day short of "registered for at least one year"
    today = sample_client.get(url, params={"verdict": EVERY_VERDICT}, headers=portal).json()
    assert today["as_of"] == dt.date.today().isoformat()


@pytest.mark.parametrize("bad", BAD_DATES)
def test_a_bad_as_of_on_candidates_is_a_422_naming_it(sample_client: TestClient, sample_engine: Engine,
                                                       bad: str) -> None:
    curator = key_headers(sample_engine, Role.curator, "bureau")
    response = sample_client.get(f"/v1/measures/{CODE}/candidates", params={"as_of": bad}, headers=curator)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "query.as_of"


def test_candidates_ask_for_a_key_before_building_anything(sample_client: TestClient) -> None:
    response = sample_client.get(f"/v1/measures/{CODE}/candidates", params={"as_of": "2020-01-01"})
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/v1/match", {"profile": example_firm("ningbo-cmf-titanium")}),
    ("POST", "/v1/eligibility", {"profile": example_firm("ningbo-cmf-titanium")}),
    ("POST", "/v1/assess", {"profile": example_firm("ningbo-cmf-titanium")}),
    ("POST", "/v1/ask", {"question": "温州 小巨人 奖励"}),
    ("GET", "/v1/search", None),
])
def test_a_string_of_digits_is_not_a_date_on_any_route(sample_client: TestClient, sample_engine: Engine,
                                                       method: str, path: str, body: dict[str, Any] | None) -> None:
    """Pydantic reads "0" as 1970-01-01 (seconds since the epoch); every as_of refuses it by name."""
    portal = key_headers(sample_engine, Role.portal, "digits")
    if body is None:
        response = sample_client.get(path, params={"q": "robot", "as_of": "0"}, headers=portal)
        field = "query.as_of"
    else:
        response = sample_client.request(method, path, json=body | {"as_of": "0"}, headers=portal)
        field = "body.as_of"
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


class Mcp:
    """A minimal streamable-HTTP MCP client over the test client: initialize once, then call tools."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers | {"Accept": "application/json, text/event-stream"}
        opened = self._post({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}})
        self.headers["mcp-session-id"] = opened.headers["mcp-session-id"]
        self._post({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def _post(self, message: dict[str, Any]) -> Any:
        response = self.client.post("/mcp/", json=message, headers=self.headers)
        assert response.status_code in (200, 202), response.text
        return response

    def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        response = self._post({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                               "params": {"name": tool, "arguments": arguments}})
        data = next(line for line in response.text.splitlines() if line.startswith("data: "))
        result: dict[str, Any] = json.loads(data.removeprefix("data: "))["result"]
        return result


@pytest.fixture
def mcp(sample_client: TestClient, sample_engine: Engine) -> Mcp:
    return Mcp(sample_client, key_headers(sample_engine, Role.portal, "chatbot"))


def test_mcp_tools_judge_as_of_the_date_given(mcp: Mcp, sample_client: TestClient, sample_engine: Engine) -> None:
    """check_eligibility as of a date says what /v1/eligibility says for that date."""
    profile = example_firm("chengdu-longtan-robotics") | {"founded": "2025-11-22"}
    portal = key_headers(sample_engine, Role.portal, "portal")
    for day in ("2026-11-21", "2026-11-22"):
        tool = mcp.call("check_eligibility", {"profile": profile, "codes": [CODE], "as_of": day})
        assert not tool["isError"], tool
        route = sample_client.post("/v1/eligibility", json={"profile": profile, "measures": [CODE], "as_of": day},
                                   headers=portal).json()
        assert [(line["code"], line["verdict"], line["missing"]) for line in tool["structuredContent"]["result"]] == [
            (item["code"], item["verdict"], item["missing"]) for item in route["results"]]
    for tool_name, arguments in (("match_firm", {"profile": profile, "limit": 3}),
                                 ("assess_ladder", {"profile": profile}),
                                 ("search_measures", {"query": "温州 小巨人 奖励", "open_now": True})):
        answer = mcp.call(tool_name, arguments | {"as_of": "2026-11-22"})
        assert not answer["isError"], (tool_name, answer)


@pytest.mark.parametrize("tool", ["match_firm", "check_eligibility", "assess_ladder", "search_measures"])
def test_a_bad_as_of_is_a_tool_error_naming_it(mcp: Mcp, tool: str) -> None:
    arguments: dict[str, Any] = {"query": "robot"} if tool == "search_measures" else {
        "profile": example_firm("ningbo-cmf-titanium")}
    for bad in BAD_DATES:
        answer = mcp.call(tool, arguments | {"as_of": bad})
        assert answer["isError"], (tool, bad)
        assert "as_of" in answer["content"][0]["text"]

"""Outcomes a portal records for its firms: validation, tenancy, corrections that lose nothing, audit and history."""

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from policies.keys import Role
from policies.models import AuditEvent
from tests.api.test_as_of import Mcp
from tests.factories import example_firm as firm
from tests.factories import key_headers as key

AWARD = "SC-CD-LITTLE-GIANT-AWARD-2026"
APPLIED = {"measure_code": AWARD, "event": "applied", "occurred_on": "2026-11-20"}


@pytest.fixture
def portals(sample_engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    return key(sample_engine, Role.portal, "chengdu"), key(sample_engine, Role.portal, "ningbo")


def _firm(client: TestClient, headers: dict[str, str], slug: str = "chengdu-longtan-robotics") -> str:
    response = client.post("/v1/firms", json={"profile": firm(slug)}, headers=headers)
    assert response.status_code == 201, response.text
    return f"/v1/firms/{response.json()['id']}"


def _record(client: TestClient, url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post(f"{url}/outcomes", json=body, headers=headers)


def test_a_portal_records_lists_and_reads_its_firms_outcomes(sample_client: TestClient, portals: Any) -> None:
    chengdu, _ = portals
    url = _firm(sample_client, chengdu)
    applied = _record(sample_client, url, chengdu, APPLIED)
    assert applied.status_code == 201, applied.text
    assert applied.headers["ETag"] == '"1"' and applied.headers["Location"] == f"{url}/outcomes/{applied.json()['id']}"
    awarded = _record(sample_client, url, chengdu, {"measure_code": "CN-RD-SUPER-DEDUCTION", "event": "awarded",
                                                    "occurred_on": "2026-05-31", "amount_yuan": "1234567.5"})
    assert awarded.status_code == 201, awarded.text
    assert awarded.json()["amount_yuan"] == "1234567.50" and awarded.json()["source"] == "portal"
    listed = sample_client.get(f"{url}/outcomes", headers=chengdu)
    assert [item["event"] for item in listed.json()] == ["awarded", "applied"]  # in the order they happened
    one = sample_client.get(f"{url}/outcomes/{applied.json()['id']}", headers=chengdu)
    assert one.json() == applied.json() and one.headers["ETag"] == '"1"'


def test_another_portal_neither_sees_nor_writes_them(sample_client: TestClient, portals: Any) -> None:
    chengdu, ningbo = portals
    url = _firm(sample_client, chengdu)
    outcome = _record(sample_client, url, chengdu, APPLIED).json()
    theirs = _firm(sample_client, ningbo, "ningbo-cmf-titanium")
    assert _record(sample_client, url, ningbo, APPLIED).status_code == 404
    assert sample_client.get(f"{url}/outcomes", headers=ningbo).status_code == 404
    assert sample_client.get(f"{url}/outcomes/{outcome['id']}", headers=ningbo).status_code == 404
    assert sample_client.put(f"{url}/outcomes/{outcome['id']}", json=APPLIED,
                             headers=ningbo | {"If-Match": '"1"'}).status_code == 404
    # Nor through a firm of its own: the outcome belongs to the firm in the path.
    assert sample_client.get(f"{theirs}/outcomes/{outcome['id']}", headers=ningbo).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    (APPLIED | {"amount_yuan": "5000"}, "body.amount_yuan"),
    (APPLIED | {"reason": "missed the deadline"}, "body.reason"),
    (APPLIED | {"occurred_on": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "body.occurred_on"),
    (APPLIED | {"occurred_on": "1999-12-31"}, "body.occurred_on"),
    (APPLIED | {"event": "won"}, "body.event"),
    (APPLIED | {"measure_code": "NO-SUCH-MEASURE"}, "body.measure_code"),
    (APPLIED | {"measure_code": "not a code"}, "body.measure_code"),
    ({"measure_code": AWARD, "event": "awarded", "occurred_on": "2026-11-30", "amount_yuan": "-1"},
     "body.amount_yuan"),
    ({"measure_code": AWARD, "event": "awarded", "occurred_on": "2026-11-30", "amount_yuan": "0.001"},
     "body.amount_yuan"),
    (APPLIED | {"firm": 3}, "body.firm"),
])
def test_what_cannot_be_true_is_refused_naming_the_field(sample_client: TestClient, portals: Any,
                                                          body: dict[str, Any], field: str) -> None:
    chengdu, _ = portals
    url = _firm(sample_client, chengdu)
    refused = _record(sample_client, url, chengdu, body)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in refused.json()["errors"]], refused.json()
    assert sample_client.get(f"{url}/outcomes", headers=chengdu).json() == []


def test_reasons_and_amounts_where_they_belong(sample_client: TestClient, portals: Any) -> None:
    chengdu, _ = portals
    url = _firm(sample_client, chengdu)
    for event in ("rejected", "withdrawn", "not_pursued"):
        assert _record(sample_client, url, chengdu, APPLIED | {"event": event, "reason": "材料不全"}).status_code == 201
    title = _record(sample_client, url, chengdu, {"measure_code": AWARD, "event": "awarded", "occurred_on": "2026-12-01"})
    assert title.status_code == 201 and title.json()["amount_yuan"] is None  # an award that is a title, no cash


def test_an_archived_measure_can_still_have_outcomes(sample_client: TestClient, portals: Any,
                                                   sample_engine: Engine) -> None:
    chengdu, _ = portals
    curator = key(sample_engine, Role.curator, "bureau")
    detail = sample_client.get(f"/v1/measures/{AWARD}")
    archived = sample_client.post(f"/v1/measures/{AWARD}/status", json={"status": "archived"},
                                 headers=curator | {"If-Match": detail.headers["ETag"]})
    assert archived.status_code == 200, archived.text
    assert _record(sample_client, _firm(sample_client, chengdu), chengdu, APPLIED).status_code == 201


def test_a_correction_names_its_revision_and_keeps_the_old_version(sample_client: TestClient, portals: Any,
                                                                    sample_engine: Engine) -> None:
    chengdu, _ = portals
    url = _firm(sample_client, chengdu)
    outcome = _record(sample_client, url, chengdu, APPLIED | {"occurred_on": "2026-11-02"}).json()
    at = f"{url}/outcomes/{outcome['id']}"
    assert sample_client.put(at, json=APPLIED, headers=chengdu).status_code == 428
    corrected = sample_client.put(at, json=APPLIED, headers=chengdu | {"If-Match": '"1"'})
    assert corrected.status_code == 200 and corrected.json()["occurred_on"] == "2026-11-20"
    assert corrected.headers["ETag"] == '"2"'
    stale = sample_client.put(at, json=APPLIED | {"event": "withdrawn"}, headers=chengdu | {"If-Match": '"1"'})
    assert stale.status_code == 412
    history = sample_client.get(f"{url}/history", headers=chengdu).json()
    assert [entry["action"] for entry in history] == ["create", "outcome.record", "outcome.correct"]
    assert [entry["outcome"]["occurred_on"] for entry in history[1:]] == ["2026-11-02", "2026-11-20"]
    assert history[0]["outcome"] is None and history[1]["profile"] is None
    with Session(sample_engine) as session:
        events = session.exec(select(AuditEvent).where(col(AuditEvent.action).startswith("firm.outcome."))
                              .order_by(col(AuditEvent.id))).all()
    assert [(event.action, event.entity_ref, event.detail["revision"]) for event in events] == [
        ("firm.outcome.record", str(outcome["id"]), 1), ("firm.outcome.correct", str(outcome["id"]), 2)]
    assert all(event.actor.startswith("chengdu") for event in events)


def test_refusals_speak_the_readers_language(sample_client: TestClient, portals: Any) -> None:
    chengdu, _ = portals
    url = _firm(sample_client, chengdu)
    refused = sample_client.post(f"{url}/outcomes", json=APPLIED | {"amount_yuan": "5000"},
                                 headers=chengdu | {"Accept-Language": "zh-CN"})
    assert "只有获批（awarded）结果才填写金额" in refused.json()["detail"], refused.json()
    unknown = sample_client.post(f"{url}/outcomes", json=APPLIED | {"measure_code": "NO-SUCH-MEASURE"},
                                 headers=chengdu | {"Accept-Language": "zh-CN"})
    assert unknown.json()["title"] == "未知政策" and "NO-SUCH-MEASURE" in unknown.json()["detail"]


def test_a_chatbot_notes_that_a_firm_is_not_interested(sample_client: TestClient, portals: Any,
                                                       sample_engine: Engine) -> None:
    chengdu, ningbo = portals
    url = _firm(sample_client, chengdu)
    firm_id = int(url.rsplit("/", 1)[1])
    noted = Mcp(sample_client, chengdu).call("record_not_interested", {
        "firm_id": firm_id, "measure_code": AWARD, "reason": "暂无扩产计划"})
    assert not noted["isError"], noted
    recorded = sample_client.get(f"{url}/outcomes", headers=chengdu).json()
    assert [(o["event"], o["source"], o["reason"], o["occurred_on"]) for o in recorded] == [
        ("not_pursued", "chatbot", "暂无扩产计划", dt.date.today().isoformat())]
    with Session(sample_engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "firm.outcome.record")).one()
    assert event.actor.startswith("chengdu (key ")
    # Another portal's key cannot write to this firm; a code the catalogue never held is named; both in Chinese.
    theirs = Mcp(sample_client, ningbo | {"Accept-Language": "zh-CN"})
    refused = theirs.call("record_not_interested", {"firm_id": firm_id, "measure_code": AWARD})
    assert refused["isError"] and f"不存在 ID 为 {firm_id} 的企业" in refused["content"][0]["text"], refused
    unknown = Mcp(sample_client, chengdu | {"Accept-Language": "zh-CN"}).call(
        "record_not_interested", {"firm_id": firm_id, "measure_code": "NO-SUCH-MEASURE"})
    assert unknown["isError"] and "'NO-SUCH-MEASURE' 不是政策目录" in unknown["content"][0]["text"], unknown
    malformed = Mcp(sample_client, chengdu).call("record_not_interested", {"firm_id": firm_id, "measure_code": "x y"})
    assert malformed["isError"] and "measure_code" in malformed["content"][0]["text"], malformed
    assert len(sample_client.get(f"{url}/outcomes", headers=chengdu).json()) == 1


def test_match_results_carry_what_firms_on_file_got_once_enough_of_them_applied(sample_client: TestClient,
                                                                                 portals: Any) -> None:
    chengdu, ningbo = portals
    profile = firm("chengdu-longtan-robotics")
    asked = {"profile": profile, "as_of": "2026-11-22", "limit": 3}
    first = sample_client.post("/v1/match", json=asked, headers=chengdu).json()["items"][0]
    assert first["evidence"] is None
    awarded = {"measure_code": first["code"], "event": "awarded", "occurred_on": "2026-11-30"}
    urls = [_firm(sample_client, ningbo if i % 2 else chengdu) for i in range(5)]  # firms like it, two portals
    for i, url in enumerate(urls[:4]):
        headers = ningbo if i % 2 else chengdu
        assert _record(sample_client, url, headers, awarded | {"amount_yuan": str(100_000 * (i + 1))}
                       ).status_code == 201
    four = sample_client.post("/v1/match", json=asked, headers=chengdu).json()["items"][0]
    assert four["code"] == first["code"] and four["evidence"] is None  # four firms: below the minimum group
    assert _record(sample_client, urls[4], chengdu, awarded | {"amount_yuan": "500000"}).status_code == 201
    five = sample_client.post("/v1/match", json=asked, headers=chengdu).json()["items"][0]["evidence"]
    assert five["overall"] == five["similar"] == {
        "firms": 5, "decided": 5, "awarded": 5, "success_rate": 1.0, "awarded_median_yuan": "300000.00",
        "awarded_low_yuan": "100000.00", "awarded_high_yuan": "500000.00"}
    assert five["min_group"] == 5 and five["peers"]["section"] == "C"
    lines = Mcp(sample_client, ningbo).call("match_firm", {"profile": profile, "as_of": "2026-11-22", "limit": 3})
    assert lines["structuredContent"]["result"][0]["evidence"] == five  # a chatbot is told the same
    # A firm of another size sees the overall figures, not a group it does not belong to.
    other = {"profile": profile | {"employees": 15, "operating_revenue": 9_000_000}, "as_of": "2026-11-22",
             "limit": 50}
    items = sample_client.post("/v1/match", json=other, headers=chengdu).json()["items"]
    shown = next(item["evidence"] for item in items if item["code"] == first["code"])
    assert shown["overall"]["firms"] == 5 and shown["similar"] is None

"""Webhooks: signed deliveries about a portal's firms, retries, and the change feed."""

import datetime as dt
import json
import threading
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from matching.notifications import delivery, dispatcher, fanout, signing
from matching.store.catalogue import CatalogueHolder
from matching.text.embeddings import Encoder
from policies.db import utcnow
from policies.keys import Role
from tests.factories import example_firm as firm
from tests.factories import key_headers as key
from tests.factories import measure_data
from tests.webhook_receiver import receiver

LOOPBACK = delivery.DeliveryPolicy(allow_private=True)  # the receivers below listen on 127.0.0.1
CHENGHUA_AWARD = measure_data(
    code="SC-CH-TEST-ROBOT-AWARD", title_en="Chenghua test award for robot makers", jurisdiction=["510108"],
    industries=["C34"], criteria=[{"type": "industry_in", "codes": ["C34"]}],
    window={"mode": "rolling"}, benefit={"kind": "fixed", "amount": 300_000},
)




def publish(client: TestClient, curator: dict[str, str], data: dict[str, Any]) -> None:
    assert client.post("/v1/measures", json=data, headers=curator).status_code == 201
    for status in ("in_review", "published"):
        moved = client.post(f"/v1/measures/{data['code']}/status", json={"status": status}, headers=curator)
        assert moved.status_code == 200, moved.text


def dispatch(engine: Engine, encoder: Encoder, now: dt.datetime | None = None) -> tuple[int, int]:
    with httpx.Client(timeout=5) as http:
        return dispatcher.run_once(engine, CatalogueHolder(encoder), http, now, LOOPBACK)


def test_a_published_measure_reaches_the_portal_whose_firm_qualifies(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    chengdu, ningbo = key(sample_engine, Role.portal, "chengdu"), key(sample_engine, Role.portal, "ningbo")
    curator = key(sample_engine, Role.curator, "bureau")
    robot = sample_client.post("/v1/firms", json={"profile": firm("chengdu-longtan-robotics")}, headers=chengdu)
    sample_client.post("/v1/firms", json={"profile": firm("ningbo-cmf-titanium")}, headers=ningbo)
    with receiver() as chengdu_hook, receiver() as ningbo_hook:
        created = sample_client.post("/v1/webhooks", json={"url": chengdu_hook.url}, headers=chengdu).json()
        sample_client.post("/v1/webhooks", json={"url": ningbo_hook.url}, headers=ningbo)
        dispatch(sample_engine, encoder)  # catch up on everything before the publish
        chengdu_hook.received.clear()
        publish(sample_client, curator, CHENGHUA_AWARD)
        dispatch(sample_engine, encoder)
        assert len(chengdu_hook.received) == 1 and ningbo_hook.received == []
        arrived = chengdu_hook.received[0]
        assert signing.verify(created["secret"], arrived.headers["X-Supportmatch-Timestamp"], arrived.body,
                               arrived.headers["X-Supportmatch-Signature"])
        assert not signing.verify("a-wrong-secret-of-16+", arrived.headers["X-Supportmatch-Timestamp"],
                                   arrived.body, arrived.headers["X-Supportmatch-Signature"])
        assert not signing.verify(created["secret"], arrived.headers["X-Supportmatch-Timestamp"],
                                   arrived.body + b" ", arrived.headers["X-Supportmatch-Signature"])
        body = json.loads(arrived.body)
        assert body["event"] == "measure.published" and body["code"] == "SC-CH-TEST-ROBOT-AWARD"
        assert (body["title_en"], body["title_zh"]) == (CHENGHUA_AWARD["title_en"], CHENGHUA_AWARD["title_zh"])
        assert body["firms"] == [{"firm_id": robot.json()["id"], "verdict": "eligible"}]
        dispatch(sample_engine, encoder)
        assert len(chengdu_hook.received) == 1  # fan-out is not repeated


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    chengdu, curator = key(sample_engine, Role.portal, "chengdu"), key(sample_engine, Role.curator, "bureau")
    sample_client.post("/v1/firms", json={"profile": firm("chengdu-longtan-robotics")}, headers=chengdu)
    with receiver(fail_first=2) as hook:
        hook_id = sample_client.post("/v1/webhooks", json={"url": hook.url}, headers=chengdu).json()["id"]
        publish(sample_client, curator, CHENGHUA_AWARD)
        start = utcnow()
        assert dispatch(sample_engine, encoder, start)[1] == 0
        assert dispatch(sample_engine, encoder, start + dt.timedelta(seconds=1))[1] == 0  # backoff not over
        assert dispatch(sample_engine, encoder, start + delivery.backoff(1))[1] == 0
        assert dispatch(sample_engine, encoder, start + delivery.backoff(1) + delivery.backoff(2))[1] == 1
        assert len(hook.received) == 1 and hook.attempts == 3
    log = sample_client.get(f"/v1/webhooks/{hook_id}/deliveries", headers=chengdu).json()
    mine = [d for d in log if d["topic"] == "measure.published"]
    assert mine[0]["status"] == "delivered" and mine[0]["attempts"] == 3
    assert [entry["status"] for entry in mine[0]["log"]] == [503, 503, 204]


def test_a_profile_change_that_flips_verdicts_is_announced(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    chengdu = key(sample_engine, Role.portal, "chengdu")
    created = sample_client.post("/v1/firms", json={"profile": firm("chengdu-longtan-robotics")}, headers=chengdu)
    with receiver() as hook:
        sample_client.post("/v1/webhooks", json={"url": hook.url}, headers=chengdu)
        dispatch(sample_engine, encoder)
        hook.received.clear()
        moved = firm("chengdu-longtan-robotics") | {"region": "330302"}  # the firm moves to Wenzhou
        sample_client.put(f"/v1/firms/{created.json()['id']}", json={"profile": moved},
                          headers=chengdu | {"If-Match": '"1"'})
        dispatch(sample_engine, encoder)
        assert len(hook.received) == 1
        body = json.loads(hook.received[0].body)
        assert body["event"] == "firm.verdicts_changed"
        flipped = {change["code"]: change for change in body["changes"]}
        assert flipped["SC-CH-ROBOT-BASE-EQUIPMENT"]["after"] == "ineligible"


def test_change_feed(client: TestClient, curator: dict[str, str]) -> None:
    publish(client, curator, measure_data(code="SH-FEED-ONE"))
    client.post("/v1/measures", json=measure_data(code="SH-FEED-DRAFT"), headers=curator)
    everything = client.get("/v1/changes", headers=curator).json()
    assert [(c["code"], c["topic"]) for c in everything["changes"]] == [
        ("SH-FEED-ONE", "measure.create"), ("SH-FEED-ONE", "measure.in_review"),
        ("SH-FEED-ONE", "measure.published"), ("SH-FEED-DRAFT", "measure.create")]
    public = client.get("/v1/changes").json()
    assert [(c["code"], c["status"]) for c in public["changes"]] == [("SH-FEED-ONE", "published")]
    assert public["changes"][0]["title_zh"] == measure_data()["title_zh"]  # a portal shows its users the name
    assert {c["title_en"] for c in everything["changes"]} == {measure_data()["title_en"]}
    page = client.get("/v1/changes", params={"since": everything["changes"][1]["id"], "limit": 1},
                      headers=curator).json()
    assert [c["topic"] for c in page["changes"]] == ["measure.published"]
    after = client.get("/v1/changes", params={"since": page["next_cursor"]}, headers=curator).json()
    assert [c["code"] for c in after["changes"]] == ["SH-FEED-DRAFT"]


def test_a_window_about_to_close_is_announced_once(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    chengdu, curator = key(sample_engine, Role.portal, "chengdu"), key(sample_engine, Role.curator, "bureau")
    sample_client.post("/v1/firms", json={"profile": firm("chengdu-longtan-robotics")}, headers=chengdu)
    closes = dt.date.today() + dt.timedelta(days=5)
    with receiver() as hook:
        sample_client.post("/v1/webhooks", json={"url": hook.url}, headers=chengdu)
        publish(sample_client, curator, CHENGHUA_AWARD | {
            "window": {"mode": "batch", "opens": "2026-01-01", "closes": closes.isoformat()}})
        dispatch(sample_engine, encoder)
        dispatch(sample_engine, encoder)
        events = [json.loads(item.body) for item in hook.received]
        closing = [e for e in events if e["event"] == "measure.closing_soon" and e["code"] == "SC-CH-TEST-ROBOT-AWARD"]
        assert len(closing) == 1 and closing[0]["closes"] == closes.isoformat()


def test_a_measure_change_that_shuts_a_firm_out_is_announced(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    chengdu, curator = key(sample_engine, Role.portal, "chengdu"), key(sample_engine, Role.curator, "bureau")
    robot = sample_client.post("/v1/firms", json={"profile": firm("chengdu-longtan-robotics")}, headers=chengdu)
    with receiver() as hook:
        sample_client.post("/v1/webhooks", json={"url": hook.url}, headers=chengdu)
        publish(sample_client, curator, CHENGHUA_AWARD)
        dispatch(sample_engine, encoder)
        hook.received.clear()
        etag = sample_client.get("/v1/measures/SC-CH-TEST-ROBOT-AWARD", headers=curator).headers["ETag"]
        narrowed = sample_client.patch(
            "/v1/measures/SC-CH-TEST-ROBOT-AWARD", headers=curator | {"If-Match": etag},
            json={"industries": ["C35"],  # robots (C34) no longer qualify
                  "criteria": [{"type": "industry_in", "codes": ["C35"]}]})
        assert narrowed.status_code == 200
        dispatch(sample_engine, encoder)
        bodies = [json.loads(item.body) for item in hook.received]
        changed = [b for b in bodies if b["event"] == "measure.changed"]
        assert changed and changed[0]["firms"] == [
            {"firm_id": robot.json()["id"], "verdict": "ineligible", "previous_verdict": "eligible"}]


def test_two_dispatchers_never_post_one_delivery_twice(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    """Every worker runs a dispatcher; a conditional claim gives each due delivery to exactly one of them.

    On SQLite the write lock already serialises the two; on PostgreSQL (CI's second pass) both read the
    same due deliveries, and without the claim each is posted twice.
    """
    chengdu, curator = key(sample_engine, Role.portal, "chengdu"), key(sample_engine, Role.curator, "bureau")
    sample_client.post("/v1/firms", json={"profile": firm("chengdu-longtan-robotics")}, headers=chengdu)
    with receiver(delay=0.2) as hook:
        sample_client.post("/v1/webhooks", json={"url": hook.url}, headers=chengdu)
        for n in range(4):
            publish(sample_client, curator, CHENGHUA_AWARD | {"code": f"SC-CH-TEST-ROBOT-AWARD-{n}"})
        with Session(sample_engine) as session:
            fanout.fan_out(session, CatalogueHolder(encoder).current(session), utcnow())
        start = threading.Barrier(2)

        def dispatcher() -> None:
            with Session(sample_engine) as session, httpx.Client(timeout=5) as http:
                start.wait()
                delivery.deliver_due(session, http, policy=LOOPBACK)

        workers = [threading.Thread(target=dispatcher) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        posted = [arrived.headers["X-Supportmatch-Delivery"] for arrived in hook.received]
    assert len(posted) >= 4
    assert len(posted) == len(set(posted))

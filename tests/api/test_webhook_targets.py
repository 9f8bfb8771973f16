"""Webhooks go to public addresses only, checked at registration and at delivery; one portal's dead receivers
do not hold back another's deliveries."""

import ipaddress
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.config import ApiSettings
from api.main import create_app
from matching.notifications import delivery, fanout, targets
from matching.notifications.models import Webhook, WebhookDelivery
from matching.store.catalogue import CatalogueHolder
from matching.text.embeddings import Encoder
from policies.db import utcnow
from policies.keys import Role
from tests.api.test_webhooks import CHENGHUA_AWARD, publish
from tests.factories import example_firm, key_headers
from tests.webhook_receiver import Received, receiver

INTERNAL = ["http://127.0.0.1:8000/v1/keys", "http://localhost/", "http://[::1]:5432/", "http://2130706433:22/",
            "http://0x7f.1/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/",
            "http://192.168.0.1/", "http://172.16.5.4/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0:8000/", "http://224.0.0.1/"]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused_however_they_are_spelled(url: str) -> None:
    with pytest.raises(targets.RefusedTarget):
        targets.check_registration(url, allow_private=False)
    targets.check_registration(url, allow_private=True)  # development and tests may


@pytest.mark.parametrize("url", ["http://0177.0.0.1/", "ftp://portal.example.cn/hook", "https://user:secret@portal.example.cn/hook",
                                 "file:///etc/passwd", "gopher://portal.example.cn/"])
def test_only_plain_http_and_https_urls(url: str) -> None:
    with pytest.raises(targets.RefusedTarget):
        targets.check_registration(url, allow_private=True)


def test_public_addresses_and_names_not_yet_resolvable_are_accepted() -> None:
    targets.check_registration("https://203.0.114.7/hook", allow_private=False)
    targets.check_registration("https://hooks.portal.example.cn/sm", allow_private=False)  # checked at delivery
    assert targets.refusal(ipaddress.ip_address("8.8.8.8")) is None
    assert targets.refusal(ipaddress.ip_address("::ffff:10.0.0.1")) == "private address 10.0.0.1"


@pytest.fixture
def public_only(sample_engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    """The app as deployed: API_WEBHOOK_ALLOW_PRIVATE left false."""
    app = create_app(engine=sample_engine, settings=ApiSettings(load_sample=False, webhook_interval=0),
                     encoder=encoder)
    with TestClient(app) as client:
        yield client


def test_registering_an_internal_url_is_a_422_naming_the_field(public_only: TestClient, sample_engine: Engine) -> None:
    portal = key_headers(sample_engine, Role.portal, "ssrf")
    for url in INTERNAL[:4]:
        response = public_only.post("/v1/webhooks", json={"url": url}, headers=portal)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "body.url"
    assert public_only.post("/v1/webhooks", json={"url": "https://hooks.portal.example.cn/sm"},
                            headers=portal).status_code == 201


def test_a_stored_url_that_now_reaches_an_internal_address_is_not_posted_to(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    """Checked again at delivery: DNS may point a registered name at the inside later. The log says why in one
    category, never whether a port answered."""
    chengdu, curator = key_headers(sample_engine, Role.portal, "chengdu"), key_headers(sample_engine, Role.curator, "b")
    sample_client.post("/v1/firms", json={"profile": example_firm("chengdu-longtan-robotics")}, headers=chengdu)
    with receiver() as hook:
        hook_id = sample_client.post("/v1/webhooks", json={"url": hook.url}, headers=chengdu).json()["id"]
        publish(sample_client, curator, CHENGHUA_AWARD)
        with Session(sample_engine) as session:
            fanout.fan_out(session, CatalogueHolder(encoder).current(session), utcnow())
        with Session(sample_engine) as session, httpx.Client(timeout=5) as http:
            assert delivery.deliver_due(session, http) == 0  # the deployed policy: public addresses only
        assert hook.received == []
    with Session(sample_engine) as session:
        attempt = session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id)).one()
        assert attempt.last_error is not None and attempt.last_error.startswith("refused: ")
        assert "loopback address 127.0.0.1" in attempt.last_error


def test_one_portals_dead_receivers_do_not_delay_another_portals_delivery(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    slow_portal = key_headers(sample_engine, Role.portal, "slow")
    quick_portal = key_headers(sample_engine, Role.portal, "quick")
    curator = key_headers(sample_engine, Role.curator, "bureau")
    for portal in (slow_portal, quick_portal):
        sample_client.post("/v1/firms", json={"profile": example_firm("chengdu-longtan-robotics")}, headers=portal)
    with receiver(delay=3.0) as dead, receiver() as alive:
        for _ in range(6):
            sample_client.post("/v1/webhooks", json={"url": dead.url}, headers=slow_portal)
        sample_client.post("/v1/webhooks", json={"url": alive.url}, headers=quick_portal)
        publish(sample_client, curator, CHENGHUA_AWARD)
        with Session(sample_engine) as session:
            assert fanout.fan_out(session, CatalogueHolder(encoder).current(session), utcnow()) == 7
        started = time.monotonic()
        arrived: list[float] = []

        class Timed(list[Received]):
            def append(self, item: Received) -> None:
                arrived.append(time.monotonic() - started)
                super().append(item)

        alive.received = Timed()
        with Session(sample_engine) as session, httpx.Client(timeout=1.0) as http:
            policy = delivery.DeliveryPolicy(allow_private=True, per_tenant=2, workers=8)
            delivered = delivery.deliver_due(session, http, policy=policy)
        took = time.monotonic() - started
    assert delivered == 1 and len(arrived) == 1
    assert arrived[0] < 1.0, f"the quick portal's delivery waited {arrived[0]:.1f} s"  # not 6 × the 1 s timeout
    assert took < 4.5  # the slow portal's six time out two at a time: three rounds of 1 s
    with Session(sample_engine) as session:
        hooks = len(session.exec(select(Webhook).where(Webhook.tenant == "slow")).all())
        errors = {row.last_error for row in session.exec(select(WebhookDelivery)
                                                          .where(WebhookDelivery.status == "pending")).all()}
    assert hooks == 6 and errors == {"timeout: the receiver did not answer in time"}

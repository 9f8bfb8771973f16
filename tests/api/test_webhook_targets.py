"""Webhooks go to public addresses only, checked at registration and at delivery; one portal's dead receivers
do not hold back another's deliveries."""

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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
from tests.api.test_webhooks import CHENGHUA_AWARD, LOOPBACK, publish
from tests.factories import example_firm, key_headers
from tests.webhook_receiver import Received, receiver

INTERNAL = ["http://127.0.0.1:8000/v1/keys", "http://localhost/", "http://[::1]:5432/", "http://2130706433:22/",
            "http://0x7f.1/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/",
            "http://192.168.0.1/", "http://172.16.5.4/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0:8000/", "http://224.0.0.1/", "http://[2002:7f00:1::]/", "http://[2002:a00:1::]:8080/",
            "http://192.0.0.8/"]


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
    assert targets.refusal(ipaddress.ip_address("::ffff:10.0.0.1")) == "private address"
    assert targets.refusal(ipaddress.ip_address("2002:808:808::1")) is None  # 6to4 of a public address


def test_a_refusal_names_its_category_never_the_address_a_name_resolved_to() -> None:
    """The 422 and the delivery log would otherwise read the inside network's DNS out to the caller."""
    with pytest.raises(targets.RefusedTarget) as refused:
        targets.check_registration("http://localhost:8000/", allow_private=False)
    assert str(refused.value) == "loopback address: webhooks go to public addresses only"
    assert targets.refusal(ipaddress.ip_address("2002:a00:1::")) == "private address"  # 6to4 of 10.0.0.1


def test_the_post_carries_the_name_as_it_goes_on_the_wire() -> None:
    """An internationalised name is stored as IDNA by the URL type; Host and the TLS name must be that ASCII
    form (a header cannot carry the Unicode one), and an IPv6 literal keeps its brackets in Host."""
    idn = targets.Target(url=httpx.URL("https://xn--fiqs8s.example:8443/hook"),
                         addresses=[ipaddress.ip_address("203.0.114.7")])
    assert idn.pinned() == (httpx.URL("https://203.0.114.7:8443/hook"), {"Host": "xn--fiqs8s.example:8443"},
                            {"sni_hostname": "xn--fiqs8s.example"})
    literal = targets.Target(url=httpx.URL("http://[2606:4700::1]/hook"),
                             addresses=[ipaddress.ip_address("2606:4700::1")])
    assert literal.pinned()[:2] == (httpx.URL("http://[2606:4700::1]/hook"), {"Host": "[2606:4700::1]"})


@dataclass
class Seen:
    url: str
    redirect: str = ""
    connections: int = 0
    hosts: list[str] = field(default_factory=list)


@contextmanager
def keep_alive_receiver(redirect: str = "") -> Iterator[Seen]:
    """An HTTP/1.1 receiver that keeps connections open and counts them; it answers 307 when told to."""
    seen = Seen(url="", redirect=redirect)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            seen.connections += 1
            super().setup()

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            seen.hosts.append(self.headers.get("Host", ""))
            self.send_response(307 if seen.redirect else 204)
            if seen.redirect:
                self.send_header("Location", seen.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    seen.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def test_an_internationalised_name_is_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chinese portals may well use one: the post used to fail encoding its Host header, so the delivery stayed
    claimed without an attempt and the dispatcher's pass failed, every pass."""
    real = socket.getaddrinfo

    def dns(host: str, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == "xn--fiqs8s.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    with keep_alive_receiver() as hook, httpx.Client(timeout=5) as http:
        port = httpx.URL(hook.url).port
        answer = delivery._post(http, f"http://xn--fiqs8s.example:{port}/hook", b"{}", {}, LOOPBACK)
        assert answer == (204, None)
        assert hook.hosts == [f"xn--fiqs8s.example:{port}"]


def test_redirects_are_not_followed_whatever_the_client() -> None:
    """A public receiver could otherwise send the post on to an inside address, which no check would see."""
    with keep_alive_receiver() as inside, keep_alive_receiver(redirect=inside.url) as outside:
        with httpx.Client(timeout=5, follow_redirects=True) as http:
            answer = delivery._post(http, outside.url, b"{}", {}, LOOPBACK)
        assert answer == (307, "receiver answered 307")
        assert inside.hosts == []


def test_a_connection_verified_for_one_name_carries_no_post_to_another() -> None:
    """Posts go to the address, so the pool would hand a kept connection (its TLS checked for one name) to the
    next post to another name at the same address: each post closes its own."""
    with keep_alive_receiver() as hook, httpx.Client(timeout=5) as http:
        for _ in range(3):
            assert delivery._post(http, hook.url, b"{}", {}, LOOPBACK) == (204, None)
        assert hook.connections == 3


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
    named = public_only.post("/v1/webhooks", json={"url": "http://localhost:8000/"}, headers=portal)
    assert named.status_code == 422 and "127.0.0.1" not in named.text  # the category, not what the name resolved to
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
        assert attempt.last_error == "refused: loopback address: webhooks go to public addresses only"


def _dead_and_alive(client: TestClient, engine: Engine, encoder: Encoder, dead_url: str, alive_url: str, *,
                    dead_hooks: int) -> None:
    """Portal "slow" with `dead_hooks` subscriptions to a dead receiver, portal "quick" with one to a live one,
    both with a firm the published award concerns, and the award's deliveries fanned out."""
    slow_portal = key_headers(engine, Role.portal, "slow")
    quick_portal = key_headers(engine, Role.portal, "quick")
    curator = key_headers(engine, Role.curator, "bureau")
    for portal in (slow_portal, quick_portal):
        client.post("/v1/firms", json={"profile": example_firm("chengdu-longtan-robotics")}, headers=portal)
    for _ in range(dead_hooks):
        client.post("/v1/webhooks", json={"url": dead_url}, headers=slow_portal)
    client.post("/v1/webhooks", json={"url": alive_url}, headers=quick_portal)
    publish(client, curator, CHENGHUA_AWARD)
    with Session(engine) as session:
        assert fanout.fan_out(session, CatalogueHolder(encoder).current(session), utcnow()) == dead_hooks + 1


def test_one_portals_dead_receivers_do_not_delay_another_portals_delivery(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    with receiver(delay=3.0) as dead, receiver() as alive:
        _dead_and_alive(sample_client, sample_engine, encoder, dead.url, alive.url, dead_hooks=6)
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


def test_a_portals_backlog_does_not_hold_the_pass(
    sample_client: TestClient, sample_engine: Engine, encoder: Encoder
) -> None:
    """A pass stops taking deliveries when its time is up, so the next pass, and the deliveries of other portals
    that fall due meanwhile, do not wait for ten dead receivers; and every portal's lane takes one at least, so a
    portal queued behind the pool's other work is served in every pass."""
    with receiver(delay=3.0) as dead, receiver() as alive:
        _dead_and_alive(sample_client, sample_engine, encoder, dead.url, alive.url, dead_hooks=10)
        started = time.monotonic()
        with Session(sample_engine) as session, httpx.Client(timeout=1.0) as http:
            # one thread, and the slow portal's lane first: without the at-least-one rule the quick portal waits
            policy = delivery.DeliveryPolicy(allow_private=True, per_tenant=1, workers=1, pass_seconds=0.2)
            delivered = delivery.deliver_due(session, http, policy=policy)
        took = time.monotonic() - started
        assert delivered == 1 and len(alive.received) == 1
    assert took < 3.0, f"the pass took {took:.1f} s"  # one timeout, not ten
    with Session(sample_engine) as session:
        slow = session.exec(select(WebhookDelivery).join(Webhook).where(Webhook.tenant == "slow")).all()
    assert sorted(row.attempts for row in slow) == [0] * 9 + [1]
    assert all(row.status == "pending" for row in slow)

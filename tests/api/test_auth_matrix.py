"""Who may call what: every route of the app against every kind of credential, decided by one policy table.

The table below is the access policy, written down: each route's least role, or that anyone may call it. The
routes are read from the app itself, so a route added without a line here fails
test_the_policy_table_covers_every_route_exactly before it can ship with an access rule nobody chose.

Also here: keys never reach the logs, CORS is closed unless configured, and every write records its actor.
"""

import logging
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Literal

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from api.config import ApiSettings
from api.errors import PROBLEM_JSON
from api.main import create_app
from matching.notifications.models import Webhook
from matching.store import firms as firm_store
from matching.store import outcomes as outcome_store
from matching.store.firms import FirmWrite
from matching.store.outcomes import OutcomeWrite
from matching.text.embeddings import Encoder
from policies import curation, keys
from policies.keys import Role
from policies.models import ApiKey, AuditEvent
from policies.schemas import MeasureCreate
from tests.factories import example_firm, measure_data

Route = tuple[str, str]  # (method, path template), as the app declares it
PROBE = "probe"  # answers anyone and never looks at a key: load balancers and Prometheus send none
ANYONE = "anyone"  # no key needed, but a key that is sent must be live (api/auth.py: refused, not ignored)
Access = Role | Literal["probe", "anyone"]

# fmt: off
POLICY: dict[Route, Access] = {
    # operations
    ("GET", "/"): PROBE,  # leads to /docs
    ("GET", "/health"): PROBE,
    ("GET", "/ready"): PROBE,
    ("GET", "/metrics"): PROBE,
    # the published catalogue, search and plain questions: public
    ("GET", "/v1/measures"): ANYONE,  # published only without a curator key (test_rules_that_depend_on_the_request)
    ("GET", "/v1/measures/{code}"): ANYONE,  # drafts are 404 without a curator key
    ("GET", "/v1/measures/export"): ANYONE,  # published only without a curator key
    ("GET", "/v1/measures/{code}/similar"): ANYONE,
    ("GET", "/v1/search"): ANYONE,
    ("POST", "/v1/ask"): ANYONE,  # with a profile it evaluates a firm: portal (test_rules_that_depend_on_the_request)
    ("GET", "/v1/changes"): ANYONE,  # only published/archived changes without a curator key
    # evaluating firms, and the firms and webhooks a portal keeps: portals (and everyone above them)
    ("POST", "/v1/match"): Role.portal,
    ("POST", "/v1/eligibility"): Role.portal,
    ("POST", "/v1/assess"): Role.portal,
    ("GET", "/v1/measures/{code}/candidates"): Role.portal,  # a portal sees its own firms, curators all
    ("POST", "/v1/firms"): Role.portal,
    ("GET", "/v1/firms"): Role.portal,
    ("GET", "/v1/firms/{firm_id}"): Role.portal,
    ("PUT", "/v1/firms/{firm_id}"): Role.portal,
    ("DELETE", "/v1/firms/{firm_id}"): Role.portal,
    ("GET", "/v1/firms/{firm_id}/history"): Role.portal,
    ("POST", "/v1/firms/{firm_id}/outcomes"): Role.portal,
    ("GET", "/v1/firms/{firm_id}/outcomes"): Role.portal,
    ("GET", "/v1/firms/{firm_id}/outcomes/{outcome_id}"): Role.portal,
    ("PUT", "/v1/firms/{firm_id}/outcomes/{outcome_id}"): Role.portal,
    ("POST", "/v1/webhooks"): Role.portal,
    ("GET", "/v1/webhooks"): Role.portal,
    ("DELETE", "/v1/webhooks/{webhook_id}"): Role.portal,
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): Role.portal,
    # curating the catalogue: curators
    ("POST", "/v1/measures"): Role.curator,
    ("PATCH", "/v1/measures/{code}"): Role.curator,
    ("POST", "/v1/measures/{code}/status"): Role.curator,
    ("GET", "/v1/measures/{code}/revisions"): Role.curator,
    ("GET", "/v1/measures/{code}/revisions/{revision}"): Role.curator,
    ("GET", "/v1/measures/{code}/diff"): Role.curator,
    ("POST", "/v1/measures/import"): Role.curator,
    ("POST", "/v1/measures/preview"): Role.curator,
    # keys: admins
    ("POST", "/v1/keys"): Role.admin,
    ("GET", "/v1/keys"): Role.admin,
    ("DELETE", "/v1/keys/{key_id}"): Role.admin,
}
# fmt: on

# Not in the matrix, on purpose (the test checks that each of these still exists, so the list cannot rot):
# - FastAPIOffline's OpenAPI document, Swagger UI, ReDoc and the assets they load are documentation, public by
#   design (portals build clients from it) and listing no data;
# - /mcp is a mounted Starlette app, not an APIRoute: it speaks JSON-RPC and has its own guard (any live key, no
#   role; api/mcp.py), tested by test_the_mcp_endpoint_needs_a_live_key.
NOT_IN_THE_MATRIX = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/static-offline-docs", "/mcp"}

# Evaluations sent by POST that change nothing; every other POST, PUT, PATCH or DELETE is a write.
READ_ONLY_POSTS = {("POST", "/v1/eligibility"), ("POST", "/v1/match"), ("POST", "/v1/assess"), ("POST", "/v1/ask"),
                   ("POST", "/v1/measures/preview")}

AUDITED: dict[Route, str] = {  # each write and the audit action it must record
    ("POST", "/v1/measures"): "measure.create",
    ("PATCH", "/v1/measures/{code}"): "measure.update",
    ("POST", "/v1/measures/{code}/status"): "measure.in_review",
    ("POST", "/v1/measures/import"): "measure.import",
    ("POST", "/v1/keys"): "key.create",
    ("DELETE", "/v1/keys/{key_id}"): "key.revoke",
    ("POST", "/v1/firms"): "firm.create",
    ("PUT", "/v1/firms/{firm_id}"): "firm.update",
    ("DELETE", "/v1/firms/{firm_id}"): "firm.delete",
    ("POST", "/v1/firms/{firm_id}/outcomes"): "firm.outcome.record",
    ("PUT", "/v1/firms/{firm_id}/outcomes/{outcome_id}"): "firm.outcome.correct",
    ("POST", "/v1/webhooks"): "webhook.create",
    ("DELETE", "/v1/webhooks/{webhook_id}"): "webhook.delete",
}

PUBLISHED = "ZJ-WZ-LITTLE-GIANT-FIRST-AWARD"  # published in policies/sample/catalogue/zhejiang.yaml
DRAFT = "SC-CD-EMBODIED-AI-2027"  # a draft in policies/sample/catalogue/sichuan-guangdong.yaml
TENANT = "matrix"  # every key made here shares it, so each sees the firms and webhooks made for the test
FIRM = example_firm("ningbo-cmf-titanium")
OUTCOME = {"measure_code": PUBLISHED, "event": "applied", "occurred_on": "2026-11-20"}
CREDENTIALS = ["no key", "wrong key", "revoked key", "portal key", "curator key", "admin key"]
LIVE: dict[str, Role] = {"portal key": Role.portal, "curator key": Role.curator, "admin key": Role.admin}


def app_routes(app: FastAPI) -> set[Route]:
    """Every (method, path) the app answers, but NOT_IN_THE_MATRIX.

    Included routers stay nodes of `app.routes` in this FastAPI; iter_route_contexts walks them and gives each
    route with its full path, as the OpenAPI generator does.
    """
    found: set[Route] = set()
    for route in iter_route_contexts(app.routes):
        if route.path in NOT_IN_THE_MATRIX:
            continue
        assert isinstance(route.original_route, APIRoute), f"{route.path} is not an APIRoute: test its access by hand and list it in NOT_IN_THE_MATRIX"
        found |= {(method, route.path) for method in route.methods or ()}
    return found


@dataclass
class Call:
    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    """Keys and fresh things to act on, made straight in the database, so that each allowed call succeeds."""

    engine: Engine
    numbers: Iterator[int] = field(default_factory=count)

    def key(self, role: Role, label: str | None = None) -> tuple[ApiKey, str]:
        with Session(self.engine, expire_on_commit=False) as session:
            return keys.create_key(session=session, role=role, label=label or f"matrix {role.value}", actor="test",
                                   tenant=TENANT)

    def credential(self, name: str) -> dict[str, str]:
        """Headers for one kind of credential; Bearer and X-API-Key alternate, so both forms meet every route."""
        if name == "no key":
            return {}
        if name == "wrong key":  # well-formed, never issued
            return {"Authorization": f"Bearer {keys.KEY_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"}
        if name == "revoked key":  # an admin's, even
            key, plain = self.key(Role.admin)
            with Session(self.engine) as session:
                assert key.id is not None
                keys.revoke_key(session=session, key_id=key.id, actor="test")
            return {"X-API-Key": plain}
        _, plain = self.key(LIVE[name])
        return {"X-API-Key": plain} if name == "portal key" else {"Authorization": f"Bearer {plain}"}

    def code(self) -> str:
        return f"MATRIX-{next(self.numbers)}"

    def draft(self) -> str:
        code = self.code()
        with Session(self.engine) as session:
            curation.create_draft(session=session, data=MeasureCreate.model_validate(measure_data(code=code)),
                                  actor="test")
        return code

    def firm(self) -> int:
        with Session(self.engine) as session:
            firm = firm_store.create(session, TENANT, FirmWrite.model_validate({"profile": FIRM}), "test")
            assert firm.id is not None
            return firm.id

    def outcome(self) -> str:
        """The path of a fresh outcome of a fresh firm."""
        firm_id = self.firm()
        with Session(self.engine) as session:
            outcome = outcome_store.record(session, TENANT, firm_id, OutcomeWrite.model_validate(OUTCOME), "test")
            return f"/v1/firms/{firm_id}/outcomes/{outcome.id}"

    def webhook(self) -> int:
        with Session(self.engine) as session:
            hook = Webhook(tenant=TENANT, url="https://portal.example.cn/hooks", secret=secrets.token_urlsafe(32))
            session.add(hook)
            session.commit()
            assert hook.id is not None
            return hook.id

    def spare_key(self) -> int:
        key, _ = self.key(Role.portal, "spare")
        assert key.id is not None
        return key.id

    def audit_events(self) -> list[AuditEvent]:
        with Session(self.engine) as session:
            return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())

    def audit_count(self) -> int:
        with Session(self.engine) as session:
            return session.exec(select(func.count()).select_from(AuditEvent)).one()


IF_MATCH_1 = {"If-Match": '"1"'}
# One plausible request per route, built afresh for each call: an allowed caller gets a 2xx.
REQUESTS: dict[Route, Callable[[World], Call]] = {
    ("GET", "/"): lambda w: Call("/"),
    ("GET", "/health"): lambda w: Call("/health"),
    ("GET", "/ready"): lambda w: Call("/ready"),
    ("GET", "/metrics"): lambda w: Call("/metrics"),
    ("GET", "/v1/measures"): lambda w: Call("/v1/measures", params={"limit": 5}),
    ("GET", "/v1/measures/{code}"): lambda w: Call(f"/v1/measures/{PUBLISHED}"),
    ("GET", "/v1/measures/export"): lambda w: Call("/v1/measures/export", params={"format": "csv"}),
    ("GET", "/v1/measures/{code}/similar"): lambda w: Call(f"/v1/measures/{PUBLISHED}/similar"),
    ("GET", "/v1/search"): lambda w: Call("/v1/search", params={"q": "温州 小巨人 奖励"}),
    ("POST", "/v1/ask"): lambda w: Call("/v1/ask", json={"question": "Is there an award for little giants?"}),
    ("GET", "/v1/changes"): lambda w: Call("/v1/changes"),
    ("POST", "/v1/match"): lambda w: Call("/v1/match", json={"profile": FIRM, "limit": 3}),
    ("POST", "/v1/eligibility"): lambda w: Call("/v1/eligibility", json={"profile": FIRM}),
    ("POST", "/v1/assess"): lambda w: Call("/v1/assess", json={"profile": FIRM}),
    ("GET", "/v1/measures/{code}/candidates"): lambda w: Call(f"/v1/measures/{PUBLISHED}/candidates"),
    ("POST", "/v1/firms"): lambda w: Call("/v1/firms", json={"profile": FIRM}),
    ("GET", "/v1/firms"): lambda w: Call("/v1/firms"),
    ("GET", "/v1/firms/{firm_id}"): lambda w: Call(f"/v1/firms/{w.firm()}"),
    ("PUT", "/v1/firms/{firm_id}"): lambda w: Call(f"/v1/firms/{w.firm()}", json={"profile": FIRM | {"employees": 170}},
                                                   headers=IF_MATCH_1),
    ("DELETE", "/v1/firms/{firm_id}"): lambda w: Call(f"/v1/firms/{w.firm()}"),
    ("GET", "/v1/firms/{firm_id}/history"): lambda w: Call(f"/v1/firms/{w.firm()}/history"),
    ("POST", "/v1/firms/{firm_id}/outcomes"): lambda w: Call(f"/v1/firms/{w.firm()}/outcomes", json=OUTCOME),
    ("GET", "/v1/firms/{firm_id}/outcomes"): lambda w: Call(f"/v1/firms/{w.firm()}/outcomes"),
    ("GET", "/v1/firms/{firm_id}/outcomes/{outcome_id}"): lambda w: Call(w.outcome()),
    ("PUT", "/v1/firms/{firm_id}/outcomes/{outcome_id}"): lambda w: Call(w.outcome(), json=OUTCOME,
                                                                        headers={"If-Match": '"1"'}),
    ("POST", "/v1/webhooks"): lambda w: Call("/v1/webhooks", json={"url": "https://portal.example.cn/hooks/sm"}),
    ("GET", "/v1/webhooks"): lambda w: Call("/v1/webhooks"),
    ("DELETE", "/v1/webhooks/{webhook_id}"): lambda w: Call(f"/v1/webhooks/{w.webhook()}"),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): lambda w: Call(f"/v1/webhooks/{w.webhook()}/deliveries"),
    ("POST", "/v1/measures"): lambda w: Call("/v1/measures", json=measure_data(code=w.code())),
    ("PATCH", "/v1/measures/{code}"): lambda w: Call(f"/v1/measures/{w.draft()}", json={"title_en": "A new title"},
                                                     headers=IF_MATCH_1),
    ("POST", "/v1/measures/{code}/status"): lambda w: Call(f"/v1/measures/{w.draft()}/status",
                                                           json={"status": "in_review"}),
    ("GET", "/v1/measures/{code}/revisions"): lambda w: Call(f"/v1/measures/{PUBLISHED}/revisions"),
    ("GET", "/v1/measures/{code}/revisions/{revision}"): lambda w: Call(f"/v1/measures/{PUBLISHED}/revisions/1"),
    ("GET", "/v1/measures/{code}/diff"): lambda w: Call(f"/v1/measures/{PUBLISHED}/diff", params={"from": 1, "to": 1}),
    ("POST", "/v1/measures/import"): lambda w: Call("/v1/measures/import", json=[measure_data(code=w.code())]),
    ("POST", "/v1/measures/preview"): lambda w: Call("/v1/measures/preview", json={"measure": measure_data()}),
    ("POST", "/v1/keys"): lambda w: Call("/v1/keys", json={"role": "portal", "label": "made in the matrix"}),
    ("GET", "/v1/keys"): lambda w: Call("/v1/keys"),
    ("DELETE", "/v1/keys/{key_id}"): lambda w: Call(f"/v1/keys/{w.spare_key()}"),
}


def send(client: TestClient, route: Route, call: Call, headers: dict[str, str]) -> Any:
    return client.request(route[0], call.path, json=call.json, params=call.params, headers=call.headers | headers)


def expected_status(access: Access, credential: str) -> int | None:
    """401, 403, or None for "allowed" (a 2xx)."""
    if access == PROBE:
        return None
    if credential in ("wrong key", "revoked key"):
        return 401
    if credential == "no key":
        return None if access == ANYONE else 401
    if access == ANYONE:
        return None
    assert isinstance(access, Role)
    return None if keys.ROLE_RANK[LIVE[credential]] >= keys.ROLE_RANK[access] else 403


@pytest.fixture
def world(sample_engine: Engine) -> World:
    return World(sample_engine)


def test_the_policy_table_covers_every_route_exactly() -> None:
    app = create_app(settings=ApiSettings(load_sample=False, webhook_interval=0))
    routes = app_routes(app)
    assert sorted(routes - set(POLICY)) == [], "routes with no access policy: add them to POLICY"
    assert sorted(set(POLICY) - routes) == [], "policies for routes that no longer exist"
    assert set(REQUESTS) == set(POLICY)
    assert NOT_IN_THE_MATRIX <= {route.path for route in iter_route_contexts(app.routes)}
    writes = {route for route in routes if route[0] in ("POST", "PUT", "PATCH", "DELETE")} - READ_ONLY_POSTS
    assert sorted(writes ^ set(AUDITED)) == [], "every write route names the audit action it records"


@pytest.mark.parametrize("credential", CREDENTIALS)
def test_every_route_answers_each_credential_as_the_policy_says(
    sample_client: TestClient, world: World, credential: str
) -> None:
    headers = world.credential(credential)
    wrong: list[str] = []
    for route, access in POLICY.items():
        call = REQUESTS[route](world)  # its setup may write, and be audited, itself
        before = world.audit_count()
        response = send(sample_client, route, call, headers)
        expected = expected_status(access, credential)
        where = f"{route[0]} {route[1]} with {credential}: {response.status_code}"
        if expected is None:
            if not 200 <= response.status_code < 300:
                wrong.append(f"{where}, expected 2xx: {response.text[:200]}")
            continue
        content_type = response.headers.get("content-type", "")
        if response.status_code != expected:
            wrong.append(f"{where}, expected {expected}")
        elif not content_type.startswith(PROBLEM_JSON):
            wrong.append(f"{where} as {content_type!r}, expected {PROBLEM_JSON}")
        elif expected == 401 and response.headers.get("www-authenticate") != "Bearer":
            wrong.append(f"{where} without WWW-Authenticate: Bearer")
        if world.audit_count() != before:
            wrong.append(f"{where}, but the refused call left an audit event")
    assert wrong == []


def test_rules_that_depend_on_the_request(sample_client: TestClient, world: World) -> None:
    portal, curator = world.credential("portal key"), world.credential("curator key")
    ask = {"question": "Is there an award for little giants?", "profile": FIRM}
    anonymous = sample_client.post("/v1/ask", json=ask)
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM_JSON
    assert sample_client.post("/v1/ask", json=ask, headers=portal).status_code == 200

    drafts = {"status": "draft"}
    assert sample_client.get("/v1/measures", params=drafts).status_code == 403
    assert sample_client.get("/v1/measures", params=drafts, headers=portal).status_code == 403
    assert [m["code"] for m in sample_client.get("/v1/measures", params=drafts, headers=curator).json()["items"]]

    for headers in ({}, portal):
        assert sample_client.get(f"/v1/measures/{DRAFT}", headers=headers).status_code == 404
        assert DRAFT not in sample_client.get("/v1/measures/export", headers=headers).text
    assert sample_client.get(f"/v1/measures/{DRAFT}", headers=curator).status_code == 200
    assert DRAFT in sample_client.get("/v1/measures/export", headers=curator).text


def test_the_forms_of_a_key(sample_client: TestClient, world: World) -> None:
    _, plain = world.key(Role.admin)
    for authorization in (f"Basic {plain}", "Bearer ", plain):
        refused = sample_client.get("/v1/keys", headers={"Authorization": authorization})
        assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM_JSON, authorization
    assert sample_client.get("/v1/keys", headers={"Authorization": f"bearer {plain}"}).status_code == 200
    assert sample_client.get("/v1/keys", headers={"X-API-Key": plain}).status_code == 200
    # Both sent: Authorization decides, so a stale one is noticed rather than masked by a good X-API-Key.
    wrong = world.credential("wrong key")
    assert sample_client.get("/v1/keys", headers=wrong | {"X-API-Key": plain}).status_code == 401


def test_the_mcp_endpoint_needs_a_live_key(sample_client: TestClient, world: World) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    for credential in ("no key", "wrong key", "revoked key"):
        refused = sample_client.post("/mcp/", json=body, headers=world.credential(credential))
        assert refused.status_code == 401, credential
        assert refused.headers["content-type"] == PROBLEM_JSON and refused.headers["www-authenticate"] == "Bearer"
    # A live key of any role passes the guard; what MCP makes of a lone ping without a session is its own affair.
    assert sample_client.post("/mcp/", json=body, headers=world.credential("portal key")).status_code != 401


def test_keys_never_reach_the_logs(
    sample_client: TestClient, world: World, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger's records, whatever their level
    sent: list[str] = []

    def call(method: str, path: str, headers: dict[str, str], status: int, **kwargs: Any) -> Any:
        sent.extend(value.split()[-1] for value in headers.values())  # the key, whatever the scheme
        response = sample_client.request(method, path, headers=headers, **kwargs)
        assert response.status_code == status, response.text
        return response

    portal, curator, admin = (world.credential(name) for name in ("portal key", "curator key", "admin key"))
    call("POST", "/v1/match", portal, 200, json={"profile": FIRM, "limit": 1})
    call("GET", "/v1/keys", curator, 403)
    created = call("POST", "/v1/keys", admin, 201, json={"role": "portal", "label": "logged?"}).json()["key"]
    call("GET", "/v1/firms", {"X-API-Key": created}, 200)
    call("POST", "/v1/measures", curator, 422, json={"code": "not a code"})
    call("GET", "/v1/firms/999", portal, 404)
    call("GET", "/v1/measures", world.credential("wrong key"), 401)
    call("GET", "/v1/measures", world.credential("revoked key"), 401)
    call("GET", "/v1/keys", {"Authorization": f"Basic {created}"}, 401)
    sent.append(created)

    logged = "\n".join([caplog.text, *(repr(vars(record)) for record in caplog.records), *capfd.readouterr()])
    secrets_part = [plain.split("_", 2)[2] for plain in sent]  # sm_<public part>_<secret>
    assert all(plain.startswith(keys.KEY_PREFIX) for plain in sent) and len(sent) == 10
    assert [secret for secret in secrets_part if secret in logged] == []
    access = [record.getMessage() for record in caplog.records if record.name == "supportmatch.access"]
    assert len(access) >= 9, "the access log saw every request"
    assert any(f'"caller": "key:{created.split("_")[1]}"' in line for line in access)  # named by its public part


def test_cors_is_closed_by_default(client: TestClient) -> None:
    origin = {"Origin": "https://portal.example.cn"}
    assert "access-control-allow-origin" not in client.get("/v1/measures", headers=origin).headers
    preflight = client.options("/v1/measures", headers=origin | {"Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


@pytest.fixture
def cors_client(engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    settings = ApiSettings(load_sample=False, webhook_interval=0, cors_origins=["https://portal.example.cn"])
    with TestClient(create_app(engine=engine, settings=settings, encoder=encoder)) as client:
        yield client


def test_cors_opens_for_a_configured_origin(cors_client: TestClient) -> None:
    allowed, other = {"Origin": "https://portal.example.cn"}, {"Origin": "https://elsewhere.example.com"}
    assert cors_client.get("/v1/measures", headers=allowed).headers["access-control-allow-origin"] == allowed["Origin"]
    assert "access-control-allow-origin" not in cors_client.get("/v1/measures", headers=other).headers
    preflight = cors_client.options("/v1/keys", headers=allowed | {
        "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, x-api-key"})
    assert preflight.status_code == 200  # a preflight needs no key
    assert preflight.headers["access-control-allow-origin"] == allowed["Origin"]
    assert {"authorization", "x-api-key"} <= set(preflight.headers["access-control-allow-headers"].lower().split(", "))
    refused = cors_client.get("/v1/keys", headers=allowed)  # the browser may read why it was refused
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == allowed["Origin"]
    assert "ETag" in cors_client.get("/v1/measures", headers=allowed).headers.get("access-control-expose-headers", "")


def test_every_write_records_the_actor_of_its_key(sample_client: TestClient, world: World) -> None:
    for route, action in AUDITED.items():
        role = POLICY[route]
        assert isinstance(role, Role)
        key, plain = world.key(role, label=f"audit {action}")
        call = REQUESTS[route](world)
        after = world.audit_count()
        response = send(sample_client, route, call, {"Authorization": f"Bearer {plain}"})
        assert 200 <= response.status_code < 300, f"{route}: {response.status_code} {response.text[:200]}"
        new = [(event.action, event.actor) for event in world.audit_events()[after:]]
        assert (action, keys.actor_name(key)) in new, f"{route}: {new}"
        assert not any(plain in repr(event) for event in new)


def test_a_key_with_the_longest_label_can_still_write(sample_client: TestClient, world: World) -> None:
    """Its actor ("<label> (key <prefix>)") must fit the 120-character actor columns on PostgreSQL too."""
    admin = world.credential("admin key")
    created = sample_client.post("/v1/keys", json={"role": "curator", "label": "L" * 120}, headers=admin)
    assert created.status_code == 201, created.text
    headers = {"Authorization": f"Bearer {created.json()['key']}"}
    response = sample_client.post("/v1/measures", json=measure_data(code="MATRIX-LONG-LABEL"), headers=headers)
    assert response.status_code == 201, response.text
    assert all(len(event.actor) <= 120 for event in world.audit_events())

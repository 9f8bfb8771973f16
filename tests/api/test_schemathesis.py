"""The API against its own OpenAPI document: schemathesis generates requests from it and checks every answer.

Requests go in-process to the ASGI app (no server, no sockets). Each operation is its own test item, run on a
fresh copy of the sample database with a fresh app, so an operation's verdict never depends on what another
one wrote. Generation is bounded and derandomized, so CI sees the same cases every run:

- the examples phase sends the request examples the document shows;
- the fuzzing phase sends `MAX_EXAMPLES` generated cases, valid and invalid, per operation, half of them with
  path values that exist (KNOWN_PATH_VALUES), so handlers run past their 404s;
- the coverage phase is off: it is not bounded by max_examples (about 5,500 cases for POST /v1/measures alone).

An admin key exercises every operation; a portal key the operations the policy table in test_auth_matrix.py lets
it call (published-only catalogue, its own firms and candidates). The file takes about 65 s on SQLite and 80 s on
PostgreSQL on two cores, about 25 s of it building the sample database once.

Checks: no 5xx; status codes, content types, headers and bodies as documented; and every 4xx a problem+json
document (RFC 9457) whose 422s name the fields at fault.
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from sqlmodel import Session

from api.config import ApiSettings
from api.errors import PROBLEM_JSON
from api.main import create_app
from matching.notifications.models import Webhook
from matching.store import firms as firm_store
from matching.store.firms import FirmWrite
from matching.text.embeddings import Encoder
from policies import keys
from policies.importing.loader import read_directory
from policies.keys import Role
from tests.api.test_auth_matrix import ANYONE, POLICY, PROBE
from tests.conftest import SAMPLE_DIR
from tests.factories import key_headers, measure_data

# 15 in every run; the longer run recorded in docs/hardening.md sets SCHEMATHESIS_MAX_EXAMPLES.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
TENANT = "schemathesis"

# The document the app serves at /openapi.json (test_the_document_is_the_one_served). Building it needs no
# database, so the operations are known when pytest collects this module: one test item per operation.
DOCUMENT = create_app(settings=ApiSettings(load_sample=False, webhook_interval=0)).openapi()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict({
    "phases": {"coverage": {"enabled": False}},
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
}))

SAMPLE_CODES = sorted(record["code"] for record in read_directory(SAMPLE_DIR))
# Path values that exist in every fresh database the `api` fixture builds (_seed): key 2 is the portal's, so the
# admin run revokes that one rather than its own (1); the firm and the webhook are 1.
KNOWN_PATH_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "code": st.sampled_from(SAMPLE_CODES),
    "revision": st.just(1),
    "key_id": st.just(2),
    "firm_id": st.just(1),
    "webhook_id": st.just(1),
}


@SCHEMA.hook
def flatmap_path_parameters(context: schemathesis.HookContext,
                            path_parameters: dict[str, Any] | None) -> st.SearchStrategy[Any]:
    names = [name for name in path_parameters or {} if name in KNOWN_PATH_VALUES]
    if path_parameters is None or not names:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({name: KNOWN_PATH_VALUES[name] for name in names})
    return st.one_of(st.just(path_parameters), real.map(lambda values: path_parameters | values))


@schemathesis.check
def errors_are_problem_details(ctx: schemathesis.CheckContext, response: schemathesis.Response,
                               case: schemathesis.Case) -> bool | None:
    """Every 4xx is application/problem+json; a 422 names each field at fault."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith(PROBLEM_JSON), f"{response.status_code} answered as {content_type!r}"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == response.status_code, body
    if response.status_code == 422:
        assert body["errors"] and all(error["field"] for error in body["errors"]), body
    return True


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    errors_are_problem_details,
]

EXPLICIT = settings(
    max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
    # One database per operation, shared by its examples, is the point of the function-scoped fixture.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _seed(engine: Engine) -> Callable[[Role], dict[str, str]]:
    """Key 1 (admin) and key 2 (portal), and firm 1 and webhook 1 of the tenant both keys share."""
    made: dict[Role, dict[str, str]] = {}
    with Session(engine) as session:
        for role in (Role.admin, Role.portal):
            _, plain = keys.create_key(session=session, role=role, label=f"schemathesis {role.value}", actor="test",
                                       tenant=TENANT)
            made[role] = {"Authorization": f"Bearer {plain}"}
        firm_store.create(session, TENANT, FirmWrite.model_validate(FirmWrite.model_json_schema()["examples"][0]),
                          "test")
        session.add(Webhook(tenant=TENANT, url="https://portal.example.cn/hooks", secret="s" * 32))
        session.commit()
    return made.__getitem__


@pytest.fixture
def api(
    sample_engine: Engine, encoder: Encoder
) -> Iterator[tuple[FastAPI, Callable[[Role], dict[str, str]]]]:
    """A fresh app on a fresh sample database. Schemathesis starts its lifespan on the first request and its
    pytest plugin ends it when the test item ends."""
    headers = _seed(sample_engine)
    yield create_app(engine=sample_engine, settings=ApiSettings(load_sample=False, webhook_interval=0),
                     encoder=encoder), headers


def _call(case: schemathesis.Case, app: FastAPI, headers: dict[str, str]) -> None:
    # The document lists Authorization and X-API-Key as plain header parameters, so cases carry generated
    # ones; the explicit Authorization overrides them (and wins over X-API-Key in api/auth.py).
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)


@SCHEMA.parametrize()
@EXPLICIT
def test_as_admin(case: schemathesis.Case, api: tuple[FastAPI, Callable[[Role], dict[str, str]]]) -> None:
    """An admin may call everything, so every handler runs."""
    app, headers = api
    _call(case, app, headers(Role.admin))


def _portal_may_call(ctx: Any) -> bool:  # ctx: schemathesis' filter context, with the operation
    """What the policy table (tests/api/test_auth_matrix.py) lets a portal do; the rest only answers 403."""
    access = POLICY[(ctx.operation.method.upper(), ctx.operation.path)]
    return access in (PROBE, ANYONE, Role.portal)


@SCHEMA.include(_portal_may_call).parametrize()
@EXPLICIT
def test_as_portal(case: schemathesis.Case, api: tuple[FastAPI, Callable[[Role], dict[str, str]]]) -> None:
    """A portal sees the published catalogue only, its own firms and, among candidates, only its firms."""
    app, headers = api
    _call(case, app, headers(Role.portal))


def test_the_document_is_the_one_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json() == DOCUMENT


def test_urls_as_long_as_the_document_allows_are_stored(sample_client: TestClient, sample_engine: Engine) -> None:
    """Generated URLs are short; the longest allowed (2000) must fit the columns, and one more is a 422 naming the
    field, on PostgreSQL too (pydantic's own HttpUrl limit, 2083, once reached the database: a 500)."""
    portal, curator = key_headers(sample_engine, Role.portal, TENANT), key_headers(sample_engine, Role.curator, TENANT)
    longest = "https://portal.example.cn/" + "x" * (2000 - len("https://portal.example.cn/"))
    for too_long in (False, True):
        url = longest + "x" * too_long
        hook = sample_client.post("/v1/webhooks", json={"url": url}, headers=portal)
        measure = sample_client.post("/v1/measures", json=measure_data(code=f"LONG-URL-{too_long:d}", source_url=url),
                                     headers=curator)
        if too_long:
            assert [hook.status_code, measure.status_code] == [422, 422]
            assert hook.json()["errors"][0]["field"] == "body.url"
            assert measure.json()["errors"][0]["field"] == "body.source_url"
        else:
            assert [hook.status_code, measure.status_code] == [201, 201], hook.text + measure.text


@pytest.mark.parametrize(("path", "field"), [
    ("/v1/changes?since=2147483648", "query.since"),  # found by this file on PostgreSQL: outbox ids are INTEGER
    ("/v1/firms?offset=2147483648", "query.offset"),
    (f"/v1/firms?offset={10**30}", "query.offset"),  # once an OverflowError on SQLite, "bigint out of range" on PG
])
def test_integers_past_what_the_database_holds_are_422(
    sample_client: TestClient, sample_engine: Engine, path: str, field: str
) -> None:
    response = sample_client.get(path, headers=key_headers(sample_engine, Role.portal, TENANT))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field

"""Small faults found from outside, each once a 500 or a wrong answer, pinned here."""

import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.errors import add_exception_handlers
from policies.keys import Role
from tests.factories import example_firm, key_headers


def test_an_offset_past_any_integer_is_refused_by_name(sample_client: TestClient) -> None:
    for path in ("/v1/measures", "/v1/search?q=robot&"):
        response = sample_client.get(f"{path}{'&' if '?' in path else '?'}offset=9223372036854775808")
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "query.offset"


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_like_wildcards_in_q_match_themselves(sample_client: TestClient, wildcard: str) -> None:
    everything = sample_client.get("/v1/measures", params={"limit": 1}).json()["total"]
    response = sample_client.get("/v1/measures", params={"q": wildcard, "limit": 200})
    assert response.status_code == 200
    found = response.json()["items"]
    assert response.json()["total"] < everything  # once, "%" and "_" matched every measure
    for item in found:  # and what it finds holds the character itself ("120% additional …")
        assert wildcard in item["code"].lower() + item["title_en"].lower() + item["title_zh"]


def test_q_still_matches_words(sample_client: TestClient) -> None:
    assert sample_client.get("/v1/measures", params={"q": "voucher"}).json()["total"] > 0


def test_a_deleted_firms_external_ref_can_be_used_again(sample_client: TestClient, sample_engine: Engine) -> None:
    portal = key_headers(sample_engine, Role.portal, "reuse")
    body = {"profile": example_firm("ningbo-cmf-titanium"), "external_ref": "crm-42"}
    first = sample_client.post("/v1/firms", json=body, headers=portal)
    assert first.status_code == 201
    assert sample_client.post("/v1/firms", json=body, headers=portal).status_code == 409  # while it lives
    assert sample_client.delete(f"/v1/firms/{first.json()['id']}", headers=portal).status_code == 204
    again = sample_client.post("/v1/firms", json=body, headers=portal)
    assert again.status_code == 201, again.text
    assert again.json()["external_ref"] == "crm-42" and again.json()["id"] != first.json()["id"]


def test_a_lone_surrogate_in_an_overrides_key_is_a_422_not_a_500(sample_client: TestClient,
                                                                  sample_engine: Engine) -> None:
    portal = key_headers(sample_engine, Role.portal, "surrogate")
    body = json.dumps({"profile": example_firm("ningbo-cmf-titanium")})[:-1] + ', "overrides": {"\\ud800x": 1}}'
    response = sample_client.post("/v1/eligibility", content=body.encode(), headers=portal | {
        "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "overrides" in response.json()["errors"][0]["field"]


@pytest.fixture
def failing_client() -> Iterator[TestClient]:
    app = FastAPI()
    add_exception_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_unexpected_error_still_answers_problem_json(failing_client: TestClient) -> None:
    response = failing_client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Internal server error"
    assert "a bug" not in response.text  # no internals leak


def test_nul_is_refused_at_the_door_on_every_database(sample_client: TestClient, sample_engine: Engine) -> None:
    """PostgreSQL stores no text with NUL: it used to fail as a 500 deep in a write, after a passing dry run."""
    curator = key_headers(sample_engine, Role.curator, "nul")
    for response in (
        sample_client.get("/v1/measures/AB%00C"),
        sample_client.get("/v1/measures", params={"q": "robot\x00"}),
        sample_client.post("/v1/measures", content=b'{"code": "NUL-TEST", "title_en": "a\\u0000b"}',
                           headers=curator | {"Content-Type": "application/json"}),
        sample_client.post("/v1/measures/import?format=csv&dry_run=true", content=b"code,title_en\nX,a\x00b\n",
                           headers=curator | {"Content-Type": "text/csv"}),
    ):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "NUL" in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_text_not_nul(sample_client: TestClient, sample_engine: Engine) -> None:
    curator = key_headers(sample_engine, Role.curator, "backslash")
    response = sample_client.post("/v1/measures", content=b'{"code": "X", "title_en": "C:\\\\u0000"}',
                                  headers=curator | {"Content-Type": "application/json"})
    assert response.status_code == 422  # an incomplete draft, refused for what it lacks, not for NUL
    assert "NUL" not in response.text


def test_a_chunked_body_too_large_for_mcp_is_a_413_problem(sample_client: TestClient, sample_engine: Engine) -> None:
    """The mounted MCP app answered its 413 as text/plain."""
    portal = key_headers(sample_engine, Role.portal, "mcp-413")

    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b" " * 100_000

    response = sample_client.post("/mcp/", content=chunks(), headers=portal | {
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"

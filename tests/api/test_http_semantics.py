"""What the OpenAPI document promises and how the server speaks HTTP: security schemes, documented errors,
If-Match, HEAD, Allow on 405, and input that only looks like a date or a boolean."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from policies.keys import Role
from tests.factories import example_firm, key_headers

ERRORS = {"400", "401", "403", "404", "413", "422", "429", "500", "503"}


def test_the_document_declares_how_to_authenticate(sample_client: TestClient) -> None:
    document = sample_client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer <api key>`"}
    assert schemes["apiKey"]["in"] == "header" and schemes["apiKey"]["name"] == "X-API-Key"
    assert {"bearer": []} in document["security"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            names = {parameter["name"].lower() for parameter in operation.get("parameters", [])}
            assert not names & {"authorization", "x-api-key"}, f"{method} {path} asks for the key itself"


def test_every_v1_operation_documents_its_errors(sample_client: TestClient) -> None:
    document = sample_client.get("/openapi.json").json()
    for path, methods in document["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in methods.items():
            missing = ERRORS - set(operation["responses"])
            assert not missing, f"{method} {path} leaves {sorted(missing)} undocumented"


def test_if_match_is_required_where_the_route_requires_it(sample_client: TestClient) -> None:
    paths = sample_client.get("/openapi.json").json()["paths"]
    edit = next(p for p in paths["/v1/measures/{code}"]["patch"]["parameters"] if p["name"] == "if-match")
    assert edit["required"] is True and edit["schema"]["pattern"] == '^"[0-9]+"$'
    replace = next(p for p in paths["/v1/firms/{firm_id}"]["put"]["parameters"] if p["name"] == "if-match")
    assert replace["required"] is True


def test_head_answers_like_get_without_a_body(sample_client: TestClient) -> None:
    got = sample_client.get("/v1/measures/CN-INDUSTRIAL-DESIGN-VOUCHER")
    head = sample_client.head("/v1/measures/CN-INDUSTRIAL-DESIGN-VOUCHER")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-length"] == got.headers["content-length"]


def test_405_names_every_method_of_the_path(sample_client: TestClient) -> None:
    response = sample_client.delete("/v1/measures/CN-INDUSTRIAL-DESIGN-VOUCHER")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "GET, HEAD, PATCH"


def test_a_number_is_not_a_date_and_zero_is_not_false(sample_client: TestClient, sample_engine: Engine) -> None:
    portal = key_headers(sample_engine, Role.portal, "strict")
    profile = example_firm("ningbo-cmf-titanium")
    as_number = sample_client.post("/v1/match", json={"profile": profile, "as_of": 0}, headers=portal)
    assert as_number.status_code == 422 and as_number.json()["errors"][0]["field"] == "body.as_of"
    as_zero = sample_client.post("/v1/match", json={"profile": profile, "near_misses": 0}, headers=portal)
    assert as_zero.status_code == 422 and as_zero.json()["errors"][0]["field"] == "body.near_misses"
    assert sample_client.post("/v1/match", json={"profile": profile, "as_of": "2026-11-22", "near_misses": False},
                              headers=portal).status_code == 200


def test_the_root_leads_to_the_documentation(sample_client: TestClient) -> None:
    response = sample_client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/docs"


def test_the_json_import_body_is_documented_as_a_list_of_records(sample_client: TestClient) -> None:
    body = sample_client.get("/openapi.json").json()["paths"]["/v1/measures/import"]["post"]["requestBody"]
    json_body = body["content"]["application/json"]
    assert json_body["schema"]["type"] == "array" and json_body["example"][0]["status"] == "draft"
    assert set(body["content"]) == {"application/json", "application/yaml", "text/csv"}

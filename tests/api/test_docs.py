"""The OpenAPI document explains itself and the interactive docs work with no internet."""

import re

from fastapi.testclient import TestClient


def test_every_route_has_a_summary_tags_and_a_description(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("tags"), where
            assert operation.get("description"), where


def test_request_bodies_carry_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("MatchRequest", "EligibilityRequest", "AskRequest", "AssessRequest"):
        assert schemas[name].get("examples"), name


def test_docs_are_served_from_the_package(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
        assert assets, page
        for asset in assets:
            assert not asset.startswith(("http://", "https://", "//")), asset
            assert client.get(asset).status_code == 200, asset


def test_response_examples_are_real_and_current(client: TestClient) -> None:
    """The examples shown in /docs still validate against what the routes answer: the models' serialization
    schema, in which messages are one field in the reader's language (policies.i18n.OneLanguage)."""
    import jsonschema

    from api.openapi_examples import load
    from matching.usecases.ask import AskResult
    from matching.usecases.match import MatchResult
    from matching.usecases.search import SearchResult
    from matching.usecases.verdicts import EligibilityReport
    from policies.schemas import MeasurePublic

    for name, model in (("match", MatchResult), ("eligibility", EligibilityReport), ("search", SearchResult),
                        ("ask", AskResult), ("measure", MeasurePublic)):
        jsonschema.validate(load(name), model.model_json_schema(mode="serialization"))
    spec = client.get("/openapi.json").json()
    shown = spec["paths"]["/v1/match"]["post"]["responses"]["200"]["content"]["application/json"]
    assert shown["example"]["items"]


def test_every_route_shows_a_request_and_a_response_example(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    missing = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            if success == ["204"] or path.endswith("/export"):
                continue  # no body, or a file in the format asked for
            shown = any("example" in body for code in success
                        for body in responses[code].get("content", {}).values())
            if not shown:
                missing.append(f"{method.upper()} {path} response")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            if ref and not schemas[ref.rsplit("/", 1)[-1]].get("examples") and not body.get("example"):
                missing.append(f"{method.upper()} {path} request")
    assert missing == []


def test_request_examples_are_valid_requests() -> None:
    """An example a reader copies from /docs is accepted as it stands."""
    from api.routes.eligibility import EligibilityRequest
    from api.routes.keys import KeyCreate
    from api.routes.ladder import AssessRequest
    from api.routes.matches import MatchRequest
    from api.routes.measures import StatusChange
    from api.routes.reverse import PreviewRequest
    from api.routes.search import AskRequest
    from api.routes.webhooks import WebhookCreate
    from matching.store.firms import FirmWrite
    from policies.schemas import MeasureCreate, MeasureUpdate

    for model in (EligibilityRequest, KeyCreate, AssessRequest, MatchRequest, StatusChange, PreviewRequest,
                  AskRequest, WebhookCreate, FirmWrite, MeasureCreate, MeasureUpdate):
        examples = model.model_json_schema()["examples"]
        assert examples, model.__name__
        for example in examples:
            model.model_validate(example)

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
    """The examples shown in /docs still validate against the models the routes return."""
    from api.openapi_examples import load
    from matching.ask import AskResult
    from matching.matcher import MatchResult
    from matching.search import SearchResult
    from matching.verdicts import EligibilityReport
    from policies.schemas import MeasurePublic

    for name, model in (("match", MatchResult), ("eligibility", EligibilityReport), ("search", SearchResult),
                        ("ask", AskResult), ("measure", MeasurePublic)):
        model.model_validate(load(name))
    spec = client.get("/openapi.json").json()
    shown = spec["paths"]["/v1/match"]["post"]["responses"]["200"]["content"]["application/json"]
    assert shown["example"]["items"]

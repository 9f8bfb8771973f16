"""Bad input gets a 4xx problem+json naming the field at fault, never a 500."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import measure_data

CRITERION = {"type": "numeric", "field": "employees", "op": "lte", "value": 300}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"criteria": [CRITERION | {"sneaky": 1}]}, "body.criteria[0].sneaky", "Extra inputs"),
        ({"criteria": [{"type": "revenue_band", "min": 1}]}, "body.criteria[0]", "does not match"),
        ({"criteria": [CRITERION | {"op": "approximately"}]}, "body.criteria[0].op", "Input should be"),
        ({"criteria": [CRITERION | {"field": "turnover"}]}, "body.criteria[0].field", "Input should be"),
        (
            {"criteria": [{"type": "numeric", "field": "employees", "op": "between", "min": 500, "max": 20}]},
            "body.criteria[0]",
            "inverted range",
        ),
        ({"criteria": [CRITERION | {"field": "rd_ratio", "value": 5}]}, "body.criteria[0]", "is a fraction"),
        ({"jurisdiction": ["330300", "339999"]}, "body.jurisdiction[1]", "unknown region code"),
        ({"industries": ["C99"]}, "body.industries[0]", "unknown industry code"),
        ({"industries": ["manufacturing"]}, "body.industries[0]", "section letter"),
        ({"industries": ["C34"]}, "body.industries", "add an industry_in criterion with the same codes"),
        (
            {"criteria": [{"type": "any_of", "criteria": [CRITERION, {"type": "region_in", "codes": ["1"]}]}]},
            "body.criteria[0].criteria[1].codes[0]",
            "six digits",
        ),
        (
            {"window": {"mode": "batch", "opens": "2026-12-01", "closes": "2026-11-01"}},
            "body.window",
            "closes (2026-11-01) before it opens",
        ),
        ({"benefit": {"kind": "fixed", "amount": -5}}, "body.benefit.amount", "greater than 0"),
        ({"kind": "grant"}, "body.kind", "Input should be"),
        ({"surprise": True}, "body.surprise", "Extra inputs"),
        ({"code": "lower case"}, "body.code", "pattern"),
    ],
)
def test_bad_measures_are_refused_with_the_field_path(
    client: TestClient, curator: dict[str, str], overrides: dict[str, object], field: str, message: str
) -> None:
    response = client.post("/v1/measures", json=measure_data(**overrides), headers=curator)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert field in fields, fields
    assert message in fields[field]
    assert problem["status"] == 422
    assert problem["instance"] == "/v1/measures"


def test_malformed_json_is_a_problem(client: TestClient, curator: dict[str, str]) -> None:
    response = client.post(
        "/v1/measures", content=b"{not json", headers=curator | {"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_measure_is_404_problem(client: TestClient) -> None:
    response = client.get("/v1/measures/NO-SUCH-MEASURE")
    assert response.status_code == 404
    assert response.json()["title"] == "Measure not found"


def test_bad_list_filter_names_the_parameter(client: TestClient) -> None:
    response = client.get("/v1/measures?region=123")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.region"


def test_bad_if_match_is_400(client: TestClient, curator: dict[str, str]) -> None:
    client.post("/v1/measures", json=measure_data(), headers=curator)
    response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"title_en": "Other"},
                            headers=curator | {"If-Match": "*"})
    assert response.status_code == 400


def test_an_edit_listing_industries_it_does_not_enforce_is_refused(client: TestClient, curator: dict[str, str]) -> None:
    created = client.post("/v1/measures", json=measure_data(code="ZJ-TEST-OPEN", industries=[],
                                                            criteria=[CRITERION]), headers=curator)
    assert created.status_code == 201, created.text
    response = client.patch("/v1/measures/ZJ-TEST-OPEN", json={"industries": ["C34"]},
                            headers=curator | {"If-Match": created.headers["ETag"]})
    assert response.status_code == 422, response.text
    fields = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert "industry_in" in fields["body.industries"] and "leave industries empty" in fields["body.industries"]
    together = {"industries": ["C34"], "criteria": [CRITERION, {"type": "industry_in", "codes": ["C34"]}]}
    assert client.patch("/v1/measures/ZJ-TEST-OPEN", json=together,
                        headers=curator | {"If-Match": created.headers["ETag"]}).status_code == 200

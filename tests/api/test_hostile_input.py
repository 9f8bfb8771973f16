"""Input that once reached a 500 or slipped through validation (from a review of the code)."""

from collections.abc import Callable

from fastapi.testclient import TestClient

from policies.keys import Role
from tests.factories import measure_data

PROFILE = {"name": "测试企业", "region": "510108"}


def test_unicode_case_folding_in_place_names(client: TestClient) -> None:
    assert client.get("/v1/search", params={"q": "ſhanghai ſubsidy"}).status_code == 200


def test_if_match_with_odd_digits(client: TestClient, curator: dict[str, str]) -> None:
    client.post("/v1/measures", json=measure_data(), headers=curator)
    response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"title_en": "New title"},
                            headers=curator | {"If-Match": '"²"'.encode("latin-1")})  # type: ignore[dict-item]
    assert response.status_code == 400


def test_absurd_numbers_are_refused(client: TestClient, curator: dict[str, str],
                                    auth: Callable[[Role], dict[str, str]]) -> None:
    huge = client.post("/v1/measures", json=measure_data(benefit={"kind": "fixed", "amount": 10**400}),
                       headers=curator)
    assert huge.status_code == 422
    nan = client.post("/v1/measures", headers=curator | {"Content-Type": "application/json"},
                      content=b'{"code": "X-NAN", "criteria": [{"type": "numeric", "field": "employees", '
                              b'"op": "gte", "value": NaN}]}')
    assert nan.status_code == 422
    assert "criteria[0].value" in {e["field"].removeprefix("body.") for e in nan.json()["errors"]}
    portal = auth(Role.portal)
    rich = client.post("/v1/eligibility", json={"profile": PROFILE | {"operating_revenue": 10**400}}, headers=portal)
    assert rich.status_code == 422
    future = client.post("/v1/eligibility", json={"profile": PROFILE, "as_of": "9999-01-01"}, headers=portal)
    assert future.status_code == 422
    assert client.get("/v1/firms/99999999999999999999", headers=portal).status_code == 422


def test_patch_cannot_null_the_criteria(client: TestClient, curator: dict[str, str]) -> None:
    etag = client.post("/v1/measures", json=measure_data(), headers=curator).headers["ETag"]
    response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"criteria": None, "body": None},
                            headers=curator | {"If-Match": etag})
    assert response.status_code == 422
    assert "criteria" in response.json()["detail"]
    cleared = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"body": None}, headers=curator | {"If-Match": etag})
    assert cleared.status_code == 200


def test_keys_without_a_tenant_share_nothing(client: TestClient, auth: Callable[[Role], dict[str, str]]) -> None:
    first, second = auth(Role.portal), auth(Role.portal)
    created = client.post("/v1/firms", json={"profile": PROFILE, "external_ref": "a"}, headers=first)
    assert created.status_code == 201
    assert client.get(f"/v1/firms/{created.json()['id']}", headers=second).status_code == 404
    again = client.post("/v1/firms", json={"profile": PROFILE, "external_ref": "a"}, headers=first)
    assert again.status_code == 409

"""GET /v1/measures: the database pages when it can; region and industry filters page the same rows."""

import pytest
from fastapi.testclient import TestClient

from policies import reference
from policies.importing.loader import read_directory
from tests.conftest import SAMPLE_DIR

FILTERS = [
    {},
    {"region": "330302"},
    {"region": "510000"},
    {"industry": "C35"},
    {"region": "440307", "kind": "subsidy"},
    {"industry": "C", "level": "national"},
    {"q": "robot"},
]


def expected_codes(params: dict[str, str]) -> list[str]:
    """The sample catalogue filtered here by the definitions in the API docs, in code order."""
    kept = []
    for raw in read_directory(SAMPLE_DIR):
        if raw["status"] != "published":  # without a key, the published catalogue
            continue
        region, industry = params.get("region"), params.get("industry")
        if region and not any(reference.region_within(region, area) or reference.region_within(area, region)
                              for area in raw["jurisdiction"]):
            continue
        industries = raw.get("industries") or []
        if industry and industries and not any(code.startswith(industry) or industry.startswith(code)
                                               for code in industries):
            continue
        if "kind" in params and raw["kind"] != params["kind"]:
            continue
        if "level" in params and raw["level"] != params["level"]:
            continue
        if "q" in params and not any(params["q"].lower() in str(raw.get(field, "")).lower()
                                     for field in ("code", "title_en", "title_zh")):
            continue
        kept.append(raw["code"])
    return sorted(kept)


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_pages_join_into_the_filtered_catalogue(sample_client: TestClient, params: dict[str, str]) -> None:
    codes, offset, totals = [], 0, set()
    while True:
        page = sample_client.get("/v1/measures", params=params | {"offset": offset, "limit": 7})
        assert page.status_code == 200, page.text
        body = page.json()
        totals.add(body["total"])
        codes += [item["code"] for item in body["items"]]
        offset += 7
        if offset >= body["total"]:
            break
    assert codes == expected_codes(params)
    assert totals == {len(codes)}

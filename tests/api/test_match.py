"""POST /v1/match: ranking on the sample catalogue with the real bundled model."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from policies import keys
from policies.keys import Role
from tests.factories import example_firm as firm

AS_OF = "2026-11-22"


@pytest.fixture
def portal(sample_engine: Engine) -> dict[str, str]:
    with Session(sample_engine) as session:
        _, plain = keys.create_key(session=session, role=Role.portal, label="test portal", actor="test")
    return {"X-API-Key": plain}



def top(client: TestClient, headers: dict[str, str], profile: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/match", json={"profile": profile, "as_of": AS_OF} | extra, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("chengdu-longtan-robotics", "SC-CH-ROBOT-BASE-EQUIPMENT"),
        ("ningbo-cmf-titanium", "ZJ-NB-MEDDEVICE-REGISTRATION"),
    ],
)
def test_founding_firms_get_their_obvious_measure_near_the_top(
    sample_client: TestClient, portal: dict[str, str], slug: str, expected: str
) -> None:
    result = top(sample_client, portal, firm(slug), limit=3)
    assert expected in [item["code"] for item in result["items"]]


def test_every_item_is_explained(sample_client: TestClient, portal: dict[str, str]) -> None:
    result = top(sample_client, portal, firm("chengdu-digital-twin"), limit=20, near_misses=True)
    assert result["catalogue_version"] > 0
    tiers = [item["verdict"] for item in result["items"]]
    assert tiers == sorted(tiers, key=["eligible", "possibly_eligible", "near_miss"].index)
    for item in result["items"]:
        parts = item["parts"]
        assert all(0.0 <= parts[name] <= 1.0 for name in ("relevance", "value", "timeliness", "specificity"))
        assert item["window"]["status"] != "closed"
        if item["verdict"] == "possibly_eligible":
            assert item["missing"] or item["to_confirm"]
        if item["verdict"] == "near_miss":
            assert item["changes_needed"]
    codes = set(result["bundle"]["codes"])
    groups = [item["exclusivity_group"] for item in result["items"] if item["code"] in codes and item["exclusivity_group"]]
    assert len(groups) == len(set(groups))  # never two measures that cannot be combined


def test_chinese_only_and_english_only_descriptions(sample_client: TestClient, portal: dict[str, str]) -> None:
    profile = firm("chengdu-longtan-robotics")
    chinese = profile | {"description": "我们在成都龙潭工业园建设工业机器人生产基地", "needs": "需要设备投资补助和厂房租金补贴"}
    english = profile | {"description": "We build industrial robots at a new base in the Longtan industrial park",
                         "needs": "Subsidy for equipment investment and help with factory rent"}
    for variant in (chinese, english):
        items = top(sample_client, portal, variant, limit=60)["items"]
        eligible = [item["code"] for item in items if item["verdict"] == "eligible"]
        possibly = [item["code"] for item in items if item["verdict"] == "possibly_eligible"]
        # The base's equipment subsidy (its agreement confirmed) leads the eligible; the rent subsidy, whose
        # lease nobody has confirmed yet, leads the possibly eligible.
        assert eligible[0] == "SC-CH-ROBOT-BASE-EQUIPMENT", eligible
        assert possibly[:3].count("SC-CH-LONGTAN-ROBOT-RENT") == 1, possibly


def test_filters_and_stable_pages(sample_client: TestClient, portal: dict[str, str]) -> None:
    profile = firm("ningbo-cmf-titanium")
    whole = top(sample_client, portal, profile, limit=20)
    first = top(sample_client, portal, profile, limit=10)
    second = top(sample_client, portal, profile, limit=10, offset=10)
    assert [i["code"] for i in whole["items"]] == [i["code"] for i in first["items"] + second["items"]]
    loans = top(sample_client, portal, profile, kinds=["low_interest_loan", "credit_guarantee"], limit=50)
    assert loans["items"] and {i["kind"] for i in loans["items"]} <= {"low_interest_loan", "credit_guarantee"}
    district = top(sample_client, portal, profile, levels=["district"], limit=50)
    assert {i["level"] for i in district["items"]} == {"district"}
    with_closed = top(sample_client, portal, profile, include_closed=True, limit=100)
    assert with_closed["total"] >= whole["total"]


def test_match_needs_a_key_and_valid_input(sample_client: TestClient, portal: dict[str, str]) -> None:
    profile = firm("chengdu-digital-twin")
    assert sample_client.post("/v1/match", json={"profile": profile}).status_code == 401
    bad = sample_client.post("/v1/match", json={"profile": profile, "limit": 0, "kinds": ["grant"]}, headers=portal)
    assert bad.status_code == 422
    assert {"body.limit", "body.kinds[0]"} <= {e["field"] for e in bad.json()["errors"]}


def test_health_names_the_catalogue_version(sample_client: TestClient) -> None:
    health = sample_client.get("/health").json()
    assert health["catalogue_version"] > 0 and health["published"] >= 150
    assert health["model"] == "universal-sentence-encoder-multilingual-v3"  # the default encoder reads Chinese


def test_a_firm_where_no_local_measure_is_on_file_is_told_so(sample_client: TestClient, portal: dict[str, str]) -> None:
    jiangsu = firm("chengdu-longtan-robotics") | {"region": "320102"}
    result = top(sample_client, portal, jiangsu, limit=5)
    assert result["coverage"]["not_on_file"] == ["provincial", "municipal", "district"]
    assert "江苏省南京市玄武区" in result["coverage"]["notice"]  # in English, the place keeps its Chinese name
    chinese = sample_client.post("/v1/match", json={"profile": jiangsu, "limit": 5},
                                 headers=portal | {"Accept-Language": "zh-CN"}).json()
    assert chinese["coverage"]["notice"].startswith("目录中暂无")
    assert all(item["level"] == "national" for item in result["items"])
    answer = sample_client.post("/v1/eligibility", json={"profile": jiangsu}, headers=portal).json()
    assert answer["coverage"] == result["coverage"]

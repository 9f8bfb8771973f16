"""Every route answered in the reader's language: no English sentence for a Chinese reader, no Chinese for an
English one (official names aside), errors included, and Chinese when a caller says nothing.

The walk calls every operation of the OpenAPI document (the test fails when one is added and not walked)
plus the errors people meet, and reads every string of every answer. What is not a message is left
out by name: stored content kept in both languages (`title_en`/`title_zh`, …), identifiers and codes,
and text the caller sent that comes back (a firm's name, a key's label).
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlmodel import Session

from api.config import ApiSettings
from api.main import create_app
from matching.text.embeddings import Encoder
from policies import keys, reference
from policies.keys import Role
from policies.schemas import EXAMPLE_MEASURE
from policies.vocabulary import DESIGNATION_NAMES_ZH

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-22"
FIRM = yaml.safe_load((ROOT / "examples" / "firms" / "chengdu-longtan-robotics.yaml").read_text(encoding="utf-8"))

# Two English words in a row: a sentence, or a phrase of one. Codes (SC-CH-ROBOT), units (GB/T 4754) and
# single acronyms (CMMI) are not, nor a field's name before a colon ("industries: industries：[C] 并不…").
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;'’]+[A-Za-z]{2,})+")
CHINESE = re.compile(r"[\u3400-\u9fff\u2160-\u216f]+")
# Names English readers meet in Chinese too: places (no English names are on file), the titles firms are
# recognised with, and the programmes' own words.
# The rulebooks' own terms are quoted in Chinese beside their English (专精特新发展评价, 直通, 首台套).
OFFICIAL_CHINESE = {run for name in ({"专精特新", "小巨人", "规上", "工信厅企业", "号", "蓉漂计划", "免申即享", "万元", "亿元", "亿", "专精特新发展评价", "创新能力", "成长性", "专业化",
                                     "统计用产品分类目录", "直通", "国家级技术创新示范企业", "知识产权优势", "示范企业", "首台套",
                                     "创新积分制", "Ⅰ类", "Ⅱ类"} | set(DESIGNATION_NAMES_ZH.values())
                                    | set(reference.regions().names.values())) for run in CHINESE.findall(name)}
# Keys whose strings are not messages: identifiers, codes, addresses, and the caller's own words echoed.
NOT_MESSAGES = {
    "code", "codes", "field", "fields", "type", "instance", "url", "source_url", "external_ref", "label", "tenant",
    "prefix", "name", "description", "needs", "actor", "topic", "event", "status", "kind", "path", "rule", "etag",
    "instead", "measures", "implements", "exclusivity_group", "conflicts_with", "region", "industries", "jurisdiction",
    "query", "q", "highlight_terms", "field_path", "role", "secret", "key", "entity_ref", "unit", "op", "attestation",
    "designation", "scheme", "legal_basis", "missing", "verdict", "window_status", "rung", "regime", "mode", "as_of",
    "bound", "value", "created_by", "confirmed_by", "question", "settle", "place", "searched", "not_on_file", "before", "after", "snapshot", "regions",
}


def _client(engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    app = create_app(engine=engine, settings=ApiSettings(load_sample=False, webhook_interval=0), encoder=encoder)
    with TestClient(app) as client:  # no Accept-Language of its own: each call says which, or none
        yield client


@pytest.fixture
def reader(sample_engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    yield from _client(sample_engine, encoder)


def _key(engine: Engine, role: Role, tenant: str | None = None) -> dict[str, str]:
    with Session(engine) as session:
        _, plain = keys.create_key(session=session, role=role, label="language walk", actor="test", tenant=tenant)
    return {"X-API-Key": plain}


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) for each string a person might read, skipping what `NOT_MESSAGES` names."""
    if isinstance(value, dict):
        for name, item in value.items():
            # Stored content kept in both languages (`summary` beside `summary_zh`) is given in both.
            if (name in NOT_MESSAGES or name.endswith(("_en", "_zh", "_code")) or f"{name}_zh" in value
                    or f"{name}_en" in value):
                continue
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


class Client:
    """The test client in one language, remembering every answer and which operation it came from."""

    def __init__(self, client: TestClient, engine: Engine, language: str | None) -> None:
        self.client, self.engine, self.language = client, engine, language
        self.answers: list[tuple[str, Response]] = []

    def __call__(self, method: str, url: str, **kwargs: Any) -> Response:
        headers = kwargs.pop("headers", {}) | ({"Accept-Language": self.language} if self.language else {})
        response = self.client.request(method, url, headers=headers, **kwargs)
        self.answers.append((f"{method} {url}", response))
        return response

    def walk(self) -> list[tuple[str, Response]]:  # noqa: PLR0915  # one straight walk reads best
        engine = self.engine
        portal, curator = _key(engine, Role.portal, "chengdu-portal"), _key(engine, Role.curator)
        admin = _key(engine, Role.admin)
        firm = json.loads(json.dumps(FIRM, default=str))
        code = "ZJ-WZ-LANGUAGE-WALK"
        created = self("POST", "/v1/measures", json=EXAMPLE_MEASURE | {"code": code}, headers=curator)
        assert created.status_code == 201, created.text
        self("PATCH", f"/v1/measures/{code}", json={"benefit": {"kind": "fixed", "amount": 800_000}},
             headers=curator | {"If-Match": created.headers["ETag"]})
        self("POST", f"/v1/measures/{code}/status", json={"status": "in_review"}, headers=curator)
        self("GET", f"/v1/measures/{code}/revisions", headers=curator)
        self("GET", f"/v1/measures/{code}/revisions/2", headers=curator)
        self("GET", f"/v1/measures/{code}/diff?from=1&to=3", headers=curator)
        self("GET", "/v1/measures?region=330300&limit=3")
        self("POST", "/v1/measures/import?dry_run=true", headers=curator,
             json=[EXAMPLE_MEASURE | {"code": "ZJ-WZ-LANGUAGE-TWO", "summary_zh": None}])
        self("GET", "/v1/measures/export?format=json&status=draft", headers=curator)
        key = self("POST", "/v1/keys", headers=admin, json={"role": "portal", "label": "Ningbo portal"}).json()
        self("GET", "/v1/keys", headers=admin)
        self("DELETE", f"/v1/keys/{key['id']}", headers=admin)
        self("POST", "/v1/match", json={"profile": firm, "as_of": AS_OF, "limit": 5, "near_misses": True},
             headers=portal)
        self("POST", "/v1/eligibility", headers=portal, json={"profile": firm, "as_of": AS_OF})
        self("POST", "/v1/assess", json={"profile": firm, "as_of": AS_OF}, headers=portal)
        self("GET", "/v1/search", params={"q": "温州 小巨人 奖励", "as_of": AS_OF, "limit": 3})
        self("GET", "/v1/search", params={"q": "robot equipment subsidy", "as_of": AS_OF, "limit": 3})
        self("GET", "/v1/measures/ZJ-WZ-LITTLE-GIANT-FIRST-AWARD/similar", params={"limit": 3})
        self("POST", "/v1/ask", headers=portal, json={"question": "机器人 设备 补贴", "profile": firm, "as_of": AS_OF})
        self("POST", "/v1/ask", headers=portal, json={"question": "what can we get for hiring engineers"})
        self("GET", "/v1/measures/ZJ-WZ-LITTLE-GIANT-FIRST-AWARD")
        stored = self("POST", "/v1/firms", headers=portal, json={"profile": firm, "external_ref": "crm-1042"}).json()
        firm_url = f"/v1/firms/{stored['id']}"
        self("GET", "/v1/firms", headers=portal)
        self("GET", firm_url, headers=portal)
        self("PUT", firm_url, headers=portal | {"If-Match": '"1"'},
             json={"profile": firm | {"employees": 240}, "external_ref": "crm-1042"})
        applied = {"measure_code": "SC-CD-LITTLE-GIANT-AWARD-2026", "event": "applied", "occurred_on": "2026-11-02"}
        outcome = self("POST", f"{firm_url}/outcomes", headers=portal, json=applied).json()
        self("GET", f"{firm_url}/outcomes", headers=portal)
        self("GET", f"{firm_url}/outcomes/{outcome['id']}", headers=portal)
        self("PUT", f"{firm_url}/outcomes/{outcome['id']}", headers=portal | {"If-Match": '"1"'},
             json=applied | {"occurred_on": "2026-11-20"})
        self("PUT", f"{firm_url}/outcomes/{outcome['id']}", headers=portal | {"If-Match": '"1"'}, json=applied)
        self("POST", f"{firm_url}/outcomes", headers=portal, json=applied | {"amount_yuan": "5000", "reason": "x"})
        self("POST", f"{firm_url}/outcomes", headers=portal, json=applied | {"measure_code": "NO-SUCH-MEASURE"})
        self("POST", f"{firm_url}/outcomes", headers=portal, json=applied | {"occurred_on": "2999-01-01"})
        self("GET", f"{firm_url}/outcomes/999999", headers=portal)
        self("GET", f"{firm_url}/history", headers=portal)
        self("GET", "/v1/measures/SC-CH-ROBOT-BASE-EQUIPMENT/candidates", headers=curator)
        self("POST", "/v1/measures/preview", headers=curator, json={
            "measure": EXAMPLE_MEASURE | {"code": "DRAFT-X", "jurisdiction": ["510100"],
                                          "criteria": [{"type": "numeric", "field": "employees", "op": "lte",
                                                        "value": 300}]},
            "sweep": {"path": 0, "values": [300, 500]}})
        hook = self("POST", "/v1/webhooks", headers=portal, json={"url": "https://portal.example.cn/hooks/sm"}).json()
        self("GET", "/v1/webhooks", headers=portal)
        self("GET", f"/v1/webhooks/{hook['id']}/deliveries", headers=portal)
        self("DELETE", f"/v1/webhooks/{hook['id']}", headers=portal)
        self("GET", "/v1/changes", params={"since": 0, "limit": 3}, headers=curator)
        self("DELETE", firm_url, headers=portal)
        self("GET", "/health")
        self("GET", "/ready")
        self("GET", "/metrics")
        # The errors people meet: unknown things, bad input, missing keys and roles, stale writes, limits.
        self("GET", "/v1/measures/NO-SUCH-MEASURE")
        self("GET", "/v1/nowhere")
        self("PUT", "/v1/search")
        self("POST", "/v1/match", json={"profile": firm | {"employees": -3, "region": "999999"}}, headers=portal)
        self("POST", "/v1/match", json={"firm_id": 1, "profile": firm}, headers=portal)
        self("POST", "/v1/match", content=b"{not json", headers=portal | {"Content-Type": "application/json"})
        self("POST", "/v1/match", json={"profile": firm})
        self("POST", "/v1/keys", headers=portal, json={"role": "admin"})
        self("POST", "/v1/measures", json=EXAMPLE_MEASURE | {"code": code}, headers=curator)
        self("POST", "/v1/measures", json=EXAMPLE_MEASURE | {"code": "X-BAD", "criteria": [{"type": "numeric",
             "field": "employees", "op": "between", "min": 9, "max": 3}]}, headers=curator)
        self("PATCH", f"/v1/measures/{code}", json={"title_en": "x"}, headers=curator | {"If-Match": '"1"'})
        self("PATCH", f"/v1/measures/{code}", json={"title_en": "x"}, headers=curator)
        self("POST", f"/v1/measures/{code}/status", json={"status": "retired"}, headers=curator)
        self("POST", "/v1/eligibility", headers=portal, json={"profile": firm, "measures": ["NOT-A-MEASURE"]})
        self("GET", "/v1/firms/999999", headers=portal)
        # A unified social credit code whose check character is wrong (9, where the code asks for P).
        self("POST", "/v1/firms", headers=portal, json={"profile": firm | {"credit_code": "91330300MA2H7Q8L19"}})
        self("GET", "/v1/search", params={"q": "x" * 600})
        self("POST", "/v1/webhooks", headers=portal, json={"url": "http://127.0.0.1:9/hook"})
        self("POST", "/v1/measures/import", headers=curator, content=b"code,title_en\n\x00,x",
             params={"format": "csv"})
        self("POST", "/v1/measures/import", headers=curator, json=[{"code": "BROKEN", "kind": "subsidy"}])
        self("GET", "/v1/measures?status=draft")
        self("GET", "/v1/measures", params={"kind": "nope", "level": "nowhere"})  # pydantic lists the allowed values
        return self.answers


def _operations(client: TestClient) -> set[tuple[str, re.Pattern[str]]]:
    return {(method.upper(), re.compile(re.sub(r"\{[^}]+\}", "[^/]+", path) + r"(\?.*)?"))
            for path, item in client.app.openapi()["paths"].items() for method in item}


def _offences(answers: list[tuple[str, Response]], language: str) -> list[str]:
    found = []
    for call, response in answers:
        assert response.status_code < 500, (call, response.text)
        if response.headers.get("content-type", "").split(";")[0] not in ("application/json",
                                                                          "application/problem+json"):
            continue
        for key, text in _strings(response.json()):
            if language == "zh" and (match := ENGLISH.search(text)):
                found.append(f"{call} → {key}: {match.group()!r} in {text[:120]!r}")
            if language == "en":
                foreign = [run for run in CHINESE.findall(text) if run not in OFFICIAL_CHINESE]
                if foreign:
                    found.append(f"{call} → {key}: {foreign[0]!r} in {text[:120]!r}")
    return found


@pytest.mark.parametrize(("header", "language"), [("zh-CN", "zh"), (None, "zh"), ("en", "en")])
def test_every_route_answers_in_the_readers_language(reader: TestClient, sample_engine: Engine, header: str | None,
                                                     language: str) -> None:
    answers = Client(reader, sample_engine, header).walk()
    walked = {call.split(" ", 1)[0] + " " + call.split(" ", 1)[1] for call, _ in answers}
    unwalked = [f"{method} {pattern.pattern}" for method, pattern in _operations(reader)
                if not any(call.startswith(method + " ") and pattern.fullmatch(call.split(" ", 1)[1].split("?")[0])
                           for call in walked)]
    assert not unwalked, f"operations the walk does not call: {unwalked}"
    assert all(response.headers["content-language"] == ("zh-CN" if language == "zh" else "en")
               for _, response in answers)
    offences = _offences(answers, language)
    assert not offences, f"{len(offences)} untranslated:\n" + "\n".join(offences[:60])


def test_answers_vary_by_language(reader: TestClient) -> None:
    response = reader.get("/v1/measures/NO-SUCH-MEASURE", headers={"Accept-Language": "en"})
    assert "Accept-Language" in response.headers["vary"]
    assert response.json()["title"] == "Measure not found"
    chinese = reader.get("/v1/measures/NO-SUCH-MEASURE").json()
    assert chinese["title"] == "未找到该政策" and chinese["type"] == "/problems/measure-not-found"


def test_the_default_language_is_a_setting(sample_engine: Engine, encoder: Encoder) -> None:
    app = create_app(engine=sample_engine, encoder=encoder,
                     settings=ApiSettings(load_sample=False, webhook_interval=0, language="en"))
    with TestClient(app) as client:
        response = client.get("/v1/measures/NO-SUCH-MEASURE")
    assert response.headers["content-language"] == "en" and response.json()["title"] == "Measure not found"

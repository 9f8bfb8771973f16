"""Capture the OpenAPI response examples in api/examples/ from a real run on the sample catalogue.

Run after changing a response shape (tests/api/test_docs.py fails until the examples match again):

    .venv/bin/python examples/capture_openapi_examples.py

Lists in the captured responses are cut to two items to keep /docs readable. The
webhook delivery log is written by hand: no delivery exists in a fresh catalogue.
"""

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.config import ApiSettings
from api.main import create_app
from matching.config import MatchingSettings
from policies import keys
from policies.db import make_engine
from policies.importing.loader import import_records, read_directory
from policies.keys import Role
from policies.migrate import upgrade_database
from policies.schemas import EXAMPLE_MEASURE

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"
DELIVERY_LOG = [{
    "id": 7, "event_id": 212, "topic": "measure.published", "status": "delivered", "attempts": 2, "last_status": 204,
    "last_error": None, "created_at": "2026-11-22T03:10:02", "delivered_at": "2026-11-22T03:10:04",
    "log": [{"at": "2026-11-22T03:10:02", "status": 503, "error": "receiver answered 503"},
            {"at": "2026-11-22T03:10:04", "status": 204, "error": None}],
}]


def trim(value: Any, keep: int = 2) -> Any:
    if isinstance(value, list):
        return [trim(item, keep) for item in value[:keep]]
    if isinstance(value, dict):
        return {key: trim(item, keep) for key, item in value.items()}
    return value


def headers(session: Session, role: Role, label: str, tenant: str | None = None) -> dict[str, str]:
    _, plain = keys.create_key(session=session, role=role, label=label, actor="example", tenant=tenant)
    return {"X-API-Key": plain}


def capture(client: TestClient, portal: dict[str, str], curator: dict[str, str],
            admin: dict[str, str]) -> dict[str, Any]:
    firm = json.loads(json.dumps(yaml.safe_load(
        (ROOT / "examples" / "firms" / "chengdu-longtan-robotics.yaml").read_text(encoding="utf-8")), default=str))
    code = "ZJ-WZ-EXAMPLE-AWARD"
    out: dict[str, Any] = {}
    created = client.post("/v1/measures", json=EXAMPLE_MEASURE | {"code": code}, headers=curator)
    out["create_measure"] = created.json()
    out["update_measure"] = client.patch(f"/v1/measures/{code}", json={"benefit": {"kind": "fixed", "amount": 800_000}},
                                         headers=curator | {"If-Match": created.headers["ETag"]}).json()
    out["change_status"] = client.post(f"/v1/measures/{code}/status", json={"status": "in_review"},
                                       headers=curator).json()
    out["list_revisions"] = client.get(f"/v1/measures/{code}/revisions", headers=curator).json()
    out["get_revision"] = client.get(f"/v1/measures/{code}/revisions/2", headers=curator).json()
    out["diff_revisions"] = client.get(f"/v1/measures/{code}/diff?from=1&to=3", headers=curator).json()
    out["list_measures"] = client.get("/v1/measures", params={"region": "330300", "limit": 2}).json()
    out["import_measures"] = client.post("/v1/measures/import?dry_run=true", headers=curator,
                                         json=[EXAMPLE_MEASURE | {"code": "ZJ-WZ-EXAMPLE-TWO"}]).json()
    out["create_key"] = client.post("/v1/keys", headers=admin, json={
        "role": "portal", "label": "Ningbo enterprise portal", "tenant": "ningbo-portal"}).json()
    out["list_keys"] = client.get("/v1/keys", headers=admin).json()
    out["revoke_key"] = client.delete(f"/v1/keys/{out['create_key']['id']}", headers=admin).json()
    out["match"] = client.post("/v1/match", json={"profile": firm, "as_of": AS_OF, "limit": 2}, headers=portal).json()
    out["eligibility"] = client.post("/v1/eligibility", headers=portal, json={
        "profile": firm, "as_of": AS_OF, "measures": ["SC-CH-ROBOT-BASE-EQUIPMENT"]}).json()
    out["assess_firm"] = client.post("/v1/assess", json={"profile": firm, "as_of": AS_OF}, headers=portal).json()
    out["search"] = client.get("/v1/search", params={"q": "温州 小巨人 奖励", "as_of": AS_OF, "limit": 2}).json()
    out["similar_measures"] = client.get("/v1/measures/ZJ-WZ-LITTLE-GIANT-FIRST-AWARD/similar",
                                         params={"limit": 2}).json()
    out["ask"] = client.post("/v1/ask", headers=portal, json={
        "question": "robot equipment subsidy", "profile": firm, "as_of": AS_OF, "limit": 2}).json()
    out["measure"] = client.get("/v1/measures/ZJ-WZ-LITTLE-GIANT-FIRST-AWARD").json()
    stored = client.post("/v1/firms", headers=portal, json={
        "profile": firm, "external_ref": "crm-1042",
        "provenance": {"employees": {"source": "registry", "as_of": "2026-06-30"}}})
    firm_url = f"/v1/firms/{stored.json()['id']}"
    out["create_firm"] = stored.json()
    out["list_firms"] = client.get("/v1/firms", headers=portal).json()
    out["get_firm"] = client.get(firm_url, headers=portal).json()
    out["update_firm"] = client.put(firm_url, headers=portal | {"If-Match": '"1"'}, json={
        "profile": firm | {"employees": 240}, "external_ref": "crm-1042"}).json()
    applied = {"measure_code": "SC-CD-LITTLE-GIANT-AWARD-2026", "event": "applied", "occurred_on": "2026-11-02"}
    recorded = client.post(f"{firm_url}/outcomes", headers=portal, json=applied)
    out["record_outcome"] = recorded.json()
    out["correct_outcome"] = client.put(f"{firm_url}/outcomes/{recorded.json()['id']}",
                                        headers=portal | {"If-Match": '"1"'},
                                        json=applied | {"occurred_on": "2026-11-20"}).json()
    out["list_outcomes"] = client.get(f"{firm_url}/outcomes", headers=portal).json()
    history = client.get(f"{firm_url}/history", headers=portal).json()
    out["firm_history"] = [history[0], history[-1]]  # a profile's version and an outcome's
    out["measure_candidates"] = client.get("/v1/measures/SC-CH-ROBOT-BASE-EQUIPMENT/candidates",
                                           headers=curator).json()
    out["preview_draft"] = client.post("/v1/measures/preview", headers=curator, json={
        "measure": EXAMPLE_MEASURE | {"code": "DRAFT-X", "jurisdiction": ["510100"],
                                      "criteria": [{"type": "numeric", "field": "employees", "op": "lte",
                                                    "value": 300}]},
        "sweep": {"path": 0, "values": [300, 500]}}).json()
    out["create_webhook"] = client.post("/v1/webhooks", headers=portal,
                                        json={"url": "https://portal.example.cn/hooks/supportmatch"}).json()
    out["list_webhooks"] = client.get("/v1/webhooks", headers=portal).json()
    out["list_deliveries"] = DELIVERY_LOG
    out["change_feed"] = client.get("/v1/changes", params={"since": 175, "limit": 3}, headers=curator).json()
    out["health"] = client.get("/health").json()
    return out


def main() -> None:
    url = f"sqlite:///{tempfile.mkdtemp()}/examples.db"
    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        import_records(session=session, raw=read_directory(ROOT / "policies" / "sample" / "catalogue"),
                       actor="sample", dry_run=False)
        portal = headers(session, Role.portal, "Chengdu enterprise portal", "chengdu-portal")
        curator = headers(session, Role.curator, "Bureau curator")
        admin = headers(session, Role.admin, "Bureau admin")
    app = create_app(engine=engine, settings=ApiSettings(load_sample=False, webhook_interval=0),
                     encoder=MatchingSettings(snapshot_dir="").open_encoder())
    with TestClient(app) as client:
        captured = capture(client, portal, curator, admin)
    for name, body in captured.items():
        path = ROOT / "api" / "examples" / f"{name}.json"
        path.write_text(json.dumps(trim(body), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(captured)} examples to api/examples/")


if __name__ == "__main__":
    main()

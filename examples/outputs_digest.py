"""Every answer the service gives for the example firms, as one JSON document, to prove a refactoring changes none.

Drives the real application through HTTP (FastAPI's test client) on a fresh SQLite
database with the sample catalogue, so it depends on nothing inside the engine and
runs unchanged before and after the code moves:

    .venv/bin/python examples/outputs_digest.py before.json     # on the old commit
    .venv/bin/python examples/outputs_digest.py after.json      # on the new one
    .venv/bin/python examples/outputs_digest.py --compare before.json after.json

It records, for every firm in `examples/firms/`, `POST /v1/match` (with near misses),
`POST /v1/eligibility`, `POST /v1/assess` and `POST /v1/ask`; a set of searches in
both languages; and, with every example firm stored, `GET /v1/measures/{code}/candidates`
for a spread of measures. Times and database ids, which differ between runs, are
left out. Two runs of the same code can differ in the sixth decimal of a BM25 score
(float32 sums in another order), so `--compare` holds numbers to 1e-5 and everything
else (order, verdicts, texts, amounts) exactly.
"""

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = "2026-11-22"
SEARCHES = ["首台套保险", "成都市 人才", "贷款贴息", "专精特新 奖励", "R&D super deduction", "talent housing subsidy",
            "industrial design voucher", "little giant award Zhejiang"]
CANDIDATE_MEASURES = 12
VOLATILE = {"created_at", "updated_at", "request_id", "id", "firm_id", "generated_at"}


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def digest() -> dict[str, Any]:
    from api.config import ApiSettings
    from api.main import create_app
    from policies import keys
    from policies.db import make_engine
    from policies.importing.loader import import_records, read_directory
    from policies.keys import Role
    from policies.migrate import upgrade_database

    folder = Path(tempfile.mkdtemp(prefix="supportmatch-digest-"))
    os.environ["MATCHING_SNAPSHOT_DIR"] = str(folder / "snapshots")
    url = f"sqlite:///{folder / 'digest.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        import_records(session=session, raw=read_directory(ROOT / "policies" / "sample" / "catalogue"),
                       actor="sample", dry_run=False)
        _, portal = keys.create_key(session=session, role=Role.portal, label="digest", actor="digest", tenant="digest")
        _, curator = keys.create_key(session=session, role=Role.curator, label="digest", actor="digest")
    portal_auth = {"Authorization": f"Bearer {portal}"}
    curator_auth = {"Authorization": f"Bearer {curator}"}
    firms = {path.stem: json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
             for path in sorted((ROOT / "examples" / "firms").glob("*.yaml"))}
    out: dict[str, Any] = {"firms": {}, "search": {}, "candidates": {}}
    app = create_app(engine=engine, settings=ApiSettings(load_sample=False, webhook_interval=0,
                                                         rate_limit_per_minute=0))
    with TestClient(app) as client:
        def post(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
            response = client.post(path, json=body, headers=headers or portal_auth)
            return {"status": response.status_code, "body": _scrub(response.json())}

        for name, profile in firms.items():
            out["firms"][name] = {
                "match": post("/v1/match", {"profile": profile, "as_of": AS_OF, "near_misses": True, "limit": 50}),
                "eligibility": post("/v1/eligibility", {"profile": profile, "as_of": AS_OF}),
                "assess": post("/v1/assess", {"profile": profile, "as_of": AS_OF}),
                "ask": post("/v1/ask", {"question": "我们能申请哪些研发补贴？", "profile": profile, "as_of": AS_OF}),
            }
            stored = client.post("/v1/firms", json={"profile": profile, "external_ref": name}, headers=portal_auth)
            assert stored.status_code == 201, stored.text
        for query in SEARCHES:
            response = client.get("/v1/search", params={"q": query, "limit": 20})
            out["search"][query] = {"status": response.status_code, "body": _scrub(response.json())}
        codes = [item["code"] for offset in (0, 200)
                 for item in client.get("/v1/measures", params={"limit": 200, "offset": offset}).json()["items"]]
        for code in codes[:: max(1, len(codes) // CANDIDATE_MEASURES)]:
            response = client.get(f"/v1/measures/{code}/candidates", params={"limit": 50}, headers=curator_auth)
            out["candidates"][code] = {"status": response.status_code, "body": _scrub(response.json())}
    engine.dispose()
    return out


def differences(before: Any, after: Any, where: str = "") -> list[str]:
    if isinstance(before, float) or isinstance(after, float):
        same = isinstance(before, (int, float)) and isinstance(after, (int, float)) and abs(before - after) <= 1e-5
        return [] if same else [f"{where}: {before!r} != {after!r}"]
    if isinstance(before, dict) and isinstance(after, dict):
        if before.keys() != after.keys():
            return [f"{where}: keys {sorted(before.keys() ^ after.keys())}"]
        return [found for key in before for found in differences(before[key], after[key], f"{where}.{key}")]
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items != {len(after)}"]
        return [found for i, pair in enumerate(zip(before, after, strict=True)) for found in differences(*pair, f"{where}[{i}]")]
    return [] if before == after else [f"{where}: {before!r} != {after!r}"]


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        found = differences(*(json.loads(Path(name).read_text(encoding="utf-8")) for name in sys.argv[2:4]))
        print("\n".join(found[:50]) or "identical (numbers to 1e-5)")
        sys.exit(1 if found else 0)
    target = Path(sys.argv[1])
    target.write_text(json.dumps(digest(), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"wrote {target}")

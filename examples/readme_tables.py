"""Print README's "What a portal sees" section from a real run on the sample catalogue.

    .venv/bin/python examples/readme_tables.py > /tmp/portal.md

Each firm is matched as a portal would match it (`POST /v1/match`, default settings, as of
2026-11-22); the tables, counts, bundles and next questions are the service's own output.
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

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"
FIRMS = ["ningbo-cmf-titanium", "zhejiang-broaching-machines", "chengdu-longtan-robotics", "chengdu-digital-twin",
         "chengdu-laser-tv-screen"]
WINDOWS = {"open": "open", "closing_soon": "closing soon", "not_yet_open": "not yet open", "closed": "closed",
           "automatic": "automatic"}


def _amount(item: dict[str, Any]) -> str:
    """A point where the base is known; else the range and the prior the ranking reads; named by its kind."""
    benefit = item["estimated_benefit"]
    if benefit["kind"] == "equity":
        return f"equity up to {benefit['principal']:,} (not income)"
    if benefit["amount"] is not None:
        shown = f"{benefit['amount']:,}"
    elif benefit["high"] is not None:
        shown = f"{benefit['low'] or 0:,}–{benefit['high']:,}, ≈ {benefit['expected']:,}"
    else:
        shown = f"≈ {benefit['expected']:,}" if benefit["expected"] else "—"
    suffix = {"tax_saved": " tax saved", "interest_saved": " interest saved", "fee_saved": " fee saved"}.get(
        benefit["kind"], "")
    if benefit.get("principal") and benefit["kind"] in ("interest_saved", "fee_saved"):
        suffix += f" on {benefit['principal']:,}"
    return shown + suffix


def section(client: TestClient, portal: dict[str, str], slug: str) -> str:
    path = ROOT / "examples" / "firms" / f"{slug}.yaml"
    profile = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    asked = {"profile": profile, "as_of": AS_OF, "limit": 5}
    result = client.post("/v1/match", json=asked, headers=portal | {"Accept-Language": "en"}).json()
    chinese = client.post("/v1/match", json=asked, headers=portal | {"Accept-Language": "zh-CN"}).json()
    counts, bundle = result["counts"], result["bundle"]
    lines = [f"**{profile.get('name_en') or profile['name']}** — `examples/firms/{slug}.yaml`: "
             f"{counts['eligible']} eligible, {counts['possibly_eligible']} possibly eligible; "
             f"a bundle it can bank on of {len(bundle['codes'])} eligible measures ≈ {bundle['total_value']:,} yuan "
             f"({len(bundle['left_out'])} left out as the same scheme or not combinable; {bundle['pending']} possibly "
             f"eligible ones ≈ {bundle['pending_value']:,} more once settled).", "",
             "| # | measure | verdict | est. value (yuan) | window | still to settle |",
             "|---:|---|---|---:|---|---|"]
    for item in result["items"]:
        open_points = [*item["missing"], *(f"confirm: {c['text']}" for c in item["to_confirm"])]
        lines.append(f"| {item['rank']} | {item['title_en']} (`{item['code']}`) | {item['verdict'].replace('_', ' ')} "
                     f"| {_amount(item)} | {WINDOWS[item['window']['status']]} | "
                     f"{'; '.join(open_points) or '—'} |")
    questions = result["next_questions"]
    if questions:
        lines += ["", "Next questions, best first:", ""]
        lines += [f"{n}. {q['question']} / {zh['question']} (settles ≈ {q['expected_settled']:,} yuan)"
                  for n, (q, zh) in enumerate(zip(questions[:3], chinese["next_questions"], strict=False), start=1)]
    if result["coverage"]["notice"]:
        lines += ["", f"Coverage: {result['coverage']['notice']}"]
    return "\n".join(lines)


def main() -> None:
    url = f"sqlite:///{tempfile.mkdtemp()}/readme.db"
    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        import_records(session=session, raw=read_directory(ROOT / "policies" / "sample" / "catalogue"),
                       actor="sample", dry_run=False)
        _, plain = keys.create_key(session=session, role=Role.portal, label="readme", actor="example", tenant="readme")
    app = create_app(engine=engine, settings=ApiSettings(load_sample=False, webhook_interval=0),
                     encoder=MatchingSettings(snapshot_dir="").open_encoder())
    with TestClient(app) as client:
        print("\n\n".join(section(client, {"X-API-Key": plain}, slug) for slug in FIRMS))


if __name__ == "__main__":
    main()

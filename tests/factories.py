"""Builders of valid test data."""

import json
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlmodel import Session

from policies import keys
from policies.keys import Role

FIRMS = Path(__file__).resolve().parent.parent / "examples" / "firms"


def example_firm(slug: str) -> dict[str, Any]:
    """An example firm's profile as JSON would carry it (YAML dates become ISO strings)."""
    data = yaml.safe_load((FIRMS / f"{slug}.yaml").read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def key_headers(engine: Engine, role: Role, tenant: str) -> dict[str, str]:
    """Headers carrying a fresh API key of this role and tenant."""
    with Session(engine) as session:
        _, plain = keys.create_key(session=session, role=role, label=tenant, actor="test", tenant=tenant)
    return {"X-API-Key": plain}


def measure_data(**overrides: Any) -> dict[str, Any]:
    """A valid new measure, as a curator would send it."""
    data: dict[str, Any] = {
        "code": "ZJ-WZ-TEST-AWARD",
        "title_en": "Wenzhou award for first-time little giants",
        "title_zh": "温州市首次认定国家级专精特新小巨人企业奖励",
        "summary": "A one-off award of up to 1 million yuan for firms first recognised as national little giants.",
        "summary_zh": "对首次认定为国家级专精特新“小巨人”的企业，给予一次性奖励，最高100万元。",
        "kind": "award",
        "authority": "Wenzhou Municipal Bureau of Economy and Information Technology",
        "level": "municipal",
        "jurisdiction": ["330300"],
        "industries": ["C"],
        "criteria": [
            {"type": "region_in", "codes": ["330300"]},
            {"type": "industry_in", "codes": ["C"]},
            {"type": "designation", "designation": "little_giant", "awarded_from": "2026-01-01"},
            {"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.03},
        ],
        "benefit": {"kind": "fixed", "amount": 1_000_000},
        "window": {"mode": "batch", "opens": "2026-11-01", "closes": "2026-12-31"},
        "source_url": "https://jxj.wenzhou.gov.cn/",
    }
    if "criteria" in overrides and "industries" not in overrides:
        # Own criteria drop the industry rule, and industries without one are refused (policies.validation).
        data["industries"] = []
    return data | overrides

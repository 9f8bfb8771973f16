"""Builders of valid test data."""

from typing import Any


def measure_data(**overrides: Any) -> dict[str, Any]:
    """A valid new measure, as a curator would send it."""
    data: dict[str, Any] = {
        "code": "ZJ-WZ-TEST-AWARD",
        "title_en": "Wenzhou award for first-time little giants",
        "title_zh": "温州市首次认定国家级专精特新小巨人企业奖励",
        "summary": "A one-off award of up to 1 million yuan for firms first recognised as national little giants.",
        "kind": "award",
        "authority": "Wenzhou Municipal Bureau of Economy and Information Technology",
        "level": "municipal",
        "jurisdiction": ["330300"],
        "industries": ["C"],
        "criteria": [
            {"type": "region_in", "codes": ["330300"]},
            {"type": "designation", "designation": "little_giant", "awarded_from": "2026-01-01"},
            {"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.03},
        ],
        "benefit": {"kind": "fixed", "amount": 1_000_000},
        "window": {"mode": "batch", "opens": "2026-11-01", "closes": "2026-12-31"},
        "source_url": "https://jxj.wenzhou.gov.cn/",
    }
    return data | overrides

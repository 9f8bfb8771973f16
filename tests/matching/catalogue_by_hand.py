"""A small catalogue and a few firms written by hand: the engine's use cases tested without a database or a model.

Five Ningbo and national measures whose verdicts for the firms below can be worked out by reading them:

- `NB-RD-GRANT` (municipal subsidy, Ningbo): R&D ratio ≥ 3% and at most 500 staff; 10% of R&D spend, cap 500,000.
- `NB-LG-AWARD` (municipal award, Ningbo): holds the little-giant title; 1,000,000 fixed; exclusivity group `nb-lg`.
- `NB-LG-TOPUP` (district award, Yinzhou): holds the little-giant title; 300,000 fixed; exclusivity group `nb-lg`.
- `CN-EXPORT-LOAN` (national loan, everywhere): export share ≥ 20%; loans up to 5,000,000 at 2% a year,
  two points below the 4% market rate: 100,000 a year saved on the whole 5,000,000.
- `NB-OLD-VOUCHER` (municipal voucher, Ningbo): its window closed on 2026-06-30.
"""

import datetime as dt
from typing import Any

import numpy as np

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.firm.profile import FirmProfile
from matching.text.embeddings import HashingEncoder
from matching.text.queries import QueryEncoder
from matching.text.vectors import VectorIndex
from policies.schemas import MeasureCreate

AS_OF = dt.date(2026, 11, 22)
ENCODER = HashingEncoder()

MEASURES: list[dict[str, Any]] = [
    {"code": "NB-RD-GRANT", "title_en": "Ningbo research and development grant for small manufacturers",
     "title_zh": "宁波市中小制造企业研发补助", "kind": "subsidy", "level": "municipal", "jurisdiction": ["330200"],
     "summary": "Ten percent of last year's research spending for manufacturers that invest in research.",
     "criteria": [{"type": "numeric", "field": "rd_ratio", "op": "gte", "value": 0.03},
                  {"type": "numeric", "field": "employees", "op": "lte", "value": 500}],
     "benefit": {"kind": "percentage", "rate": 0.10, "base": "rd_expense", "cap": 500_000},
     "window": {"mode": "rolling"}},
    {"code": "NB-LG-AWARD", "title_en": "Ningbo award for little giant enterprises", "title_zh": "宁波市小巨人企业奖励",
     "kind": "award", "level": "municipal", "jurisdiction": ["330200"], "exclusivity_group": "nb-lg",
     "summary": "A one-off award for firms holding the national little giant title.",
     "criteria": [{"type": "designation", "designation": "little_giant"}],
     "benefit": {"kind": "fixed", "amount": 1_000_000, "up_to": False}, "window": {"mode": "rolling"}},
    {"code": "NB-LG-TOPUP", "title_en": "Yinzhou top-up award for little giant enterprises",
     "title_zh": "鄞州区小巨人企业配套奖励", "kind": "award", "level": "district", "jurisdiction": ["330212"],
     "exclusivity_group": "nb-lg", "summary": "A district top-up for firms holding the little giant title.",
     "criteria": [{"type": "designation", "designation": "little_giant"}],
     "benefit": {"kind": "fixed", "amount": 300_000, "up_to": False}, "window": {"mode": "rolling"}},
    {"code": "CN-EXPORT-LOAN", "title_en": "Export credit loans for exporting small firms",
     "title_zh": "出口企业信用贷款", "kind": "low_interest_loan", "level": "national", "jurisdiction": ["000000"],
     "summary": "Bank loans for firms that sell a fifth or more of their output abroad.",
     "criteria": [{"type": "numeric", "field": "export_share", "op": "gte", "value": 0.2}],
     "benefit": {"kind": "financing", "max_amount": 5_000_000, "rate": 0.02}, "window": {"mode": "rolling"}},
    {"code": "NB-OLD-VOUCHER", "title_en": "Ningbo digital transformation voucher", "title_zh": "宁波市数字化改造券",
     "kind": "voucher", "level": "municipal", "jurisdiction": ["330200"],
     "summary": "Vouchers for digital transformation services, for this year's first batch.",
     "criteria": [], "benefit": {"kind": "fixed", "amount": 50_000},
     "window": {"mode": "batch", "opens": "2026-03-01", "closes": "2026-06-30"}},
]


def views() -> list[MeasureView]:
    return [MeasureView.from_record(MeasureCreate.model_validate(
        data | {"authority": "Ningbo Bureau of Economy and Information Technology"})) for data in MEASURES]


def snapshot() -> CatalogueSnapshot:
    built = views()
    vectors = ENCODER.encode_documents([view.dense_text for view in built])
    return CatalogueSnapshot.build(1, built, VectorIndex(np.ascontiguousarray(vectors, dtype=np.float32)))


def query_encoder() -> QueryEncoder:
    return QueryEncoder(ENCODER)


def firm(**fields: Any) -> FirmProfile:
    """A Yinzhou (Ningbo) maker of medical devices: research ratio 5%, 120 staff, 8% exports, no titles."""
    base: dict[str, Any] = {"name": "宁波甬颌医疗器械有限公司", "region": "330212", "industries": ["C3581"],
                            "founded": "2014-06-18", "employees": 120, "operating_revenue": 60_000_000,
                            "rd_expense": 3_000_000, "export_share": 0.08,
                            "description": "research and development of titanium implants"}
    return FirmProfile.model_validate(base | fields)

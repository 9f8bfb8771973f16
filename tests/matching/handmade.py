"""The catalogue of `catalogue_by_hand.py`, widened with four measures the use-case tests also need.

Together with the five measures there (NB-RD-GRANT, NB-LG-AWARD, NB-LG-TOPUP, CN-EXPORT-LOAN and the
closed NB-OLD-VOUCHER), this catalogue holds:

- `NB-SMART-FACTORY` (municipal subsidy, Ningbo): at most 500 staff, and a condition only a person can
  check (not funded by another Ningbo programme), so it comes out eligible with something to confirm;
  200,000 fixed.
- `YZ-IMPLANT-AWARD` (district award, Yinzhou, for industry C358): at least 5 invention patents; 2,000,000
  fixed; its batch closes on 2026-12-10, 18 days after `AS_OF`. Written about the firm's own work
  (titanium implants), so it is the most relevant, most valuable and most specific measure for
  `firm()`, whose invention patents are unknown: possibly eligible.
- `NB-SOFTWARE-GRANT` (municipal subsidy, Ningbo): industry I65 (software) only; 100,000 fixed. No number
  changes an industry, so it is never a near miss for the medical-device maker.
- `CD-EXPORT-AWARD` (municipal award, Chengdu, in Sichuan): export share at least 30%; 400,000 fixed.

`firm()` (a Yinzhou maker of medical devices: R&D 3,000,000 on 60,000,000 revenue, 120 staff, 8% exports,
no titles, invention patents unknown) is shared with `catalogue_by_hand.py`.
"""

from functools import lru_cache
from typing import Any

import numpy as np

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.text.vectors import VectorIndex
from policies.schemas import MeasureCreate
from tests.matching import catalogue_by_hand
from tests.matching.catalogue_by_hand import AS_OF, ENCODER, firm, query_encoder

__all__ = ["AS_OF", "ENCODER", "EXTRA", "firm", "query_encoder", "snapshot", "view", "views"]

NINGBO_BUREAU = "Ningbo Bureau of Economy and Information Technology"
NOT_FUNDED_TWICE = "The project is not funded by another Ningbo programme"

EXTRA: list[dict[str, Any]] = [
    {"code": "NB-SMART-FACTORY", "title_en": "Ningbo smart factory subsidy", "title_zh": "宁波市智能工厂补助",
     "kind": "subsidy", "level": "municipal", "jurisdiction": ["330200"], "authority": NINGBO_BUREAU,
     "summary": "A subsidy for smart factory upgrades by small manufacturers in Ningbo.",
     "criteria": [{"type": "numeric", "field": "employees", "op": "lte", "value": 500},
                  {"type": "manual", "text": NOT_FUNDED_TWICE}],
     "benefit": {"kind": "fixed", "amount": 200_000, "up_to": False}, "window": {"mode": "rolling"}},
    {"code": "YZ-IMPLANT-AWARD", "title_en": "Yinzhou award for titanium implant research and development",
     "title_zh": "鄞州区钛合金植入物研发奖励", "kind": "award", "level": "district", "jurisdiction": ["330212"],
     "industries": ["C358"], "authority": "Yinzhou District Science and Technology Bureau",
     "summary": "An award for medical device makers doing research and development of titanium implants.",
     "criteria": [{"type": "industry_in", "codes": ["C358"]},
                  {"type": "numeric", "field": "invention_patents", "op": "gte", "value": 5}],
     "benefit": {"kind": "fixed", "amount": 2_000_000, "up_to": False},
     "window": {"mode": "batch", "opens": "2026-09-01", "closes": "2026-12-10"}},
    {"code": "NB-SOFTWARE-GRANT", "title_en": "Ningbo grant for software companies", "title_zh": "宁波市软件企业补助",
     "kind": "subsidy", "level": "municipal", "jurisdiction": ["330200"], "authority": NINGBO_BUREAU,
     "summary": "A subsidy for software and information technology service companies.",
     "criteria": [{"type": "industry_in", "codes": ["I65"]}],
     "benefit": {"kind": "fixed", "amount": 100_000, "up_to": False}, "window": {"mode": "rolling"}},
    {"code": "CD-EXPORT-AWARD", "title_en": "Chengdu award for exporting manufacturers",
     "title_zh": "成都市出口制造企业奖励", "kind": "award", "level": "municipal", "jurisdiction": ["510100"],
     "authority": "Chengdu Bureau of Commerce",
     "summary": "An award for Chengdu manufacturers that export at least thirty percent of their sales.",
     "criteria": [{"type": "numeric", "field": "export_share", "op": "gte", "value": 0.3}],
     "benefit": {"kind": "fixed", "amount": 400_000, "up_to": False}, "window": {"mode": "rolling"}},
]


def views() -> list[MeasureView]:
    """The five measures of `catalogue_by_hand.py`, then the four above, in that order."""
    extra = [MeasureView.from_record(MeasureCreate.model_validate(data)) for data in EXTRA]
    return catalogue_by_hand.views() + extra


@lru_cache(maxsize=1)
def snapshot() -> CatalogueSnapshot:
    """Built once: a snapshot is immutable, and every use case only reads it."""
    built = views()
    vectors = ENCODER.encode_documents([measure.dense_text for measure in built])
    return CatalogueSnapshot.build(2, built, VectorIndex(np.ascontiguousarray(vectors, dtype=np.float32)))


def view(code: str) -> MeasureView:
    catalogue = snapshot()
    return catalogue.measures[catalogue.index[code]]

"""Synthetic catalogues and firms drawn like the sample catalogue, for scale benchmarks.

Each synthetic measure is a real sample measure moved to another place: its
jurisdiction and region criteria point at a random province, city or district
(weighted like real catalogues: few national, most local), its amounts are
scaled, and its texts name the new place. Embeddings reuse the template's vector
plus a little noise: encoding 100,000 texts would take the bundled model
10–16 minutes on this machine, and latency does not depend on the values.
"""

import copy
import random
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.firm.profile import FirmProfile
from matching.text.embeddings import Encoder
from matching.text.vectors import VectorIndex
from policies import reference
from policies.importing.loader import read_directory
from policies.schemas import MeasureRecord

ROOT = Path(__file__).resolve().parent.parent
LEVEL_WEIGHTS = {"national": 0.01, "provincial": 0.09, "municipal": 0.30, "district": 0.60}


def sample_records() -> list[MeasureRecord]:
    raw = read_directory(ROOT / "policies" / "sample" / "catalogue")
    return [record for record in map(MeasureRecord.model_validate, raw) if record.status == "published"]


def example_firms() -> list[FirmProfile]:
    paths = sorted((ROOT / "examples" / "firms").glob("*.yaml"))
    return [FirmProfile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in paths]


def _places(rng: random.Random) -> dict[str, list[str]]:
    names = reference.regions().names
    return {level: sorted(code for code in names if reference.region_level(code) == level)
            for level in LEVEL_WEIGHTS}


def _relocate(criteria: list[dict[str, Any]], place: str) -> list[dict[str, Any]]:
    moved = []
    for criterion in criteria:
        criterion = copy.deepcopy(criterion)
        if criterion["type"] == "region_in":
            criterion["codes"] = [place]
        elif criterion["type"] in ("any_of", "all_of"):
            criterion["criteria"] = _relocate(criterion["criteria"], place)
        moved.append(criterion)
    return moved


def _scale_benefit(benefit: dict[str, Any], factor: float) -> dict[str, Any]:
    scaled = dict(benefit)
    for key in ("amount", "cap", "cap_per_year", "max_amount", "estimated_value"):
        if isinstance(scaled.get(key), int):
            scaled[key] = max(1, int(scaled[key] * factor))
    return scaled


def synthetic_records(count: int, seed: int = 7) -> tuple[list[MeasureRecord], list[int]]:
    """`count` published measures and, for each, the index of the sample measure it was drawn from."""
    rng = random.Random(seed)
    templates = sample_records()
    places = _places(rng)
    records: list[MeasureRecord] = []
    origins: list[int] = []
    levels, weights = zip(*LEVEL_WEIGHTS.items(), strict=True)
    for n in range(count):
        origin = rng.randrange(len(templates))
        template = templates[origin].model_dump(mode="json", exclude_none=True)
        level = rng.choices(levels, weights)[0]
        place = "000000" if level == "national" else rng.choice(places[level])
        name = reference.region_name(place) or place
        template |= {
            "code": f"SYN-{n:07d}",
            "level": level,
            "jurisdiction": [place],
            "criteria": _relocate(template["criteria"], place),
            "benefit": _scale_benefit(template["benefit"], rng.choice([0.5, 1.0, 1.0, 2.0])),
            "title_en": f"{template['title_en']} ({place})",
            "title_zh": f"{name}{template['title_zh']}",
            "summary": f"{name}: {template['summary']}",
        }
        records.append(MeasureRecord.model_validate(template))
        origins.append(origin)
    return records, origins


def synthetic_measures(count: int, seed: int = 7) -> tuple[list[MeasureView], list[int]]:
    """`count` measures as matching reads them, and the sample measure each was drawn from."""
    records, origins = synthetic_records(count, seed)
    return [MeasureView.from_record(record) for record in records], origins


def synthetic_vectors(origins: list[int], encoder: Encoder, seed: int = 7) -> np.ndarray:
    """Each template's real embedding plus a little noise, normalised."""
    templates = sample_records()
    base = encoder.encode_documents([MeasureView.from_record(t).text_for(encoder) for t in templates])
    noise = np.random.default_rng(seed).normal(0.0, 0.05, size=(len(origins), base.shape[1])).astype(np.float32)
    vectors = base[np.array(origins, dtype=np.int64)] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def synthetic_snapshot(count: int, encoder: Encoder, seed: int = 7) -> CatalogueSnapshot:
    views, origins = synthetic_measures(count, seed)
    return CatalogueSnapshot.build(1, views, VectorIndex(synthetic_vectors(origins, encoder, seed)))

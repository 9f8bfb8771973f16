"""The shipped sample catalogue and example firms: valid, complete, and true to the sources."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from matching.firm.profile import FirmProfile
from policies.importing.loader import read_directory, validate_records
from policies.schemas import MeasureRecord
from policies.vocabulary import Level, MeasureKind

ROOT = Path(__file__).resolve().parents[2]
FIRMS = ROOT / "examples" / "firms"


@pytest.fixture(scope="module")
def catalogue() -> dict[str, MeasureRecord]:
    records, problems = validate_records(read_directory(ROOT / "policies" / "sample" / "catalogue"))
    assert problems == []
    return {record.code: record for record in records}


def test_size_and_spread(catalogue: dict[str, MeasureRecord]) -> None:
    assert len(catalogue) >= 150
    assert {record.kind for record in catalogue.values()} == set(MeasureKind)
    assert {record.level for record in catalogue.values()} == set(Level)
    prefixes = Counter(code.split("-")[0] for code in catalogue)
    assert {"CN", "BJ", "SH", "ZJ", "SC", "GD"} <= set(prefixes)
    places = {code for record in catalogue.values() for code in record.jurisdiction}
    for place in ("000000", "330000", "330100", "330200", "330300", "510000", "510100", "440300", "310000", "110000"):
        assert place in places, place


@pytest.mark.parametrize(
    ("code", "field", "expected"),
    [
        ("CN-KEY-LITTLE-GIANT-FUND", "amount", 6_000_000),  # 财建〔2024〕148号: 600万 over 3 years
        ("ZJ-WZ-LITTLE-GIANT-FIRST-AWARD", "amount", 1_000_000),  # Wenzhou: 100万
        ("ZJ-WZ-HIDDEN-CHAMPION-FIRST-AWARD", "amount", 500_000),  # 50万
        ("ZJ-WZ-SPECIALIZED-SME-FIRST-AWARD", "amount", 100_000),  # 10万
        ("ZJ-HZ-LITTLE-GIANT-FIRST-AWARD", "amount", 1_000_000),  # Hangzhou 2025-12-28: ≤100万
    ],
)
def test_figures_match_the_sources(
    catalogue: dict[str, MeasureRecord], code: str, field: str, expected: int
) -> None:
    assert getattr(catalogue[code].benefit, field) == expected


def test_first_recognition_awards_do_not_stack(catalogue: dict[str, MeasureRecord]) -> None:
    groups = {catalogue[code].exclusivity_group for code in (
        "ZJ-WZ-LITTLE-GIANT-FIRST-AWARD", "ZJ-WZ-HIDDEN-CHAMPION-FIRST-AWARD", "ZJ-WZ-SPECIALIZED-SME-FIRST-AWARD")}
    assert len(groups) == 1 and None not in groups


def test_example_firms() -> None:
    paths = sorted(FIRMS.glob("*.yaml"))
    assert len(paths) >= 40
    firms = {path.stem: FirmProfile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in paths}
    founders = {
        "ningbo-cmf-titanium": ("3302", "C358"),
        "zhejiang-broaching-machines": ("33", "C342"),
        "chengdu-longtan-robotics": ("510108", "C3491"),
        "chengdu-digital-twin": ("5101", "I65"),
        "chengdu-laser-tv-screen": ("5101", "C39"),
    }
    for slug, (region, industry) in founders.items():
        firm = firms[slug]
        assert firm.region.startswith(region), slug
        assert any(code.startswith(industry) for code in firm.industries), slug
    assert len({firm.uscc for firm in firms.values() if firm.uscc}) == len([f for f in firms.values() if f.uscc])

"""Size classes by 工信部联企业〔2011〕300号: the 且/或 logic and inclusive thresholds."""

import pytest

from matching.firm.sizing import sector_of, size_class
from policies.vocabulary import SizeClass

WAN = 10_000


@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "assets", "expected"),
    [
        ("C3581", 1200, 30000 * WAN, None, SizeClass.medium),  # criteria.md §2.1: revenue < 4亿 keeps it an SME
        ("C3581", 1000, 40000 * WAN, None, SizeClass.large),  # both at the ceiling: large
        ("C3581", 300, 2000 * WAN, None, SizeClass.medium),  # medium thresholds are inclusive
        ("C3581", 299, 2000 * WAN, None, SizeClass.small),
        ("C3581", 20, 300 * WAN, None, SizeClass.small),
        ("C3581", 19, 100000 * WAN, None, SizeClass.micro),  # micro is 或: either metric below
        ("C3581", 15, None, None, SizeClass.micro),  # staff alone decides micro
        ("C3581", None, 200 * WAN, None, SizeClass.micro),
        ("C3581", 1500, None, None, None),  # could be large or medium: unknown
        ("I6513", 100, 1000 * WAN, None, SizeClass.medium),  # software thresholds
        ("I6513", 12, 60 * WAN, None, SizeClass.small),
        ("F5154", 25, 6000 * WAN, None, SizeClass.medium),  # wholesale
        ("E4710", None, 7000 * WAN, 6000 * WAN, SizeClass.medium),  # construction: revenue and assets
        ("M7340", 150, None, None, SizeClass.medium),  # other: employees only
        ("A0111", None, 60 * WAN, None, SizeClass.small),  # agriculture: revenue only
    ],
)
def test_size_class(industry: str, employees: int | None, revenue: int | None, assets: int | None,
                    expected: SizeClass | None) -> None:
    metrics = {"employees": employees, "operating_revenue": revenue, "total_assets": assets}
    assert size_class(industry, metrics) == expected  # type: ignore[arg-type]


def test_sector_mapping() -> None:
    assert sector_of("G5910").name == "warehousing"
    assert sector_of("G6010").name == "postal"
    assert sector_of("G5411").name == "transport"
    assert sector_of("K7010").name == "real_estate"
    assert sector_of("K7020").name == "property"
    assert sector_of("I6311").name == "telecom"
    assert sector_of("D4411").name == "industry"


def test_no_industry_no_size() -> None:
    assert size_class(None, {"employees": 10}) is None

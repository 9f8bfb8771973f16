"""SME size class by 《中小企业划型标准规定》(工信部联企业〔2011〕300号).

Each sector classifies on two metrics (employees, revenue or assets) with "且"
(both) for the medium, small and large classes, and "或" (either) for micro. A
firm is in the highest class whose thresholds it meets on both metrics; a
missing metric makes the class unknown unless the known one already decides it.
Thresholds are in 万元 in the standard and in yuan here.
"""

from dataclasses import dataclass

from policies.vocabulary import SizeClass

WAN = 10_000


@dataclass(frozen=True)
class Sector:
    name: str
    metrics: tuple[str, ...]  # profile fields: employees, operating_revenue, total_assets
    large: tuple[float, ...]
    medium: tuple[float, ...]
    small: tuple[float, ...]


def _s(name: str, metrics: tuple[str, ...], large: tuple[float, ...], medium: tuple[float, ...],
       small: tuple[float, ...]) -> Sector:
    return Sector(name, metrics, large, medium, small)


STAFF_REV = ("employees", "operating_revenue")
SECTORS: dict[str, Sector] = {
    "agriculture": _s("agriculture", ("operating_revenue",), (20000 * WAN,), (500 * WAN,), (50 * WAN,)),
    "industry": _s("industry", STAFF_REV, (1000, 40000 * WAN), (300, 2000 * WAN), (20, 300 * WAN)),
    "construction": _s("construction", ("operating_revenue", "total_assets"),
                       (80000 * WAN, 80000 * WAN), (6000 * WAN, 5000 * WAN), (300 * WAN, 300 * WAN)),
    "wholesale": _s("wholesale", STAFF_REV, (200, 40000 * WAN), (20, 5000 * WAN), (5, 1000 * WAN)),
    "retail": _s("retail", STAFF_REV, (300, 20000 * WAN), (50, 500 * WAN), (10, 100 * WAN)),
    "transport": _s("transport", STAFF_REV, (1000, 30000 * WAN), (300, 3000 * WAN), (20, 200 * WAN)),
    "warehousing": _s("warehousing", STAFF_REV, (200, 30000 * WAN), (100, 1000 * WAN), (20, 100 * WAN)),
    "postal": _s("postal", STAFF_REV, (1000, 30000 * WAN), (300, 2000 * WAN), (20, 100 * WAN)),
    "hospitality": _s("hospitality", STAFF_REV, (300, 10000 * WAN), (100, 2000 * WAN), (10, 100 * WAN)),
    "telecom": _s("telecom", STAFF_REV, (2000, 100000 * WAN), (100, 1000 * WAN), (10, 100 * WAN)),
    "software": _s("software", STAFF_REV, (300, 10000 * WAN), (100, 1000 * WAN), (10, 50 * WAN)),
    "real_estate": _s("real_estate", ("operating_revenue", "total_assets"),
                      (200000 * WAN, 10000 * WAN), (1000 * WAN, 5000 * WAN), (100 * WAN, 2000 * WAN)),
    "property": _s("property", STAFF_REV, (1000, 5000 * WAN), (300, 1000 * WAN), (100, 500 * WAN)),
    "leasing": _s("leasing", ("employees", "total_assets"), (300, 120000 * WAN), (100, 8000 * WAN), (10, 100 * WAN)),
    "other": _s("other", ("employees",), (300,), (100,), (10,)),
}


def sector_of(industry: str) -> Sector:
    """The size-standard sector for a GB/T 4754 code (section letter + digits)."""
    section, digits = industry[:1], industry[1:]
    division = int(digits[:2]) if len(digits) >= 2 else None
    if section == "A":
        return SECTORS["agriculture"]
    if section in "BCD":
        return SECTORS["industry"]
    if section == "E":
        return SECTORS["construction"]
    if section == "F" and division is not None:
        return SECTORS["wholesale" if division == 51 else "retail"]
    if section == "G" and division is not None:
        return SECTORS["warehousing" if division == 59 else "postal" if division == 60 else "transport"]
    if section == "H":
        return SECTORS["hospitality"]
    if section == "I" and division is not None:
        return SECTORS["software" if division == 65 else "telecom"]
    if section == "K" and digits.startswith("701"):
        return SECTORS["real_estate"]
    if section == "K" and digits.startswith("702"):
        return SECTORS["property"]
    if section == "L":
        return SECTORS["leasing"]
    return SECTORS["other"]


def _meets(values: tuple[float | None, ...], thresholds: tuple[float, ...]) -> bool | None:
    """Both metrics at or above their thresholds: True, False, or None when a gap decides nothing."""
    if any(value is not None and value < bound for value, bound in zip(values, thresholds, strict=True)):
        return False
    if any(value is None for value in values):
        return None
    return True


def size_class(industry: str | None, metrics: dict[str, float | None]) -> SizeClass | None:
    """The firm's size class, or None when its sector or a deciding metric is unknown."""
    if industry is None:
        return None
    sector = sector_of(industry)
    values = tuple(metrics.get(name) for name in sector.metrics)
    for size, thresholds in ((SizeClass.large, sector.large), (SizeClass.medium, sector.medium),
                             (SizeClass.small, sector.small)):
        meets = _meets(values, thresholds)
        if meets is None:
            return None
        if meets:
            return size
    return SizeClass.micro

"""Reference code lists: administrative regions (GB/T 2260) and industries (GB/T 4754-2017).

Both hierarchies are prefix-shaped, which is what makes "within" checks cheap:
`330302` lies within `330300` within `330000`, and `C3581` within `C358` within `C35`
within `C`. `000000` stands for the whole country.
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

from policies.messages import MESSAGES

DATA_DIR = Path(__file__).parent / "data"
NATIONAL = "000000"
_REGION_RE = re.compile(r"[0-9]{6}")
_INDUSTRY_RE = re.compile(r"[A-T]([0-9]{2}([0-9]{1,2})?)?")


@dataclass(frozen=True)
class RegionTable:
    names: dict[str, str]  # 6-digit code -> Chinese name

    def contains(self, code: str) -> bool:
        return code in self.names


@dataclass(frozen=True)
class IndustryTable:
    names_zh: dict[str, str]  # section letter or letter+2 digits -> name
    names_en: dict[str, str]


@lru_cache(maxsize=1)
def regions() -> RegionTable:
    """All region codes padded to six digits, with the nation as `000000`."""
    folder = DATA_DIR / "regions"
    names = {NATIONAL: "全国"}
    with open(folder / "provinces.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names[row["code"] + "0000"] = row["name"]
    with open(folder / "cities.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names[row["code"] + "00"] = row["name"]
    with open(folder / "areas.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names[row["code"]] = row["name"]
    return RegionTable(names=names)


@lru_cache(maxsize=1)
def industries() -> IndustryTable:
    """GB/T 4754-2017 sections and divisions (the first two levels of the tree)."""
    names_zh: dict[str, str] = {}
    names_en: dict[str, str] = {}
    with open(DATA_DIR / "industries.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names_zh[row["code"]] = row["name_zh"]
            names_en[row["code"]] = row["name_en"]
    return IndustryTable(names_zh=names_zh, names_en=names_en)


def region_ancestors(code: str) -> list[str]:
    """The code itself and every enclosing region up to the nation, narrowest first."""
    chain = [code]
    if code[4:] != "00":
        chain.append(code[:4] + "00")
    if code[2:] != "0000":
        chain.append(code[:2] + "0000")
    if code != NATIONAL:
        chain.append(NATIONAL)
    return list(dict.fromkeys(chain))


def region_within(code: str, area: str) -> bool:
    """True when region `code` lies inside `area` (or is it)."""
    return area in region_ancestors(code)


def region_level(code: str) -> str:
    if code == NATIONAL:
        return "national"
    if code.endswith("0000"):
        return "provincial"
    if code.endswith("00"):
        return "municipal"
    return "district"


def check_region(code: str) -> str:
    """Return the code if it names a known region, else raise ValueError."""
    if not _REGION_RE.fullmatch(code):
        raise ValueError(MESSAGES.say("en", "region code {code} must be six digits (GB/T 2260), e.g. 330300",
                                      code=repr(code)))
    if not regions().contains(code):
        raise ValueError(MESSAGES.say("en", "unknown region code {code}", code=repr(code)))
    return code


def industry_within(code: str, prefix: str) -> bool:
    """True when industry `code` lies inside `prefix` (or is it)."""
    return code.startswith(prefix)


def check_industry(code: str) -> str:
    """Return the code if it is a well-formed GB/T 4754 code under a known division.

    Only sections and divisions are listed here; deeper digits (groups, classes)
    are checked for shape under a known division.
    """
    if not _INDUSTRY_RE.fullmatch(code):
        raise ValueError(MESSAGES.say("en", "industry code {code} must be a section letter and 0, 2, 3 or 4 digits "
                                      "(GB/T 4754-2017), e.g. C or C35 or C3581", code=repr(code)))
    known = industries().names_zh
    head = code[:3] if len(code) >= 3 else code
    if head not in known:
        raise ValueError(MESSAGES.say("en", "unknown industry code {code}: no section or division {head}",
                                      code=repr(code), head=repr(head)))
    return code


def region_name(code: str) -> str | None:
    return regions().names.get(code)


def industry_name(code: str) -> str | None:
    """English name of the code's division (or section)."""
    table = industries().names_en
    return table.get(code[:3]) or table.get(code[:1])


RegionCode = Annotated[str, AfterValidator(check_region)]
IndustryCode = Annotated[str, AfterValidator(check_industry)]

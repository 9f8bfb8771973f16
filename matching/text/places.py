"""Places named in plain words ("Chengdu", "温州", "龙岗区") turned into region codes.

Chinese names come from the region table itself; English names from a short
alias list of the places the catalogue covers. Ambiguous Chinese district names
(朝阳区 exists in more than one city) are not guessed.
"""

import csv
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from policies import reference

ALIASES = Path(__file__).parent / "data" / "place_aliases.csv"
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Name → code, for every unambiguous name."""
    seen: dict[str, set[str]] = defaultdict(set)
    for code, name in reference.regions().names.items():
        level = reference.region_level(code)
        if level == "national" or name in ("市辖区", "县"):
            continue
        seen[name].add(code)
        for suffix in _SUFFIXES if level in ("provincial", "municipal") else ("区", "县", "市"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                seen[name[: -len(suffix)]].add(code)
                break
    with open(ALIASES, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            seen[row["name"]].add(row["code"])
    return {name: next(iter(codes)) for name, codes in seen.items() if len(codes) == 1}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    names = sorted(_names(), key=len, reverse=True)
    # ASCII-only case folding: Unicode folding would let "ſ" stand for "s" and miss the lookup.
    return re.compile("|".join(re.escape(name) for name in names), re.IGNORECASE | re.ASCII)


def places_in(text: str) -> list[str]:
    """Region codes named in the text, most specific first, without duplicates."""
    names = _names()
    found = [code for m in _pattern().finditer(text)
             if (not m.group(0).isascii() or _word_bounded(text, m.start(), m.end()))
             and (code := names.get(m.group(0).lower() if m.group(0).isascii() else m.group(0))) is not None]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda code: -len(code.rstrip("0")))


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()

"""Which levels of government the catalogue speaks for at a firm's place, so silence is never mistaken for "nothing".

A firm in Jiangsu sees national measures only because no Jiangsu measure is on
file, not because Jiangsu offers none. The answer says so, naming the levels
that were searched and those with nothing on file for the firm's place.
"""

from collections.abc import Collection, Iterable

from pydantic import BaseModel

from policies import reference
from policies.vocabulary import Level

# Beijing, Tianjin, Shanghai and Chongqing are province and city at once: no separate municipal level.
_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
_LEVEL_ZH = {Level.provincial: "省级", Level.municipal: "市级", Level.district: "区县级"}


class Coverage(BaseModel):
    region: str
    place: str
    searched: list[Level]
    not_on_file: list[Level]
    notice_en: str | None
    notice_zh: str | None


def places(region: str) -> list[tuple[Level, str]]:
    """The firm's place at each level below the nation, widest first."""
    found = [(Level.provincial, region[:2] + "0000")]
    if region[:2] not in _MUNICIPALITIES and region[2:4] != "00":
        found.append((Level.municipal, region[:4] + "00"))
    if region[4:] != "00":
        found.append((Level.district, region))
    return found


def coverage(jurisdictions: Collection[str], region: str) -> Coverage:
    """The levels with at least one measure governing exactly the firm's place, and those with none."""
    searched: list[Level] = [Level.national]
    missing: list[Level] = []
    for level, code in places(region):
        (searched if code in jurisdictions else missing).append(level)
    place = reference.region_name(region) or region
    chain = [reference.region_name(code) or code for _, code in places(region)]
    place_zh = "".join(dict.fromkeys(chain)) or place
    if not missing:
        return Coverage(region=region, place=place_zh, searched=searched, not_on_file=[], notice_en=None,
                        notice_zh=None)
    names_en = _and(level.value for level in missing)
    names_zh = "、".join(_LEVEL_ZH[level] for level in missing)
    searched_en = _and(level.value for level in searched)
    searched_zh = "、".join(["国家级", *(_LEVEL_ZH[level] for level in searched if level is not Level.national)])
    return Coverage(
        region=region, place=place_zh, searched=searched, not_on_file=missing,
        notice_en=(f"No {names_en} measures for {place_zh} ({region}) are on file: only {searched_en} measures "
                   f"were searched. Ask the local bureau about local support before concluding there is none."),
        notice_zh=(f"目录中暂无{place_zh}的{names_zh}政策，本次仅检索了{searched_zh}政策；"
                   f"当地政策请向当地主管部门咨询，不代表当地没有扶持政策。"),
    )


def _and(words: Iterable[str]) -> str:
    listed = list(words)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]

"""Which levels of government the catalogue speaks for at a firm's place, so silence is never mistaken for "nothing".

A firm in Jiangsu sees national measures only because no Jiangsu measure is on
file, not because Jiangsu offers none. The answer says so, naming the levels
that were searched and those with nothing on file for the firm's place.
"""

from collections.abc import Collection, Iterable

from matching.messages import MESSAGES
from policies import reference
from policies.i18n import N_, OneLanguage
from policies.vocabulary import Level

# Beijing, Tianjin, Shanghai and Chongqing are province and city at once: no separate municipal level.
_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
# The levels' names, for the Chinese notice: the English one names a level by its value, a place by name and code.
_LEVELS = {Level.national: N_("national level"), Level.provincial: N_("provincial level"),
           Level.municipal: N_("municipal level"), Level.district: N_("district level")}


class Coverage(OneLanguage):
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
    notice = N_("No {missing} measures for {place} are on file: only {searched} measures were searched. "
                "Ask the local bureau about local support before concluding there is none.")
    return Coverage(
        region=region, place=place_zh, searched=searched, not_on_file=missing,
        notice_en=MESSAGES.say("en", notice, missing=_and(level.value for level in missing),
                               place=f"{place_zh} ({region})", searched=_and(level.value for level in searched)),
        notice_zh=MESSAGES.say("zh", notice, missing=_in_chinese(missing), place=place_zh,
                               searched=_in_chinese(searched)),
    )


def _in_chinese(levels: Iterable[Level]) -> str:
    return "、".join(MESSAGES.say("zh", _LEVELS[level]) for level in levels)


def _and(words: Iterable[str]) -> str:
    """English words listed as a person lists them: "provincial, municipal and district"."""
    listed = list(words)
    if len(listed) == 1:
        return listed[0]
    return MESSAGES.say("en", "{others} and {last}", others=", ".join(listed[:-1]), last=listed[-1])

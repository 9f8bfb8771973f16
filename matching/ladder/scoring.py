"""Scored indicators: inclusive comparisons, banded tables (§6.1), indicator builders and the IP bands."""

from dataclasses import dataclass

from matching.eligibility.rules import EPSILON
from matching.firm.profile import FirmProfile
from matching.ladder.models import Indicator, Pending
from matching.messages import MESSAGES
from policies.i18n import N_


def at_least(value: float, bound: float) -> bool:
    """Inclusive ≥ that tolerates the rounding of derived ratios (300,000 / 10,000,000 meets 3%)."""
    return value >= bound - EPSILON * max(1.0, abs(bound))


def at_most(value: float, bound: float) -> bool:
    return value <= bound + EPSILON * max(1.0, abs(bound))


@dataclass(frozen=True)
class Scale:
    """A banded table: `bands` are (edge, points, label), best first; edges are inclusive (§6.1).

    A label in words is a message (`N_`), told in Chinese where it is shown; one of figures alone reads the same.
    """

    bands: tuple[tuple[float, float, str], ...]
    otherwise: tuple[float, str]
    lower_is_better: bool = False

    def score(self, value: float) -> tuple[float, str]:
        meets = at_most if self.lower_is_better else at_least
        for edge, points, label in self.bands:
            if meets(value, edge):
                return points, label
        return self.otherwise

    @property
    def max_points(self) -> float:
        return max(points for _, points, _ in self.bands)

    @property
    def min_points(self) -> float:
        return self.otherwise[0]


@dataclass(frozen=True)
class Spec:
    """An indicator's identity in a table.

    `title` is the message whose Chinese is the indicator's official name, when the English `name` cannot be
    that message itself: the same English names a profile field elsewhere ("asset-liability ratio" is
    资产负债率 there, 上年度资产负债率 in the scoring tables).
    """

    key: str
    name: str
    group: str
    title: str | None = None

    @property
    def name_zh(self) -> str:
        return MESSAGES.say("zh", self.title or self.name)


# The indicator groups' names, for the Chinese of the sub-scores (the English ones name a group by its key).
GROUP_NAMES = {
    "specialisation": N_("specialisation"), "refinement": N_("refinement"), "distinctiveness": N_("distinctiveness"),
    "innovation": N_("innovation capability"), "growth": N_("growth potential"), "staff": N_("S&T staff"),
    "rd": N_("R&D input"), "ip": N_("S&T results"),
}


def band_in_chinese(band: str | None) -> str | None:
    """A band label in Chinese: labels in words are messages; one of figures alone ("≥30%") stays as it is."""
    return MESSAGES.say("zh", band) if band else band  # gettext's "" is the catalogue's header


def fixed(spec: Spec, points: float, max_points: float, value: float | str | None, band: str, *,
          band_zh: str | None = None) -> Indicator:
    """An indicator with its points settled; `band_zh` when the band is not a label of a table."""
    return Indicator(key=spec.key, name=spec.name, name_zh=spec.name_zh, group=spec.group, points=points,
                     floor=points, ceiling=points, max_points=max_points, value=value, band=band,
                     band_zh=band_zh if band_zh is not None else band_in_chinese(band))


def open_(spec: Spec, floor: float, ceiling: float, max_points: float, pending: Pending, *,
          value: float | str | None = None, band: str | None = None, band_zh: str | None = None,
          missing: str | None = None, note: tuple[str, str] | None = None) -> Indicator:
    """An indicator whose points lie in floor..ceiling until the pending fact is settled.

    `note` is (English, Chinese); `band_zh` is needed only when the band is not a label of a table.
    """
    if floor == ceiling:
        return fixed(spec, floor, max_points, value, band or "", band_zh=band_zh)
    return Indicator(key=spec.key, name=spec.name, name_zh=spec.name_zh, group=spec.group, points=None,
                     floor=floor, ceiling=ceiling, max_points=max_points, value=value, band=band,
                     band_zh=band_zh if band_zh is not None else band_in_chinese(band), pending=pending,
                     missing=missing, note=None if note is None else note[0], note_zh=None if note is None else note[1])


def banded(spec: Spec, scale: Scale, value: float | None, need: str) -> Indicator:
    if value is None:
        return open_(spec, scale.min_points, scale.max_points, scale.max_points, "missing", missing=need)
    points, band = scale.score(value)
    return fixed(spec, points, scale.max_points, value, band)


# --------------------------------------------------------------------------- IP indicators


@dataclass(frozen=True)
class IpPoints:
    """Points of the IP indicator in §1.1 (20/15/10/5) and §1.3 (10/8/6/2)."""

    high_value: float
    self_developed: float
    class1: float
    class2: float


def ip_indicator(spec: Spec, pts: IpPoints, profile: FirmProfile) -> Indicator:
    """Best IP band from the counts; the 自主研发Ⅰ类 band is left to a person to confirm.

    The profile does not say whether a class-I IP was developed in-house or transferred in
    (2022 Ⅰ类 still counts transfers held ≥ 1 year), so with class-I IP but no high-value IP the
    points stay open between the Ⅰ类 and 自主研发Ⅰ类 bands, pending confirmation.
    """
    high, c1, c2 = profile.ip_class1_high_value, profile.ip_class1, profile.ip_class2
    top = pts.high_value
    if high:
        return fixed(spec, top, top, high, N_("Ⅰ类高价值 ≥1"))
    if c1:
        if high == 0:
            return open_(spec, pts.class1, pts.self_developed, top, "confirm", value=c1, band=N_("Ⅰ类 ≥1"),
                         note=MESSAGES.pair("{points:g} points if a class-I IP was developed in-house (自主研发)",
                                            points=pts.self_developed))
        return open_(spec, pts.class1, top, top, "missing", value=c1, band=N_("Ⅰ类 ≥1"),
                     missing="ip_class1_high_value")
    c2_points = None if c2 is None else (pts.class2 if c2 >= 1 else 0.0)
    c2_band = N_("Ⅱ类 ≥1") if c2 else N_("none")
    if c1 == 0:
        if c2_points is None:
            return open_(spec, 0, pts.class2, top, "missing", missing="ip_class2")
        return fixed(spec, c2_points, top, c2, c2_band)
    ceiling = top if high is None else pts.self_developed
    missing = "ip_class1" if c2 is not None else "ip_class1, ip_class2"
    return open_(spec, c2_points or 0.0, ceiling, top, "missing", missing=missing)

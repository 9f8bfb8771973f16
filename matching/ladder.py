"""The 专精特新 ladder: for each rung, would the firm qualify now, under which rules, and what is missing.

Rungs, lowest first: 科技型中小企业 (tech SME) and 创新型中小企业 (innovative SME) form tier 1,
then 专精特新中小企业, 专精特新"小巨人", and 制造业单项冠军. Section numbers (§) refer to
/work/shared/domain/criteria.md, the project's digest of the official texts.

Each rung comes out with the statuses of `matching.eligibility` (fail < unknown < confirm < pass;
all-of takes the worst, any-of the best): a missing fact, or a score only the national platform or
a province computes, is `unknown`, never `fail`; something only a person can judge is `confirm`.
Scored standards report the range of points still achievable, so "55 known + 15 the province
awards" is `unknown` against a pass mark of 60 rather than a guess. Boundaries are inclusive and
a value on a band edge takes the better band (§6.1).
"""

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, cast

from pydantic import BaseModel

from matching.eligibility import EPSILON, STATUS_OF, Outcome, Status
from matching.facts import Facts, derive
from matching.profile import FirmProfile
from policies.vocabulary import DESIGNATION_NAMES_ZH, Attestation, Designation, NumericField, SizeClass

WAN = 10_000  # 万元
YI = 100_000_000  # 亿元

Rung = Literal["tech_sme", "innovative_sme", "specialized_sme", "little_giant", "single_champion"]
Purpose = Literal["new", "review"]
StatusLabel = Literal["pass", "fail", "unknown", "confirm"]
# Why an indicator has no points yet: a profile field is missing; a person must confirm which band
# applies; or the profile cannot hold the fact (platform tests, provincial indicators).
Pending = Literal["missing", "confirm", "not_computable"]
Op = Literal["gte", "lte"]
Unit = Literal["yuan", "share", "years", "count", "people"]

LADDER: tuple[Rung, ...] = (
    "tech_sme", "innovative_sme", "specialized_sme", "little_giant", "single_champion",
)
# Tech and innovative SME are alternatives at tier 1 (the 2026 "科技和创新型中小企业", §0).
TIER: dict[Rung, int] = {
    "tech_sme": 1, "innovative_sme": 1, "specialized_sme": 2, "little_giant": 3, "single_champion": 4,
}


class Regime(StrEnum):
    """The rulebook a rung is judged by (§0)."""

    tech_2017 = "科技型中小企业 (国科发政〔2017〕115号)"
    gradient_2022 = "2022 (工信部企业〔2022〕63号)"
    gradient_2026 = "2026 (工信部企业〔2026〕2号)"
    champion_2023 = "2023 (工信部政法〔2023〕138号)"


# §0: new applications from this day use the 2026 standards for 专精特新 and 小巨人.
REGIME_2026_FROM = dt.date(2026, 4, 1)


class Indicator(BaseModel):
    """One scored indicator; `floor`..`ceiling` is what it can still give when `points` is open."""

    key: str
    name: str
    name_zh: str
    group: str
    points: float | None
    floor: float
    ceiling: float
    max_points: float
    value: float | str | None = None
    band: str | None = None
    pending: Pending | None = None
    missing: str | None = None  # profile fields to provide, when pending == "missing"
    note: str | None = None


class RungAssessment(BaseModel):
    """One rung of the ladder for one firm on one date.

    `status` is the worst of `conditions`; a condition that an escape route can replace is an
    `any_of` outcome whose first part is the normal test and whose other parts are the routes,
    which `routes` repeats for display. `score_min`..`score_max` is the achievable score range.
    """

    rung: Rung
    designation: Designation
    regime: str
    held: bool
    status: StatusLabel
    score: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    pass_mark: float | None = None
    indicators: list[Indicator] = []
    conditions: list[Outcome] = []
    routes: list[Outcome] = []
    gaps: list[str] = []
    notes: list[str] = []

    @property
    def score_range(self) -> tuple[float, float] | None:
        if self.score_min is None or self.score_max is None:
            return None
        return (self.score_min, self.score_max)


# --------------------------------------------------------------------------- bands and indicators


def _at_least(value: float, bound: float) -> bool:
    """Inclusive ≥ that tolerates the rounding of derived ratios (300,000 / 10,000,000 meets 3%)."""
    return value >= bound - EPSILON * max(1.0, abs(bound))


def _at_most(value: float, bound: float) -> bool:
    return value <= bound + EPSILON * max(1.0, abs(bound))


@dataclass(frozen=True)
class Scale:
    """A banded table: `bands` are (edge, points, label), best first; edges are inclusive (§6.1)."""

    bands: tuple[tuple[float, float, str], ...]
    otherwise: tuple[float, str]
    lower_is_better: bool = False

    def score(self, value: float) -> tuple[float, str]:
        meets = _at_most if self.lower_is_better else _at_least
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
    """An indicator's identity in a table."""

    key: str
    name: str
    name_zh: str
    group: str


GROUP_NAMES_ZH = {
    "specialisation": "专业化", "refinement": "精细化", "distinctiveness": "特色化", "innovation": "创新能力",
    "growth": "成长性", "staff": "科技人员", "rd": "研发投入", "ip": "科技成果",
}


def _fixed(spec: Spec, points: float, max_points: float, value: float | str | None, band: str) -> Indicator:
    return Indicator(key=spec.key, name=spec.name, name_zh=spec.name_zh, group=spec.group, points=points,
                     floor=points, ceiling=points, max_points=max_points, value=value, band=band)


def _open(spec: Spec, floor: float, ceiling: float, max_points: float, pending: Pending, *,
          value: float | str | None = None, band: str | None = None, missing: str | None = None,
          note: str | None = None) -> Indicator:
    """An indicator whose points lie in floor..ceiling until the pending fact is settled."""
    if floor == ceiling:
        return _fixed(spec, floor, max_points, value, band or "")
    return Indicator(key=spec.key, name=spec.name, name_zh=spec.name_zh, group=spec.group, points=None,
                     floor=floor, ceiling=ceiling, max_points=max_points, value=value, band=band,
                     pending=pending, missing=missing, note=note)


def _banded(spec: Spec, scale: Scale, value: float | None, need: str) -> Indicator:
    if value is None:
        return _open(spec, scale.min_points, scale.max_points, scale.max_points, "missing", missing=need)
    points, band = scale.score(value)
    return _fixed(spec, points, scale.max_points, value, band)


# --------------------------------------------------------------------------- quantities and thresholds

# The profile fields a derived number is computed from, to name what to provide.
SOURCES: dict[NumericField, tuple[NumericField, ...]] = {
    NumericField.rd_ratio: (NumericField.rd_expense, NumericField.operating_revenue),
    NumericField.rd_ratio_prev: (NumericField.rd_expense_prev, NumericField.operating_revenue,
                                 NumericField.revenue_growth),
    NumericField.rd_expense_2y: (NumericField.rd_expense, NumericField.rd_expense_prev),
    NumericField.rd_staff_ratio: (NumericField.rd_staff, NumericField.employees),
}

FIELD_LABELS: dict[NumericField, tuple[str, Unit]] = {
    NumericField.employees: ("employees", "people"),
    NumericField.operating_revenue: ("operating revenue (last year)", "yuan"),
    NumericField.total_assets: ("total assets", "yuan"),
    NumericField.rd_expense: ("R&D expense (last year)", "yuan"),
    NumericField.rd_expense_prev: ("R&D expense (year before last)", "yuan"),
    NumericField.rd_expense_2y: ("R&D expense (last 2 years)", "yuan"),
    NumericField.rd_ratio: ("R&D ratio (last year)", "share"),
    NumericField.rd_ratio_prev: ("R&D ratio (year before last)", "share"),
    NumericField.rd_staff_ratio: ("R&D staff share", "share"),
    NumericField.main_business_share: ("main-business share of revenue", "share"),
    NumericField.revenue_growth_avg_2y: ("2-year average revenue growth", "share"),
    NumericField.debt_ratio: ("asset-liability ratio", "share"),
    NumericField.years_in_niche: ("years in the niche market", "years"),
    NumericField.niche_market_share: ("niche market share", "share"),
    NumericField.new_equity_financing_2y: ("new equity financing (last 2 years)", "yuan"),
    NumericField.ip_class1: ("class-I IP (Ⅰ类知识产权)", "count"),
}


@dataclass(frozen=True)
class Quantity:
    """A number a threshold is checked on, with what to ask for when it is missing.

    For shares, `base` is the amount one whole share is of (revenue, employees), so a gap of
    0.6 percentage points can also be told as "about 180,000 yuan".
    """

    name: str
    field: str
    value: float | None
    need: str
    unit: Unit
    base: float | None = None
    base_name: str = ""
    base_unit: Literal["yuan", "people"] = "yuan"


def _need(facts: Facts, field: NumericField) -> str:
    sources = SOURCES.get(field, (field,))
    missing = [source for source in sources if facts.numbers[source] is None] or list(sources)
    return ", ".join(source.value for source in missing)


def _revenue_prev(facts: Facts) -> float | None:
    """The year-before-last revenue, recovered as `facts.derive` does for rd_ratio_prev."""
    revenue = facts.numbers[NumericField.operating_revenue]
    growth = facts.numbers[NumericField.revenue_growth]
    return revenue / (1 + growth) if revenue is not None and growth is not None and growth > -1 else None


def _quantity(facts: Facts, field: NumericField) -> Quantity:
    name, unit = FIELD_LABELS[field]
    revenue = facts.numbers[NumericField.operating_revenue]
    bases: dict[NumericField, tuple[float | None, str, Literal["yuan", "people"]]] = {
        NumericField.rd_ratio: (revenue, "revenue", "yuan"),
        NumericField.rd_ratio_prev: (_revenue_prev(facts), "that year's revenue", "yuan"),
        NumericField.main_business_share: (revenue, "revenue", "yuan"),
        NumericField.rd_staff_ratio: (facts.numbers[NumericField.employees], "employees", "people"),
    }
    base, base_name, base_unit = bases.get(field, (None, "", "yuan"))
    return Quantity(name=name, field=field.value, value=facts.numbers[field], need=_need(facts, field),
                    unit=unit, base=base, base_name=base_name, base_unit=base_unit)


def _fmt(value: float, unit: Unit) -> str:
    if unit == "share":
        return f"{value * 100:.4g}%"
    if unit == "yuan":
        return f"{value:,.0f} yuan"
    if unit == "years":
        return f"{value:g} years"
    return f"{value:g}"


def _difference(gap: float, q: Quantity) -> str:
    """The gap in the unit a person acts on: yuan, percentage points (and yuan), years, a count."""
    if q.unit == "share":
        text = f"{gap * 100:+.3g} pt"
        if q.base:
            amount = abs(gap) * q.base
            people = q.base_unit == "people"
            told = f"{math.ceil(amount - EPSILON):,d} people" if people else f"{amount:,.0f} yuan"
            text += f" of {q.base_name}, about {told}"
        return text
    if q.unit == "yuan":
        return f"{gap:+,.0f} yuan"
    if q.unit == "years":
        return f"{gap:+.3g} years"
    whole = math.ceil(gap - EPSILON) if gap > 0 else math.floor(gap + EPSILON)
    return f"{whole:+d}"


def _threshold(path: str, q: Quantity, op: Op, bound: float) -> Outcome:
    """One numeric hard condition; a failure's reason reads as the gap to close."""
    target = f"{'≥' if op == 'gte' else '≤'} {_fmt(bound, q.unit)}"
    if q.value is None:
        return Outcome(path=path, type="numeric", status="unknown", field=q.field, bound=bound,
                       reason=f"{q.name}: provide {q.need} (needs {target})")
    ok = _at_least(q.value, bound) if op == "gte" else _at_most(q.value, bound)
    if ok:
        return Outcome(path=path, type="numeric", status="pass", field=q.field, value=q.value, bound=bound,
                       reason=f"{q.name} {_fmt(q.value, q.unit)} meets {target}")
    gap = bound - q.value
    reason = f"{q.name} {_fmt(q.value, q.unit)} → needs {target} ({_difference(gap, q)})"
    return Outcome(path=path, type="numeric", status="fail", field=q.field, value=q.value, bound=bound,
                   gap=gap, reason=reason)


def _check(path: str, facts: Facts, field: NumericField, op: Op, bound: float) -> Outcome:
    return _threshold(path, _quantity(facts, field), op, bound)


# --------------------------------------------------------------------------- outcomes


def _group(path: str, kind: Literal["all_of", "any_of"], what: str, parts: Sequence[Outcome]) -> Outcome:
    statuses = [STATUS_OF[part.status] for part in parts]
    combined = max(statuses) if kind == "any_of" else min(statuses)
    return Outcome(path=path, type=kind, status=combined.label, reason=f"{what}: {combined.label}",
                   parts=list(parts))


def _title_name(title: Designation) -> str:
    return f"{DESIGNATION_NAMES_ZH[title]} ({title.value})"


def _holds(path: str, facts: Facts, titles: Sequence[Designation], *, confirm: str | None = None) -> Outcome:
    """A title-based condition or route; `confirm` names what the title alone does not prove."""
    field = "designations." + titles[0].value
    found = [title for title in titles if title in facts.designations]
    if not found:
        wanted = " or ".join(_title_name(title) for title in titles)
        return Outcome(path=path, type="designation", status="fail", field=field,
                       reason=f"needs a valid {wanted} title; none held")
    held = _title_name(found[0])
    if confirm:
        return Outcome(path=path, type="designation", status="confirm", field=field, value=found[0].value,
                       reason=f"confirm: {confirm} (holds {held})")
    return Outcome(path=path, type="designation", status="pass", field=field, value=found[0].value,
                   reason=f"holds {held}")


def _flag(path: str, field: str, value: bool | None, *, what: str, yes: StatusLabel = "pass",
          no: StatusLabel = "fail") -> Outcome:
    """A yes/no fact from the profile: missing → unknown; `yes` may be `confirm` where a person judges."""
    if value is None:
        return Outcome(path=path, type="flag", status="unknown", field=field,
                       reason=f"provide {field} ({what})")
    status = yes if value else no
    prefix = "confirm: " if status == "confirm" else ""
    verdict = "yes" if value else "no"
    return Outcome(path=path, type="flag", status=status, field=field, value=verdict,
                   reason=f"{prefix}{what} — profile says {verdict}")


def _manual(path: str, text: str) -> Outcome:
    return Outcome(path=path, type="manual", status="confirm", reason=f"confirm: {text}")


def _platform_score(path: str, bound: float) -> Outcome:
    """§1.7/§6.5: the 专精特新发展评价 score comes from the platform's own data, so it stays unknown."""
    return Outcome(path=path, type="platform_score", status="unknown", bound=bound,
                   reason=f"专精特新发展评价 score ≥ {bound:g} (工信厅企业〔2024〕75号) is computed by the national "
                          "platform from the firm's filings; it cannot be derived from the profile")


def _sme(path: str, facts: Facts) -> Outcome:
    """Basic condition of every 63号/2号 annex: an SME under 工信部联企业〔2011〕300号 (§1.1, §2.1)."""
    if facts.size_class is None:
        return Outcome(path=path, type="size_class", status="unknown", field="size_class",
                       reason="provide industries, employees, operating_revenue (and total_assets) "
                              "to size the firm")
    large = facts.size_class is SizeClass.large
    return Outcome(path=path, type="size_class", status="fail" if large else "pass", field="size_class",
                   value=facts.size_class.value, bound="micro,small,medium",
                   reason=f"size class {facts.size_class.value}; must be an SME (not large)")


BASIC_ATTESTATIONS = (
    Attestation.independent_legal_person,
    Attestation.no_serious_violation_3y,
    Attestation.no_major_accident_3y,
    Attestation.tax_compliant,
    Attestation.products_not_restricted,
)


def _attested(rung: Rung, facts: Facts, items: Sequence[Attestation]) -> list[Outcome]:
    """Declarations a bureau checks later; undeclared is unknown, as in `eligibility`."""
    outcomes = []
    for item in items:
        field = f"attestations.{item.value}"
        declared = item in facts.attestations
        reason = f"declared {item.value}" if declared else f"declare {item.value} if it is true"
        outcomes.append(Outcome(path=f"{rung}.{field}", type="attestation", field=field,
                                status="pass" if declared else "unknown", reason=reason))
    return outcomes


def _basics(rung: Rung, facts: Facts) -> list[Outcome]:
    return [_sme(f"{rung}.size", facts), *_attested(rung, facts, BASIC_ATTESTATIONS)]


def _score_check(path: str, label: str, indicators: Sequence[Indicator], bound: float) -> Outcome:
    """Pass when even the lowest achievable score meets the mark, fail when the highest cannot.

    In between the status is `confirm` if only a person's confirmation is open, else `unknown`.
    """
    low, high = sum(i.floor for i in indicators), sum(i.ceiling for i in indicators)
    shown = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    value: float | str = low if low == high else shown
    if _at_least(low, bound):
        return Outcome(path=path, type="score", status="pass", value=value, bound=bound,
                       reason=f"{label} {shown} meets ≥ {bound:g}")
    if not _at_least(high, bound):
        best = " at best" if low < high else ""
        return Outcome(path=path, type="score", status="fail", value=value, bound=bound, gap=bound - high,
                       reason=f"{label} {shown}{best} → needs ≥ {bound:g} ({bound - high:+g} points)")
    open_items = [i for i in indicators if i.points is None]
    status = "confirm" if all(i.pending == "confirm" for i in open_items) else "unknown"
    names = ", ".join(i.name for i in open_items)
    return Outcome(path=path, type="score", status=status, value=value, bound=bound,
                   reason=f"{label} between {low:g} and {high:g} against ≥ {bound:g}; open: {names}")


def _group_checks(path: str, indicators: Sequence[Indicator], minimums: dict[str, float]) -> list[Outcome]:
    return [
        _score_check(f"{path}.{group}", f"{GROUP_NAMES_ZH[group]} ({group}) sub-score",
                     [i for i in indicators if i.group == group], bound)
        for group, bound in minimums.items()
    ]


# --------------------------------------------------------------------------- shared fact checks


def _within_years(awarded: dt.date | None, as_of: dt.date, years: int) -> bool:
    """Awarded in the `years` before as_of; an undated title counts, as in `facts.title_valid`."""
    if awarded is None:
        return True
    try:
        end = awarded.replace(year=awarded.year + years)
    except ValueError:  # 29 February
        end = awarded.replace(year=awarded.year + years, day=28)
    return awarded <= as_of < end


def _provincial_institution(path: str, profile: FirmProfile, facts: Facts) -> Outcome:
    """A provincial-or-higher R&D institution, from the titles or the declared level (§1.1, §1.2, §1.4)."""
    titles = (Designation.national_rd_institution, Designation.provincial_rd_institution)
    level = profile.rd_institution_level
    if any(title in facts.designations for title in titles) or level in ("national", "provincial"):
        held = [title.value for title in titles if title in facts.designations]
        shown: str = level if level in ("national", "provincial") else held[0]
        return Outcome(path=path, type="rd_institution", status="pass", field="rd_institution_level",
                       value=shown, reason=f"R&D institution at provincial level or above ({shown})")
    if level is not None or profile.has_rd_institution is False:
        return Outcome(path=path, type="rd_institution", status="fail", field="rd_institution_level",
                       value=level or "none",
                       reason="needs an R&D institution recognised at provincial level or above; "
                              f"level is {level or 'none'}")
    return Outcome(path=path, type="rd_institution", status="unknown", field="rd_institution_level",
                   reason="provide rd_institution_level "
                          "(a provincial or national R&D institution would qualify)")


def _any_rd_institution(path: str, profile: FirmProfile, facts: Facts) -> Outcome:
    """An own or joint R&D institution of any level (§1.5 创新能力)."""
    titles = (Designation.national_rd_institution, Designation.provincial_rd_institution)
    level = profile.rd_institution_level
    titled = any(title in facts.designations for title in titles)
    if profile.has_rd_institution or level not in (None, "none") or titled:
        return Outcome(path=path, type="rd_institution", status="pass", field="has_rd_institution",
                       value=level or "yes", reason="has an own or joint R&D institution")
    if level == "none" or profile.has_rd_institution is False:
        return Outcome(path=path, type="rd_institution", status="fail", field="has_rd_institution",
                       value="no", reason="needs an own or joint R&D institution (research institute, "
                                          "enterprise technology centre, engineering centre, academician or "
                                          "postdoctoral workstation)")
    return Outcome(path=path, type="rd_institution", status="unknown", field="has_rd_institution",
                   reason="provide has_rd_institution (own or joint R&D institution)")


def _market_share(path: str, facts: Facts, *, top3_alternative: bool) -> Outcome:
    """Niche share ≥ 10% (§1.5); from 2026 "top 3 in China" also counts, which a person confirms (§1.6)."""
    outcome = _check(path, facts, NumericField.niche_market_share, "gte", 0.10)
    if outcome.status == "fail" and top3_alternative:
        return outcome.model_copy(update={
            "status": "confirm",
            "reason": f"confirm: the main product ranks top 3 in China ({outcome.reason})",
        })
    return outcome


def _rd_each_year(rung: Rung, facts: Facts, bound: float) -> list[Outcome]:
    """R&D / revenue ≥ bound in each of the last 2 years (§1.4, §1.5, §1.6, §6.3)."""
    return [
        _check(f"{rung}.rd_ratio", facts, NumericField.rd_ratio, "gte", bound),
        _check(f"{rung}.rd_ratio_prev", facts, NumericField.rd_ratio_prev, "gte", bound),
    ]


def _prerequisite(rung: Rung, facts: Facts) -> Outcome:
    """§1.4, §1.6, §6.4: under 2026 each tier needs the tier below.

    A valid title at the rung's own or a higher tier also counts: each tier is recognised from
    the one below, so holding it shows the lower standing.
    """
    titles = PREREQUISITES_2026[rung]
    return _holds(f"{rung}.prerequisite", facts, titles)


PREREQUISITES_2026: dict[Rung, tuple[Designation, ...]] = {
    "specialized_sme": (Designation.tech_sme, Designation.innovative_sme, Designation.specialized_sme,
                        Designation.little_giant),
    "little_giant": (Designation.specialized_sme, Designation.little_giant),
}


# --------------------------------------------------------------------------- IP indicators


@dataclass(frozen=True)
class IpPoints:
    """Points of the IP indicator in §1.1 (20/15/10/5) and §1.3 (10/8/6/2)."""

    high_value: float
    self_developed: float
    class1: float
    class2: float


def _ip_indicator(spec: Spec, pts: IpPoints, profile: FirmProfile) -> Indicator:
    """Best IP band from the counts; the 自主研发Ⅰ类 band is left to a person to confirm.

    The profile does not say whether a class-I IP was developed in-house or transferred in
    (2022 Ⅰ类 still counts transfers held ≥ 1 year), so with class-I IP but no high-value IP the
    points stay open between the Ⅰ类 and 自主研发Ⅰ类 bands, pending confirmation.
    """
    high, c1, c2 = profile.ip_class1_high_value, profile.ip_class1, profile.ip_class2
    top = pts.high_value
    if high:
        return _fixed(spec, top, top, high, "Ⅰ类高价值 ≥1")
    if c1:
        if high == 0:
            return _open(spec, pts.class1, pts.self_developed, top, "confirm", value=c1, band="Ⅰ类 ≥1",
                         note=f"{pts.self_developed:g} points if a class-I IP was developed in-house (自主研发)")
        return _open(spec, pts.class1, top, top, "missing", value=c1, band="Ⅰ类 ≥1",
                     missing="ip_class1_high_value")
    c2_points = None if c2 is None else (pts.class2 if c2 >= 1 else 0.0)
    c2_band = "Ⅱ类 ≥1" if c2 else "none"
    if c1 == 0:
        if c2_points is None:
            return _open(spec, 0, pts.class2, top, "missing", missing="ip_class2")
        return _fixed(spec, c2_points, top, c2, c2_band)
    ceiling = top if high is None else pts.self_developed
    missing = "ip_class1" if c2 is not None else "ip_class1, ip_class2"
    return _open(spec, c2_points or 0.0, ceiling, top, "missing", missing=missing)


# --------------------------------------------------------------------------- the assessment


@dataclass(frozen=True)
class _Firm:
    profile: FirmProfile
    facts: Facts


def _gap_lines(outcome: Outcome) -> list[str]:
    """What stops an outcome from passing; alternatives of an any-of are prefixed "or:"."""
    if outcome.status == "pass":
        return []
    if not outcome.parts:
        return [outcome.reason]
    if outcome.type != "any_of":
        return [line for part in outcome.parts for line in _gap_lines(part)]
    first, *alternatives = outcome.parts
    lines = _gap_lines(first)
    for alternative in alternatives:
        alt_lines = _gap_lines(alternative)
        if alt_lines:
            lines.append("or: " + "; and ".join(alt_lines))
    return lines


def _indicator_gap(indicator: Indicator) -> str:
    spread = f"{indicator.floor:g}–{indicator.ceiling:g} points"
    if indicator.pending == "missing":
        return f"{indicator.name}: provide {indicator.missing} ({spread})"
    if indicator.pending == "confirm":
        return f"{indicator.name}: confirm — {indicator.note} ({spread})"
    return f"{indicator.name}: {indicator.note} ({spread})"


def _assessment(rung: Rung, firm: _Firm, regime: Regime, conditions: list[Outcome], *,
                routes: Sequence[Outcome] = (), indicators: Sequence[Indicator] = (),
                pass_mark: float | None = None, scored: Outcome | None = None,
                notes: Sequence[str] = ()) -> RungAssessment:
    """Assemble a rung: status is the worst condition; gaps explain every condition short of pass."""
    status = min(STATUS_OF[c.status] for c in conditions)
    gaps = [line for condition in conditions for line in _gap_lines(condition)]
    if scored is not None and scored.status != Status.passed.label:
        gaps += [_indicator_gap(i) for i in indicators if i.points is None]
    low = sum(i.floor for i in indicators) if indicators else None
    high = sum(i.ceiling for i in indicators) if indicators else None
    designation = Designation(rung)
    label = cast(StatusLabel, status.label)
    return RungAssessment(
        rung=rung, designation=designation, regime=regime.value, held=designation in firm.facts.designations,
        status=label, score=low if low is not None and low == high else None, score_min=low, score_max=high,
        pass_mark=pass_mark, indicators=list(indicators), conditions=conditions, routes=list(routes),
        gaps=list(dict.fromkeys(gaps)), notes=list(notes),
    )


# --------------------------------------------------------------------------- §1.2 科技型中小企业

TECH_STAFF = Scale(((0.30, 20, "≥30%"), (0.25, 16, "25%–30%"), (0.20, 12, "20%–25%"), (0.15, 8, "15%–20%"),
                    (0.10, 4, "10%–15%")), (0, "<10%"))
TECH_RD_SALES = Scale(((0.06, 50, "≥6%"), (0.05, 40, "5%–6%"), (0.04, 30, "4%–5%"), (0.03, 20, "3%–4%"),
                       (0.02, 10, "2%–3%")), (0, "<2%"))
TECH_IP_CLASS2 = Scale(((4, 24, "Ⅱ类 ≥4"), (3, 18, "Ⅱ类 3"), (2, 12, "Ⅱ类 2"), (1, 6, "Ⅱ类 1")), (0, "none"))
TECH_IP_CLASS1_POINTS = 30.0
TECH_ATTESTATIONS = (
    Attestation.no_serious_violation_3y,
    Attestation.no_major_accident_3y,
    Attestation.products_not_restricted,
)
TECH_SPECS = {
    "staff": Spec("rd_staff_ratio", "S&T staff share of employees", "科技人员占职工总数比例", "staff"),
    "rd": Spec("rd_intensity", "R&D intensity", "研发投入占比", "rd"),
    "ip": Spec("ip", "IP held", "科技成果（知识产权）", "ip"),
}


def _tech_rd(facts: Facts) -> Indicator:
    """§1.2: the better of R&D/sales and R&D/total cost; the profile has no total cost.

    The cost bands are exactly 5× the sales bands, so the cost route only scores higher when
    total cost is below a fifth of sales; still, that cannot be ruled out from the profile.
    """
    spec, ratio = TECH_SPECS["rd"], facts.numbers[NumericField.rd_ratio]
    if ratio is None:
        return _banded(spec, TECH_RD_SALES, None, _need(facts, NumericField.rd_ratio))
    points, band = TECH_RD_SALES.score(ratio)
    return _open(spec, points, TECH_RD_SALES.max_points, TECH_RD_SALES.max_points, "not_computable",
                 value=ratio, band=f"R&D/sales {band}",
                 note="R&D / total cost (≥30% → 50) may score higher; the profile has no total cost")


def _tech_ip(profile: FirmProfile) -> Indicator:
    """§1.2: any class-I IP → 30, else by the number of class-II IP."""
    spec, c1, c2 = TECH_SPECS["ip"], profile.ip_class1, profile.ip_class2
    top = TECH_IP_CLASS1_POINTS
    if c1:
        return _fixed(spec, top, top, c1, "Ⅰ类 ≥1")
    if c2 is None:
        missing = "ip_class2" if c1 == 0 else "ip_class1, ip_class2"
        return _open(spec, 0, TECH_IP_CLASS2.max_points if c1 == 0 else top, top, "missing", missing=missing)
    c2_points, c2_band = TECH_IP_CLASS2.score(c2)
    if c1 == 0:
        return _fixed(spec, c2_points, top, c2, c2_band)
    return _open(spec, c2_points, top, top, "missing", value=c2, band=c2_band, missing="ip_class1")


def _tech_award(path: str, profile: FirmProfile, as_of: dt.date) -> Outcome:
    """§1.2: a national S&T award (top-3 unit) within 5 years, longer than a title's 3-year validity."""
    recent = any(item.designation is Designation.science_tech_award and _within_years(item.awarded, as_of, 5)
                 for item in profile.designations)
    if recent:
        return _manual(path, "the S&T award of the last 5 years is national and the firm ranked top-3 unit")
    return Outcome(path=path, type="designation", status="fail", field="designations.science_tech_award",
                   reason="needs a national S&T award (top-3 unit) in the last 5 years; none held")


def _assess_tech_sme(firm: _Firm, regime: Regime) -> RungAssessment:
    """国科发政〔2017〕115号 (§1.2): size ceiling, then a direct route or score ≥ 60 with staff points."""
    rung: Rung = "tech_sme"
    profile, facts = firm.profile, firm.facts
    ceilings = [
        _check(f"{rung}.employees", facts, NumericField.employees, "lte", 500),
        _check(f"{rung}.operating_revenue", facts, NumericField.operating_revenue, "lte", 2 * YI),
        _check(f"{rung}.total_assets", facts, NumericField.total_assets, "lte", 2 * YI),
    ]
    attestations = _attested(rung, facts, TECH_ATTESTATIONS)
    indicators = [
        _banded(TECH_SPECS["staff"], TECH_STAFF, facts.numbers[NumericField.rd_staff_ratio],
                _need(facts, NumericField.rd_staff_ratio)),
        _tech_rd(facts),
        _tech_ip(profile),
    ]
    staff = indicators[0]
    staff_check = Outcome(
        path=f"{rung}.score.staff_nonzero", type="score", field="rd_staff_ratio",
        status="unknown" if staff.points is None else ("pass" if staff.points > 0 else "fail"),
        value=staff.points, bound="> 0",
        reason=("S&T staff score: provide " + (staff.missing or "") if staff.points is None
                else f"S&T staff score {staff.points:g} must not be 0 (needs ≥ 10% of employees)"),
    )
    score = _group(f"{rung}.score_path", "all_of", "score ≥ 60 with a non-zero S&T staff score",
                   [_score_check(f"{rung}.score", "score", indicators, 60), staff_check])
    routes = [
        _holds(f"{rung}.route.high_tech", facts, (Designation.high_tech_enterprise,)),
        _tech_award(f"{rung}.route.award", profile, facts.as_of),
        _provincial_institution(f"{rung}.route.rd_institution", profile, facts),
        _flag(f"{rung}.route.standard", "led_standard", profile.led_standard, yes="confirm",
              what="led a national, industry or international standard in the last 5 years"),
    ]
    qualify = _group(f"{rung}.qualify", "any_of", "score path or a direct-confirmation route",
                     [score, *routes])
    return _assessment(rung, firm, regime, [*ceilings, *attestations, qualify], routes=routes,
                       indicators=indicators, pass_mark=60, scored=qualify, notes=[
                           "rd_staff_ratio (R&D staff / employees) stands in for the S&T staff share.",
                           "Valid titles are 3 years from the award date; the S&T-award route looks back 5.",
                       ])


# --------------------------------------------------------------------------- §1.1 创新型中小企业

INNOVATIVE_IP = IpPoints(high_value=20, self_developed=15, class1=10, class2=5)
INNOVATIVE_RD = Scale(((0.05, 20, "≥5%"), (0.03, 15, "3%–5%"), (0.02, 10, "2%–3%"), (0.01, 5, "1%–2%")),
                      (0, "<1%"))
INNOVATIVE_GROWTH = Scale(((0.15, 20, "≥15%"), (0.10, 15, "10%–15%"), (0.05, 10, "5%–10%"), (0.0, 5, "0–5%")),
                          (0, "<0"))
INNOVATIVE_DEBT = Scale(((0.55, 10, "≤55%"), (0.75, 5, "55%–75%")), (0, ">75%"), lower_is_better=True)
INNOVATIVE_MAIN = Scale(((0.70, 20, "≥70%"), (0.60, 15, "60%–70%"), (0.55, 10, "55%–60%"),
                         (0.50, 5, "50%–55%")), (0, "<50%"))
INNOVATIVE_MINIMUMS = {"innovation": 20.0, "growth": 15.0, "specialisation": 15.0}
INNOVATIVE_SPECS = {
    "ip": Spec("ip", "valid IP related to the main product", "与主导产品相关的有效知识产权数量", "innovation"),
    "rd": Spec("rd_ratio", "R&D expense / operating revenue", "上年度研发费用投入占营业收入比重", "innovation"),
    "growth": Spec("revenue_growth", "main-business revenue growth", "上年度主营业务收入增长率", "growth"),
    "debt": Spec("debt_ratio", "asset-liability ratio", "上年度资产负债率", "growth"),
    "field": Spec("strategic_emerging", "main product's field", "主导产品所属领域情况", "specialisation"),
    "main": Spec("main_business_share", "main-business share of revenue", "主营业务收入占营业收入比重",
                 "specialisation"),
}
INNOVATIVE_EQUITY = 500 * WAN


def _strategic_field(profile: FirmProfile) -> Indicator:
    """§1.1 #5: strategic emerging → 10, any other field → 5."""
    spec, value = INNOVATIVE_SPECS["field"], profile.strategic_emerging
    if value is None:
        return _open(spec, 5, 10, 10, "missing", missing="strategic_emerging")
    return _fixed(spec, 10 if value else 5, 10, "yes" if value else "no",
                  "战略性新兴产业" if value else "other field")


def _innovative_indicators(firm: _Firm) -> list[Indicator]:
    """§1.1: the six indicators of 63号 Annex 1 (100 points)."""
    facts, profile = firm.facts, firm.profile
    n, specs = facts.numbers, INNOVATIVE_SPECS
    return [
        _ip_indicator(specs["ip"], INNOVATIVE_IP, profile),
        _banded(specs["rd"], INNOVATIVE_RD, n[NumericField.rd_ratio], _need(facts, NumericField.rd_ratio)),
        _banded(specs["growth"], INNOVATIVE_GROWTH, n[NumericField.revenue_growth], "revenue_growth"),
        _banded(specs["debt"], INNOVATIVE_DEBT, n[NumericField.debt_ratio], "debt_ratio"),
        _strategic_field(profile),
        _banded(specs["main"], INNOVATIVE_MAIN, n[NumericField.main_business_share], "main_business_share"),
    ]


def _equity_3y(path: str, facts: Facts) -> Outcome:
    """§1.1 直通 #4: ≥ 500万 in 3 years; the profile holds 2 years, so a lower figure leaves year 3 open."""
    value = facts.numbers[NumericField.new_equity_financing_2y]
    if value is None:
        return Outcome(path=path, type="numeric", status="unknown", field="new_equity_financing_2y",
                       bound=INNOVATIVE_EQUITY,
                       reason="provide new_equity_financing_2y (≥ 5,000,000 yuan in 3 years would qualify)")
    if _at_least(value, INNOVATIVE_EQUITY):
        return Outcome(path=path, type="numeric", status="pass", field="new_equity_financing_2y", value=value,
                       bound=INNOVATIVE_EQUITY,
                       reason=f"new equity financing {value:,.0f} yuan in 2 years meets "
                              "≥ 5,000,000 in 3 years")
    return Outcome(path=path, type="numeric", status="unknown", field="new_equity_financing_2y", value=value,
                   bound=INNOVATIVE_EQUITY, gap=INNOVATIVE_EQUITY - value,
                   reason=f"new equity financing {value:,.0f} yuan in 2 years; the rule counts 3 years "
                          f"(needs ≥ 5,000,000 yuan, {INNOVATIVE_EQUITY - value:+,.0f} yuan) "
                          "and the third is not in the profile")


def _assess_innovative_sme(firm: _Firm, regime: Regime) -> RungAssessment:
    """63号 Annex 1 (§1.1), kept by the 2026 measures for tier 1: score ≥ 60 with sub-minimums, or 直通."""
    rung: Rung = "innovative_sme"
    facts, profile = firm.facts, firm.profile
    indicators = _innovative_indicators(firm)
    score = _group(f"{rung}.score_path", "all_of", "score ≥ 60 with 创新能力 ≥ 20, 成长性 ≥ 15, 专业化 ≥ 15",
                   [_score_check(f"{rung}.score", "score", indicators, 60),
                    *_group_checks(f"{rung}.score", indicators, INNOVATIVE_MINIMUMS)])
    routes = [
        _holds(f"{rung}.route.award", facts, (Designation.science_tech_award,)),
        _holds(f"{rung}.route.high_tech", facts, (Designation.high_tech_enterprise,)),
        _provincial_institution(f"{rung}.route.rd_institution", profile, facts),
        _equity_3y(f"{rung}.route.equity", facts),
    ]
    qualify = _group(f"{rung}.qualify", "any_of", "score path or any 直通 route", [score, *routes])
    return _assessment(rung, firm, regime, [*_basics(rung, facts), qualify], routes=routes,
                       indicators=indicators, pass_mark=60, scored=qualify, notes=[
                           "IP counts are taken as related to the main product.",
                           "revenue_growth (operating revenue) stands in for main-business revenue growth.",
                           ("Of the honour routes only 高新技术企业 is checked; 国家级技术创新示范企业 and "
                            "知识产权优势/示范企业 are not in the vocabulary."),
                       ])


# --------------------------------------------------------------------------- §1.3 专精特新中小企业 (2022)

SPEC_MAIN = Scale(((0.80, 5, "≥80%"), (0.70, 3, "70%–80%"), (0.60, 1, "60%–70%")), (0, "<60%"))
SPEC_GROWTH = Scale(((0.10, 10, "≥10%"), (0.08, 8, "8%–10%"), (0.06, 6, "6%–8%"), (0.04, 4, "4%–6%"),
                     (0.0, 2, "0–4%")), (0, "<0"))
# "1 point per full 2 years, max 5", as the county form renders it in bands.
SPEC_YEARS = Scale(((10, 5, "≥10 years"), (8, 4, "8–10 years"), (6, 3, "6–8 years"), (4, 2, "4–6 years"),
                    (2, 1, "2–4 years")), (0, "<2 years"))
SPEC_DIGITAL = Scale(((3, 5, "level ≥3"), (2, 3, "level 2")), (0, "level 1"))
SPEC_PROFIT = Scale(((0.10, 10, "≥10%"), (0.08, 8, "8%–10%"), (0.06, 6, "6%–8%"), (0.04, 4, "4%–6%"),
                     (0.02, 2, "2%–4%")), (0, "<2%"))
SPEC_DEBT = Scale(((0.50, 5, "≤50%"), (0.60, 3, "50%–60%"), (0.70, 1, "60%–70%")), (0, ">70%"),
                  lower_is_better=True)
SPEC_IP = IpPoints(high_value=10, self_developed=8, class1=6, class2=2)
SPEC_RD_AMOUNT = Scale(((500 * WAN, 10, "≥500万"), (400 * WAN, 8, "400–500万"), (300 * WAN, 6, "300–400万"),
                        (200 * WAN, 4, "200–300万"), (100 * WAN, 2, "100–200万")), (0, "<100万"))
SPEC_RD_RATIO = Scale(((0.10, 10, "≥10%"), (0.08, 8, "8%–10%"), (0.06, 6, "6%–8%"), (0.04, 4, "4%–6%"),
                       (0.03, 2, "3%–4%")), (0, "<3%"))
SPEC_RD_STAFF = Scale(((0.20, 5, "≥20%"), (0.10, 3, "10%–20%"), (0.05, 1, "5%–10%")), (0, "<5%"))
SPEC_INSTITUTION = {"national": 10.0, "provincial": 8.0, "municipal": 4.0, "other": 2.0, "none": 0.0}
SPEC_QUALITY_EACH, SPEC_QUALITY_CAP = 3.0, 5.0
SPEC_SPECS = {
    "main": Spec("main_business_share", "main-business share of revenue", "主营业务收入占营业收入比重",
                 "specialisation"),
    "growth": Spec("revenue_growth_avg_2y", "2-year average main-business revenue growth",
                   "近2年主营业务收入平均增长率", "specialisation"),
    "years": Spec("years_in_niche", "years in the niche market", "从事特定细分市场年限", "specialisation"),
    "field": Spec("main_product_field", "main product's field", "主导产品所属领域情况", "specialisation"),
    "digital": Spec("digital_level", "digitalisation level", "数字化水平", "refinement"),
    "quality": Spec("quality", "quality management", "质量管理水平", "refinement"),
    "profit": Spec("net_profit_margin", "net profit margin", "上年度净利润率", "refinement"),
    "debt": Spec("debt_ratio", "asset-liability ratio", "上年度资产负债率", "refinement"),
    "local": Spec("local_features", "local-feature indicators", "地方特色指标", "distinctiveness"),
    "ip": Spec("ip", "valid IP for the main product", "与主导产品相关的有效知识产权数量", "innovation"),
    "rd": Spec("rd_input", "R&D input (amount or ratio)", "上年度研发费用投入", "innovation"),
    "staff": Spec("rd_staff_ratio", "R&D staff share", "上年度研发人员占比", "innovation"),
    "institution": Spec("rd_institution", "R&D institution level", "建立研发机构级别", "innovation"),
}


def _spec_field(profile: FirmProfile) -> Indicator:
    """§1.3 主导产品所属领域: key-chain gap-filler → 5; 六基/老字号/chain supplier → 3 (not in the profile)."""
    spec = SPEC_SPECS["field"]
    if profile.key_chain_role:
        return _fixed(spec, 5, 5, "yes", "补短板/锻长板/填空白")
    if profile.key_chain_role is False:
        return _open(spec, 0, 3, 5, "confirm", value="no",
                     note="3 points for 工业“六基”, 中华老字号 or supplying a key-chain leader")
    return _open(spec, 0, 5, 5, "missing", missing="key_chain_role")


def _spec_quality(profile: FirmProfile) -> Indicator:
    """§1.3 质量管理: 3 points per item, capped at 5."""
    items = {"quality_award": profile.quality_award, "quality_certified": profile.quality_certified,
             "own_brand": profile.own_brand, "led_standard": profile.led_standard}
    yes = sum(1 for value in items.values() if value)
    unknown = [name for name, value in items.items() if value is None]
    floor = min(SPEC_QUALITY_CAP, SPEC_QUALITY_EACH * yes)
    ceiling = min(SPEC_QUALITY_CAP, SPEC_QUALITY_EACH * (yes + len(unknown)))
    return _open(SPEC_SPECS["quality"], floor, ceiling, SPEC_QUALITY_CAP, "missing", value=yes,
                 band=f"{yes} of 4 items", missing=", ".join(unknown))


def _spec_rd_input(facts: Facts) -> Indicator:
    """§1.3 研发投入: the better of the amount band and the ratio band."""
    spec = SPEC_SPECS["rd"]
    amount, ratio = facts.numbers[NumericField.rd_expense], facts.numbers[NumericField.rd_ratio]
    scored = [SPEC_RD_AMOUNT.score(amount) if amount is not None else None,
              SPEC_RD_RATIO.score(ratio) if ratio is not None else None]
    known = [item for item in scored if item is not None]
    top = SPEC_RD_AMOUNT.max_points
    if not known:
        return _open(spec, 0, top, top, "missing", missing=_need(facts, NumericField.rd_ratio))
    points, band = max(known)
    shown = " / ".join(text for text in (None if amount is None else _fmt(amount, "yuan"),
                                         None if ratio is None else _fmt(ratio, "share")) if text)
    if len(known) == 2 or points == top:
        return _fixed(spec, points, top, shown, band)
    return _open(spec, points, top, top, "missing", value=shown, band=band,
                 missing=_need(facts, NumericField.rd_ratio))


def _spec_institution(profile: FirmProfile, facts: Facts) -> Indicator:
    """§1.3 研发机构: by level, from the declared level or the institution titles held."""
    spec = SPEC_SPECS["institution"]
    candidates = []
    if profile.rd_institution_level is not None:
        candidates.append((SPEC_INSTITUTION[profile.rd_institution_level], profile.rd_institution_level))
    if Designation.national_rd_institution in facts.designations:
        candidates.append((SPEC_INSTITUTION["national"], "national"))
    if Designation.provincial_rd_institution in facts.designations:
        candidates.append((SPEC_INSTITUTION["provincial"], "provincial"))
    if candidates:
        points, level = max(candidates)
        return _fixed(spec, points, 10, level, level)
    if profile.has_rd_institution is False:
        return _fixed(spec, 0, 10, "none", "none")
    floor = SPEC_INSTITUTION["other"] if profile.has_rd_institution else 0.0
    return _open(spec, floor, 10, 10, "missing", missing="rd_institution_level")


def _spec_2022_indicators(firm: _Firm) -> list[Indicator]:
    """§1.3: 13 indicators in 4 classes, 100 points; the 15 local-feature points only the province scores."""
    facts, profile = firm.facts, firm.profile
    n = facts.numbers
    digital = SPEC_SPECS["digital"]
    digital_indicator = (
        _banded(digital, SPEC_DIGITAL, float(profile.digital_level), "digital_level")
        if profile.digital_level is not None
        else _open(digital, 0, 5, 5, "missing", missing="digital_level",
                   note="level from the platform's digitalisation self-test")
    )
    return [
        _banded(SPEC_SPECS["main"], SPEC_MAIN, n[NumericField.main_business_share], "main_business_share"),
        _banded(SPEC_SPECS["growth"], SPEC_GROWTH, n[NumericField.revenue_growth_avg_2y],
                "revenue_growth_avg_2y"),
        _banded(SPEC_SPECS["years"], SPEC_YEARS, n[NumericField.years_in_niche], "years_in_niche"),
        _spec_field(profile),
        digital_indicator,
        _spec_quality(profile),
        _banded(SPEC_SPECS["profit"], SPEC_PROFIT, n[NumericField.net_profit_margin], "net_profit_margin"),
        _banded(SPEC_SPECS["debt"], SPEC_DEBT, n[NumericField.debt_ratio], "debt_ratio"),
        _open(SPEC_SPECS["local"], 0, 15, 15, "not_computable",
              note="1–3 indicators set and scored by each province"),
        _ip_indicator(SPEC_SPECS["ip"], SPEC_IP, profile),
        _spec_rd_input(facts),
        _banded(SPEC_SPECS["staff"], SPEC_RD_STAFF, n[NumericField.rd_staff_ratio],
                _need(facts, NumericField.rd_staff_ratio)),
        _spec_institution(profile, facts),
    ]


def _revenue_or_equity(rung: Rung, facts: Facts, revenue: float, equity: float) -> Outcome:
    """§1.3 #3, §1.4 (2), §6.2: enough revenue, or less revenue but enough new equity in 2 years."""
    return _group(f"{rung}.revenue_or_equity", "any_of", "revenue, or new equity financing instead", [
        _check(f"{rung}.operating_revenue", facts, NumericField.operating_revenue, "gte", revenue),
        _check(f"{rung}.new_equity_financing_2y", facts, NumericField.new_equity_financing_2y, "gte", equity),
    ])


def _assess_specialized_2022(firm: _Firm, regime: Regime) -> RungAssessment:
    """63号 Annex 2 (§1.3): four hard conditions, the fourth being score ≥ 60 or an escape route."""
    rung: Rung = "specialized_sme"
    facts = firm.facts
    indicators = _spec_2022_indicators(firm)
    avg_rd = facts.numbers[NumericField.rd_expense_2y]
    routes = [
        _holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
               confirm="provincial award ranked top-3 unit, or national award ranked top-5, "
                       "in the last 3 years"),
        _threshold(f"{rung}.route.rd_average", Quantity(
            name="average R&D expense over 2 years", field="rd_expense_2y",
            value=None if avg_rd is None else avg_rd / 2, need=_need(facts, NumericField.rd_expense_2y),
            unit="yuan"), "gte", 1000 * WAN),
        _check(f"{rung}.route.equity", facts, NumericField.new_equity_financing_2y, "gte", 6000 * WAN),
    ]
    qualify = _group(f"{rung}.qualify", "any_of", "score ≥ 60 or an escape route",
                     [_score_check(f"{rung}.score", "score", indicators, 60), *routes])
    conditions = [
        *_basics(rung, facts),
        _check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 2),
        _check(f"{rung}.rd_expense", facts, NumericField.rd_expense, "gte", 100 * WAN),
        _check(f"{rung}.rd_ratio", facts, NumericField.rd_ratio, "gte", 0.03),
        _revenue_or_equity(rung, facts, 1000 * WAN, 2000 * WAN),
        qualify,
    ]
    return _assessment(rung, firm, regime, conditions, routes=routes, indicators=indicators, pass_mark=60,
                       scored=qualify, notes=[
                           "The 15 local-feature points are scored by each province; the score is a range.",
                           "The 创客中国 top-500 route is not modelled (no profile field).",
                       ])


# --------------------------------------------------------------------------- §1.4 专精特新中小企业 (2026)


def _assess_specialized_2026(firm: _Firm, regime: Regime) -> RungAssessment:
    """2号 Annex 1 (§1.4): all hard conditions; the platform score ≥ 50 stays unknown (§1.7, §6.5)."""
    rung: Rung = "specialized_sme"
    profile, facts = firm.profile, firm.facts
    waivers = [
        _holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
               confirm="provincial-or-higher S&T award ranked top-3 unit in the last 3 years"),
        _provincial_institution(f"{rung}.route.rd_institution", profile, facts),
    ]
    ip = _group(f"{rung}.ip", "any_of", "≥ 1 class-I IP in use, or a waiver",
                [_check(f"{rung}.ip_class1", facts, NumericField.ip_class1, "gte", 1), *waivers])
    share = facts.numbers[NumericField.niche_market_share]
    share_text = "" if share is None else f" (niche share {share * 100:.4g}%)"
    conditions = [
        *_basics(rung, facts),
        _prerequisite(rung, facts),
        _check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 3),
        _revenue_or_equity(rung, facts, 1500 * WAN, 2000 * WAN),
        _check(f"{rung}.main_business_share", facts, NumericField.main_business_share, "gte", 0.80),
        _check(f"{rung}.debt_ratio", facts, NumericField.debt_ratio, "lte", 0.80),
        _check(f"{rung}.rd_expense", facts, NumericField.rd_expense, "gte", 100 * WAN),
        _check(f"{rung}.rd_expense_prev", facts, NumericField.rd_expense_prev, "gte", 100 * WAN),
        *_rd_each_year(rung, facts, 0.03),
        ip,
        _manual(f"{rung}.market_share", f"the main product's market share is relatively high{share_text}"),
        _platform_score(f"{rung}.platform_score", 50),
    ]
    return _assessment(rung, firm, regime, conditions, routes=waivers, pass_mark=50, notes=[
        "A valid title at tier 1 or higher meets the prerequisite.",
        "The 2022 直通 routes and local-feature points no longer exist.",
    ])


# --------------------------------------------------------------------------- §1.5 小巨人 (2022)


def _rd_by_revenue_band(rung: Rung, facts: Facts) -> Outcome:
    """§1.5 创新能力, §6.2: the R&D rule depends on last year's revenue band (edges go to the higher band)."""
    revenue = facts.numbers[NumericField.operating_revenue]
    path = f"{rung}.rd_by_revenue"
    if revenue is None:
        return Outcome(path=path, type="numeric", status="unknown", field="operating_revenue",
                       reason="provide operating_revenue (it sets which R&D rule applies)")
    if _at_least(revenue, 1 * YI):
        return _group(path, "all_of", "revenue ≥ 1亿: R&D ≥ 3% in each of 2 years",
                      _rd_each_year(rung, facts, 0.03))
    if _at_least(revenue, 5000 * WAN):
        return _group(path, "all_of", "revenue 5000万–1亿: R&D ≥ 6% in each of 2 years",
                      _rd_each_year(rung, facts, 0.06))
    return _group(path, "all_of", "revenue < 5000万: equity ≥ 8000万, R&D ≥ 3000万 and R&D staff ≥ 50%", [
        _check(f"{rung}.new_equity_financing_2y", facts, NumericField.new_equity_financing_2y, "gte",
               8000 * WAN),
        _check(f"{rung}.rd_expense", facts, NumericField.rd_expense, "gte", 3000 * WAN),
        _check(f"{rung}.rd_staff_ratio", facts, NumericField.rd_staff_ratio, "gte", 0.50),
    ])


def _chain_role(rung: Rung, profile: FirmProfile, what: str) -> Outcome:
    """A self-declared key-chain role is only a claim a person weighs: yes → confirm, no → fail."""
    return _flag(f"{rung}.key_chain_role", "key_chain_role", profile.key_chain_role, yes="confirm", what=what)


def _assess_little_giant_2022(firm: _Firm, regime: Regime) -> RungAssessment:
    """63号 Annex 3 (§1.5): 专、精、特、新, industrial-chain role and main-product field."""
    rung: Rung = "little_giant"
    profile, facts = firm.profile, firm.facts
    general = _group(f"{rung}.innovation_general", "all_of",
                     "R&D by revenue band, an R&D institution, ≥ 2 class-I IP", [
        _rd_by_revenue_band(rung, facts),
        _any_rd_institution(f"{rung}.rd_institution", profile, facts),
        _check(f"{rung}.ip_class1", facts, NumericField.ip_class1, "gte", 2),
    ])
    routes = [_holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
                     confirm="national S&T award in the last 3 years, ranked top-3 unit")]
    digital = "" if profile.digital_level is None else f" (digitalisation level {profile.digital_level})"
    emerging = " (profile: strategic emerging field)" if profile.strategic_emerging else ""
    conditions = [
        *_basics(rung, facts),
        _check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 3),
        _check(f"{rung}.main_business_share", facts, NumericField.main_business_share, "gte", 0.70),
        _check(f"{rung}.revenue_growth_avg_2y", facts, NumericField.revenue_growth_avg_2y, "gte", 0.05),
        _manual(f"{rung}.information_system", f"at least one core business process runs on an information "
                                               f"system{digital}"),
        _flag(f"{rung}.quality_certified", "quality_certified", profile.quality_certified, no="confirm",
              what="management-system certification, or a developed-country product certification"),
        _check(f"{rung}.debt_ratio", facts, NumericField.debt_ratio, "lte", 0.70),
        _market_share(f"{rung}.niche_market_share", facts, top3_alternative=False),
        _flag(f"{rung}.own_brand", "own_brand", profile.own_brand, what="own competitive brand"),
        _group(f"{rung}.innovation", "any_of", "创新能力: general route or a direct route", [general, *routes]),
        _chain_role(rung, profile, "in a key chain link, filling gaps: 补短板/锻长板/填空白"),
        _manual(f"{rung}.main_product_field",
                f"main product in 工业“六基”, the 10 key sectors of 制造强国, or 网络强国 fields{emerging}"),
    ]
    return _assessment(rung, firm, regime, conditions, routes=routes, notes=[
        "Below 5000万 revenue the R&D 3000万 is read as last year's R&D expense.",
        "The 创客中国 top-50 route is not modelled (no profile field).",
    ])


# --------------------------------------------------------------------------- §1.6 小巨人 (2026)


def _assess_little_giant_2026(firm: _Firm, regime: Regime) -> RungAssessment:
    """2号 Annex 2 (§1.6): seven conditions; single champions are no longer recommended."""
    rung: Rung = "little_giant"
    profile, facts = firm.profile, firm.facts
    routes = [_holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
                     confirm="national S&T award in the last 3 years, ranked top-3 unit")]
    ip = _group(f"{rung}.ip", "any_of", "≥ 4 class-I IP, or a national S&T award",
                [_check(f"{rung}.ip_class1", facts, NumericField.ip_class1, "gte", 4), *routes])
    champion = _holds(f"{rung}.not_single_champion", facts, (Designation.single_champion,))
    not_champion = Outcome(
        path=champion.path, type="designation", field=champion.field,
        status="fail" if champion.status == "pass" else "pass",
        reason="a manufacturing single champion is no longer recommended for 小巨人"
        if champion.status == "pass" else "not a manufacturing single champion",
    )
    conditions = [
        *_basics(rung, facts),
        _prerequisite(rung, facts),
        not_champion,
        _check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 3),
        _check(f"{rung}.operating_revenue", facts, NumericField.operating_revenue, "gte", 5000 * WAN),
        _check(f"{rung}.main_business_share", facts, NumericField.main_business_share, "gte", 0.90),
        _check(f"{rung}.revenue_growth_avg_2y", facts, NumericField.revenue_growth_avg_2y, "gte", 0.05),
        _check(f"{rung}.debt_ratio", facts, NumericField.debt_ratio, "lte", 0.75),
        _check(f"{rung}.rd_expense_2y", facts, NumericField.rd_expense_2y, "gte", 1200 * WAN),
        *_rd_each_year(rung, facts, 0.03),
        ip,
        _market_share(f"{rung}.niche_market_share", facts, top3_alternative=True),
        _chain_role(rung, profile, "main product in a key chain link: core parts, key software, advanced "
                                   "processes, key materials, industrial base or traditional/emerging/future "
                                   "industries"),
        _platform_score(f"{rung}.platform_score", 60),
    ]
    return _assessment(rung, firm, regime, conditions, routes=routes, pass_mark=60, notes=[
        "revenue_growth_avg_2y stands in for the 2-year compound growth rate.",
        "A valid 专精特新中小企业 or 小巨人 title meets the prerequisite.",
    ])


# --------------------------------------------------------------------------- §1.8 单项冠军 (2023)

CHAMPION_REVENUE = 4 * YI


def _champion_revenue(rung: Rung, facts: Facts) -> Outcome:
    """§1.8: 3-year average main-business revenue ≥ 4亿, judged from last year's figure.

    The profile has one year. Last year's main-business revenue at or above 4亿 leaves the average
    for a person to confirm; below it is taken as a fail, since an average ≥ 4亿 would need earlier
    years well above 4亿. Operating revenue bounds main-business revenue, so operating revenue
    below 4亿 fails even when the main-business share is missing.
    """
    path = f"{rung}.main_revenue"
    revenue = facts.numbers[NumericField.operating_revenue]
    share = facts.numbers[NumericField.main_business_share]
    name = "main-business revenue (last year)"
    if revenue is None or (share is None and _at_least(revenue, CHAMPION_REVENUE)):
        need = "operating_revenue" if revenue is None else "main_business_share"
        unknown = Quantity(name=name, field="operating_revenue", value=None, need=need, unit="yuan")
        return _threshold(path, unknown, "gte", CHAMPION_REVENUE)
    if share is None:
        name = "operating revenue (last year)"
    main = revenue if share is None else revenue * share
    known = Quantity(name=name, field="operating_revenue", value=main, need="", unit="yuan")
    outcome = _threshold(path, known, "gte", CHAMPION_REVENUE)
    if outcome.status == "pass":
        return outcome.model_copy(update={
            "status": "confirm",
            "reason": "confirm: the 3-year average main-business revenue is ≥ 400,000,000 yuan "
                      f"({outcome.reason})",
        })
    return outcome


def _assess_single_champion(firm: _Firm, regime: Regime) -> RungAssessment:
    """工信部政法〔2023〕138号 (§1.8): ≥ 10 years, ≥ 4亿 average, global top-3 share."""
    rung: Rung = "single_champion"
    facts = firm.facts
    conditions = [
        *_attested(rung, facts, (Attestation.no_serious_violation_3y, Attestation.no_major_accident_3y)),
        _check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 10),
        _champion_revenue(rung, facts),
        _manual(f"{rung}.global_share", "the product's market share ranks in the global top 3 "
                                        "(8/10-digit 统计用产品分类目录 code)"),
    ]
    return _assessment(rung, firm, regime, conditions, notes=[
        "The new-product path (≥ 5 years) and the unverified 2亿 variant are not modelled.",
        "Revenue uses last year's figure for the 3-year average.",
    ])


# --------------------------------------------------------------------------- public API

Assessor = Callable[[_Firm, Regime], RungAssessment]
ASSESSORS: dict[tuple[Rung, Regime], Assessor] = {
    ("tech_sme", Regime.tech_2017): _assess_tech_sme,
    ("innovative_sme", Regime.gradient_2022): _assess_innovative_sme,
    ("specialized_sme", Regime.gradient_2022): _assess_specialized_2022,
    ("specialized_sme", Regime.gradient_2026): _assess_specialized_2026,
    ("little_giant", Regime.gradient_2022): _assess_little_giant_2022,
    ("little_giant", Regime.gradient_2026): _assess_little_giant_2026,
    ("single_champion", Regime.champion_2023): _assess_single_champion,
}


def regime_for(rung: Rung, as_of: dt.date, purpose: Purpose = "new") -> Regime:
    """§0: new 专精特新/小巨人 applications from 2026-04-01 use 2号; earlier ones and re-reviews use 63号.

    The innovative SME keeps 63号 Annex 1 under both (2号文第三十条); the tech SME uses 115号.
    """
    if rung == "tech_sme":
        return Regime.tech_2017
    if rung == "single_champion":
        return Regime.champion_2023
    if rung in ("specialized_sme", "little_giant") and purpose == "new" and as_of >= REGIME_2026_FROM:
        return Regime.gradient_2026
    return Regime.gradient_2022


def _assess(rung: Rung, profile: FirmProfile, facts: Facts, purpose: Purpose) -> RungAssessment:
    regime = regime_for(rung, facts.as_of, purpose)
    return ASSESSORS[(rung, regime)](_Firm(profile, facts), regime)


def assess_rung(rung: Rung, profile: FirmProfile, as_of: dt.date, purpose: Purpose = "new") -> RungAssessment:
    """One rung under the rules in force for this purpose on as_of."""
    return _assess(rung, profile, derive(profile, as_of), purpose)


def assess_ladder(profile: FirmProfile, as_of: dt.date, purpose: Purpose = "new") -> list[RungAssessment]:
    """Every rung, lowest first."""
    facts = derive(profile, as_of)
    return [_assess(rung, profile, facts, purpose) for rung in LADDER]


def next_rung(assessments: Sequence[RungAssessment]) -> RungAssessment | None:
    """The lowest rung above the highest tier already held: the gap to climb.

    A higher title implies the tiers below, so a little giant's next rung is the single champion
    even without a current 专精特新 title. Within tier 1 (tech or innovative SME) the rung nearer
    to passing is chosen, ladder order breaking ties.
    """
    held = max((TIER[a.rung] for a in assessments if a.held), default=0)
    above = [a for a in assessments if TIER[a.rung] > held]
    if not above:
        return None
    lowest = min(TIER[a.rung] for a in above)
    return max((a for a in above if TIER[a.rung] == lowest), key=lambda a: STATUS_OF[a.status])

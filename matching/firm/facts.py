"""Facts about a firm as of a date: the profile's own values plus what is derived from them.

Derived values (age, R&D ratios, size class) are never asked of a firm. Titles
count as held from their award date for three years, the validity the ladder's
rules give every title; a title listed without a date counts as held.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from matching.firm.profile import FirmProfile
from matching.firm.sizing import size_class
from policies.vocabulary import Attestation, Designation, FlagField, NumericField, SizeClass

TITLE_VALIDITY_YEARS = 3


@dataclass(frozen=True)
class Facts:
    as_of: dt.date
    numbers: dict[NumericField, float | None]
    flags: dict[FlagField, bool | None]
    region: str
    industries: tuple[str, ...]
    designations: dict[Designation, dt.date | None]  # titles held and valid on as_of, with award dates
    attestations: frozenset[Attestation]
    size_class: SizeClass | None
    # (attestation, scheme) declared for one scheme; (measure code, condition id) confirmed by a person.
    scheme_attestations: frozenset[tuple[Attestation, str]] = frozenset()
    confirmed: frozenset[tuple[str, str]] = frozenset()


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def _add_years(day: dt.date, years: int) -> dt.date:
    if day.year + years > dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_years(founded: dt.date, as_of: dt.date) -> float:
    """A calendar age, as a person counts it: whole years completed, plus the share of the current year elapsed.

    Days / 365.25 leaves a firm 0.9993 years old on its first anniversary, failing
    "at least 1 year" on the day a person says it qualifies. Here every anniversary
    is a whole number, and the fraction runs over the actual length of the year
    being lived (365 or 366 days), so age only grows with `as_of`. A firm founded on
    29 February has its anniversary on 28 February in other years, the rule
    `_add_years` already gives titles and the Civil Code's (民法典 §201: a period
    whose month has no corresponding day ends on the month's last day).
    """
    years = as_of.year - founded.year
    if _add_years(founded, years) > as_of:
        years -= 1
    start, end = _add_years(founded, years), _add_years(founded, years + 1)
    return years + (as_of - start).days / (end - start).days


def title_valid(awarded: dt.date | None, as_of: dt.date) -> bool:
    if awarded is None:
        return True
    return awarded <= as_of < _add_years(awarded, TITLE_VALIDITY_YEARS)


def apply_overrides(profile: FirmProfile, overrides: dict[str, Any]) -> FirmProfile:
    """The profile with some fields replaced ("what if our R&D were 5%?"), validated again."""
    if not overrides:
        return profile
    return FirmProfile.model_validate(profile.model_dump() | overrides)


def derive(profile: FirmProfile, as_of: dt.date) -> Facts:
    """Every fact the criteria can name, derived as of a date."""
    numbers: dict[NumericField, float | None] = {}
    for field in NumericField:
        raw = getattr(profile, field.value, None)
        numbers[field] = float(raw) if raw is not None else None
    revenue = numbers[NumericField.operating_revenue]
    rd = numbers[NumericField.rd_expense]
    rd_prev = numbers[NumericField.rd_expense_prev]
    numbers[NumericField.age_years] = (
        age_years(profile.founded, as_of) if profile.founded and profile.founded <= as_of else None
    )
    numbers[NumericField.rd_ratio] = _ratio(rd, revenue)
    # The year-before-last revenue is not asked for; last year's revenue over
    # last year's growth recovers it when both are known.
    growth = numbers[NumericField.revenue_growth]
    revenue_prev = revenue / (1 + growth) if revenue is not None and growth is not None and growth > -1 else None
    numbers[NumericField.rd_ratio_prev] = _ratio(rd_prev, revenue_prev)
    numbers[NumericField.rd_expense_2y] = rd + rd_prev if rd is not None and rd_prev is not None else None
    numbers[NumericField.rd_staff_ratio] = _ratio(numbers[NumericField.rd_staff], numbers[NumericField.employees])
    flags = {field: getattr(profile, field.value) for field in FlagField}
    held = {
        item.designation: item.awarded for item in profile.designations if title_valid(item.awarded, as_of)
    }
    main_industry = profile.industries[0] if profile.industries else None
    size = size_class(
        main_industry,
        {
            "employees": numbers[NumericField.employees],
            "operating_revenue": revenue,
            "total_assets": numbers[NumericField.total_assets],
        },
    )
    return Facts(
        as_of=as_of,
        numbers=numbers,
        flags=flags,
        region=profile.region,
        industries=tuple(profile.industries),
        designations=held,
        attestations=frozenset(profile.attestations),
        size_class=size,
        scheme_attestations=frozenset((item.attestation, item.scheme) for item in profile.scheme_attestations),
        confirmed=frozenset((item.measure, item.condition) for item in profile.confirmations
                            if item.confirmed_on <= as_of),
    )

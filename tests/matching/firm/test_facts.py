"""Calendar ages: an anniversary counts, as a person reads "at least 1 year"."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.firm.facts import age_years, derive
from matching.firm.profile import FirmProfile
from policies.vocabulary import NumericField

D = dt.date


@pytest.mark.parametrize(
    ("founded", "as_of", "expected"),
    [
        (D(2025, 11, 22), D(2026, 11, 22), 1.0),  # the case: 0.9993 under days / 365.25
        (D(2025, 11, 22), D(2025, 11, 22), 0.0),
        (D(2020, 3, 1), D(2025, 3, 1), 5.0),
        (D(2020, 1, 1), D(2022, 7, 2), 2 + 182 / 365),  # half of a 365-day year: 2.5 within a day
        (D(2023, 1, 1), D(2024, 7, 2), 1 + 183 / 366),  # the year being lived is a leap year
        # Founded on 29 February: the anniversary is 28 February in other years, 29 February in leap years.
        (D(2024, 2, 29), D(2025, 2, 28), 1.0),
        (D(2024, 2, 29), D(2028, 2, 29), 4.0),
        (D(2024, 2, 29), D(2028, 2, 28), 3 + 365 / 366),  # 2027-02-28 to 2028-02-29 is 366 days
        (D(2024, 2, 29), D(2025, 3, 1), 1 + 1 / 365),
    ],
)
def test_age_is_calendar_age(founded: dt.date, as_of: dt.date, expected: float) -> None:
    assert age_years(founded, as_of) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("founded", "as_of"), [(D(2025, 11, 22), D(2026, 11, 21)), (D(2024, 2, 29), D(2025, 2, 27))])
def test_the_day_before_an_anniversary_is_short_of_it(founded: dt.date, as_of: dt.date) -> None:
    age = age_years(founded, as_of)
    assert 0.99 < age < 1


def test_derive_gives_the_calendar_age_and_none_before_founding() -> None:
    profile = FirmProfile(name="试验公司", region="330212", founded=D(2025, 11, 22))
    assert derive(profile, D(2026, 11, 22)).numbers[NumericField.age_years] == 1.0
    assert derive(profile, D(2025, 11, 21)).numbers[NumericField.age_years] is None


days = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))


@given(founded=days, first=days, second=days)
def test_age_grows_with_the_date(founded: dt.date, first: dt.date, second: dt.date) -> None:
    earlier, later = sorted((first, second))
    if earlier < founded:
        return
    assert age_years(founded, earlier) <= age_years(founded, later)
    if earlier < later:
        assert age_years(founded, earlier) < age_years(founded, later)


@given(founded=days, years=st.integers(min_value=0, max_value=150))
def test_every_anniversary_is_a_whole_number(founded: dt.date, years: int) -> None:
    if founded.year + years > 2100:
        return
    try:
        anniversary = founded.replace(year=founded.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = founded.replace(year=founded.year + years, day=28)
    assert age_years(founded, anniversary) == years
    assert age_years(founded, anniversary - dt.timedelta(days=1)) < years or years == 0


@pytest.mark.parametrize("written", ["0", "1700000000", " 20260101 ", 0, 20260101])
def test_a_number_is_not_a_founding_date(written: object) -> None:
    from pydantic import ValidationError

    from matching.firm.profile import FirmProfile

    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        FirmProfile.model_validate({"name": "测试企业", "region": "330212", "founded": written})

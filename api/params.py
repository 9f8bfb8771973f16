"""Request pieces several routes share: bounded ids, the example profile, the date, what-if overrides."""

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import Path
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, ValidationError

from matching.firm.facts import apply_overrides
from matching.firm.profile import Day, FirmProfile
from policies.i18n import N_

Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="a positive id")]
RevisionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]

EXAMPLE_PROFILE: dict[str, Any] = {
    "name": "宁波甬颌医疗器械有限公司",
    "region": "330212",
    "industries": ["C3581"],
    "founded": "2014-06-18",
    "employees": 168,
    "operating_revenue": 98_000_000,
    "rd_expense": 6_200_000,
    "designations": [{"designation": "specialized_sme", "awarded": "2024-09-10"}],
    "attestations": ["no_serious_violation_3y", "tax_compliant"],
}


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_as_iso(value: object) -> object:
    """A string must read YYYY-MM-DD: pydantic takes a string of digits as seconds since 1970, so "0" was
    1970-01-01, and a query string or a tool's argument is always a string (`Day` refuses only numbers)."""
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError(N_("write a date as YYYY-MM-DD"))
    return value


AsOf = Annotated[Day, BeforeValidator(_written_as_iso)]


def as_of_or_today(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


def with_overrides(profile: FirmProfile, overrides: dict[str, Any]) -> FirmProfile:
    """The profile with the what-if overrides applied, for the engine to take as it is. Overrides of fields a
    profile does not have, and overrides that make the profile invalid, are each a 422 naming
    `body.overrides.<field>`, before the engine runs: an error inside the engine is never mistaken for the
    caller's."""
    unknown = sorted(set(overrides) - set(FirmProfile.model_fields))
    if unknown:
        raise RequestValidationError(
            [{"loc": ("body", "overrides", key), "msg": "not a profile field", "type": "extra_forbidden"}
             for key in unknown]
        )
    try:
        return apply_overrides(profile, overrides)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", "overrides", *error["loc"])} for error in exc.errors()]
        ) from exc

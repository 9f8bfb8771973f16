"""Eligibility for portals: verdicts with reasons, the next question, near misses, what-if."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.auth import require
from api.deps import CatalogueDep
from api.openapi_examples import example
from api.routes.measures import PROBLEMS
from matching.firm.profile import Day, FirmProfile
from matching.usecases.verdicts import EligibilityReport, check
from policies.keys import Role

router = APIRouter(tags=["eligibility"], dependencies=[require(Role.portal)])

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


class EligibilityRequest(BaseModel):
    """A firm profile, optionally with measures to check, a date and what-if overrides."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": EXAMPLE_PROFILE, "overrides": {"rd_expense": 8_000_000}, "near_misses": True}
    ]})

    profile: FirmProfile
    measures: Annotated[list[str] | None, Field(max_length=1000, description="codes; default: all published")] = None
    as_of: Day | None = Field(default=None, description="evaluate as of this date; default today")
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="profile fields to replace, e.g. {\"rd_expense\": 8000000}"
    )
    include_ineligible: bool = Field(default=False, description="also explain ineligible measures")
    near_misses: bool = Field(default=False, description="suggest the smallest change for ineligible measures")


@contextmanager
def overrides_checked(overrides: dict[str, Any]) -> Iterator[None]:
    """Refuse overrides of fields a profile does not have, and report a profile the overrides make
    invalid, each as a 422 naming `body.overrides.<field>`."""
    unknown = sorted(set(overrides) - set(FirmProfile.model_fields))
    if unknown:
        raise RequestValidationError(
            [{"loc": ("body", "overrides", key), "msg": "not a profile field", "type": "extra_forbidden"}
             for key in unknown]
        )
    try:
        yield
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", "overrides", *error["loc"])} for error in exc.errors()]
        ) from exc


def as_of_or_today(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


@router.post("/eligibility", response_model=EligibilityReport, responses=PROBLEMS | example("eligibility"),
             summary="Check eligibility")
def eligibility(request: EligibilityRequest, catalogue: CatalogueDep) -> EligibilityReport:
    """Verdicts (eligible, possibly eligible, ineligible) with every reason, for one firm."""
    with overrides_checked(request.overrides):
        return check(
            catalogue, request.profile, as_of=as_of_or_today(request.as_of), codes=request.measures,
            overrides=request.overrides, include_ineligible=request.include_ineligible,
            want_near_misses=request.near_misses,
        )

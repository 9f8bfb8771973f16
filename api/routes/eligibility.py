"""Eligibility for portals: verdicts with reasons, the next question, near misses, what-if."""

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.auth import require
from api.deps import CatalogueDep
from api.errors import PROBLEMS
from api.openapi_examples import example
from api.params import EXAMPLE_PROFILE, AsOf, as_of_or_today, with_overrides
from api.routing import ReleasingRoute
from matching.firm.profile import FirmProfile
from matching.usecases.verdicts import EligibilityReport, check
from policies.keys import Role

router = APIRouter(route_class=ReleasingRoute, tags=["eligibility"], dependencies=[require(Role.portal)])


class EligibilityRequest(BaseModel):
    """A firm profile, optionally with measures to check, a date and what-if overrides."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": EXAMPLE_PROFILE, "overrides": {"rd_expense": 8_000_000}, "near_misses": True}
    ]})

    profile: FirmProfile
    measures: Annotated[list[str] | None, Field(max_length=1000, description="codes; default: all published")] = None
    as_of: AsOf | None = Field(default=None, description="evaluate as of this date; default today")
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="profile fields to replace, e.g. {\"rd_expense\": 8000000}"
    )
    include_ineligible: StrictBool = Field(default=False, description="also explain ineligible measures")
    near_misses: StrictBool = Field(default=False, description="suggest the smallest change for ineligible measures")


@router.post("/eligibility", response_model=EligibilityReport, responses=PROBLEMS | example("eligibility"),
             summary="Check eligibility")
def eligibility(request: EligibilityRequest, catalogue: CatalogueDep) -> EligibilityReport:
    """Verdicts (eligible, possibly eligible, ineligible) with every reason, for one firm."""
    return check(
        catalogue, with_overrides(request.profile, request.overrides), as_of=as_of_or_today(request.as_of),
        codes=request.measures, include_ineligible=request.include_ineligible,
        want_near_misses=request.near_misses,
    )

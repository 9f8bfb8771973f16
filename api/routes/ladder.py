"""The 专精特新 ladder for a firm: each rung's verdict, score, gaps and what it would unlock."""


from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.auth import require
from api.deps import CatalogueDep
from api.errors import PROBLEMS
from api.openapi_examples import example
from api.params import EXAMPLE_PROFILE, AsOf, as_of_or_today
from api.routing import ReleasingRoute
from matching.firm.profile import FirmProfile
from matching.ladder import Purpose
from matching.usecases.assess import LadderReport, assess
from policies.keys import Role

router = APIRouter(route_class=ReleasingRoute, tags=["eligibility"], dependencies=[require(Role.portal)])


class AssessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"profile": EXAMPLE_PROFILE}]})

    profile: FirmProfile
    as_of: AsOf | None = Field(default=None, description="default today")
    purpose: Purpose = Field(default="new", description="new application, or re-review under the 2022 rules")


@router.post("/assess", response_model=LadderReport, responses=PROBLEMS | example("assess_firm"), summary="Assess the SME ladder")
def assess_firm(request: AssessRequest, catalogue: CatalogueDep) -> LadderReport:
    """Each rung (tech/innovative SME, specialized SME, little giant, single champion) under the rules in force."""
    return assess(catalogue, request.profile, as_of=as_of_or_today(request.as_of), purpose=request.purpose)

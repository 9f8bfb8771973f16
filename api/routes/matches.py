"""The match endpoint enterprise portals call: ranked measures for one firm, with reasons."""

from typing import Annotated, Any, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from api.auth import PortalDep
from api.deps import CatalogueDep, MatcherDep, OutcomeBookDep, SessionDep
from api.errors import PROBLEMS
from api.openapi_examples import example
from api.params import EXAMPLE_PROFILE, AsOf, as_of_or_today, with_overrides
from api.routing import ReleasingRoute
from matching.firm.profile import FirmProfile
from matching.ranking.fusion import Fusion
from matching.store import firms as firm_store
from matching.store.outcome_stats import peer_group
from matching.usecases.match import MatchOptions, MatchResult
from policies.i18n import N_
from policies.vocabulary import Level, MeasureKind

router = APIRouter(route_class=ReleasingRoute, tags=["matching"])


class MatchRequest(BaseModel):
    """A firm profile and how to filter and page the ranked measures."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": EXAMPLE_PROFILE | {"description": "Titanium plates and screws for craniomaxillofacial surgery",
                                       "needs": "Money for a new five-axis CNC line and class-III registration"},
         "limit": 5}
    ]})

    profile: FirmProfile | None = Field(default=None, description="the firm inline, or give firm_id")
    firm_id: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="a firm this portal stored with POST /v1/firms")
    as_of: AsOf | None = Field(default=None, description="default today")

    @model_validator(mode="after")
    def _one_firm(self) -> Self:
        if (self.profile is None) == (self.firm_id is None):
            raise ValueError(N_("give exactly one of profile and firm_id"))
        return self
    kinds: list[MeasureKind] | None = None
    levels: list[Level] | None = None
    open_only: StrictBool = Field(default=False, description="only measures one can apply for now (or automatic ones)")
    include_closed: StrictBool = Field(default=False, description="keep measures whose window has closed")
    closing_within_days: Annotated[int | None, Field(ge=0, le=365, description="default from settings (30)")] = None
    near_misses: StrictBool = Field(default=False, description="also rank measures one small change away")
    overrides: dict[str, Any] = Field(default_factory=dict, description="what-if profile fields")
    offset: Annotated[int, Field(ge=0, le=10_000)] = 0
    limit: Annotated[int, Field(ge=1, le=100)] = 10
    fusion: Fusion | None = Field(default=None, description="how dense and BM25 relevance combine; default from settings")


@router.post("/match", response_model=MatchResult, responses=PROBLEMS | example("match"),
             summary="Match a firm to measures")
def match_firm(
    request: MatchRequest, catalogue: CatalogueDep, matcher: MatcherDep, session: SessionDep, principal: PortalDep,
    book: OutcomeBookDep,
) -> MatchResult:
    """Measures ranked for this firm: eligible first, then possibly eligible, then near misses on request."""
    profile = request.profile
    if profile is None:
        assert request.firm_id is not None and principal.tenant is not None
        stored = firm_store.get(session, principal.tenant, request.firm_id)
        profile = FirmProfile.model_validate(stored.profile)
    options = MatchOptions(
        as_of=as_of_or_today(request.as_of), kinds=request.kinds, levels=request.levels,
        open_only=request.open_only, include_closed=request.include_closed,
        closing_soon_days=(matcher.closing_soon_days if request.closing_within_days is None
                           else request.closing_within_days), near_misses=request.near_misses,
        offset=request.offset, limit=request.limit, fusion=request.fusion or matcher.fusion,
    )
    firm = with_overrides(profile, request.overrides)
    result = matcher.match(catalogue, firm, options)
    group = peer_group(firm, options.as_of)
    return result.model_copy(update={"items": [item.model_copy(update={"evidence": book.evidence(item.code, group)})
                                               for item in result.items]})

"""Search in plain words (Chinese or English), more-like-this, and grounded answers for chatbots."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth import PrincipalDep
from api.deps import CatalogueDep, MatcherDep
from api.errors import PROBLEMS
from api.openapi_examples import example
from api.params import EXAMPLE_PROFILE, AsOf, as_of_or_today
from api.routing import ReleasingRoute
from matching.firm.profile import FirmProfile
from matching.usecases.ask import AskResult, ask
from matching.usecases.search import SearchFilters, SearchResult, more_like_this, search
from policies.errors import MeasureNotFound
from policies.i18n import N_
from policies.keys import Role
from policies.reference import RegionCode
from policies.vocabulary import Designation, Level, MeasureKind

router = APIRouter(route_class=ReleasingRoute, tags=["search"])


@router.get("/search", response_model=SearchResult, responses=PROBLEMS | example("search"), summary="Search measures")
def search_measures(
    _: PrincipalDep,  # no key needed, but a wrong or revoked one is refused (api/auth.py)
    catalogue: CatalogueDep,
    matcher: MatcherDep,
    q: Annotated[str, Query(min_length=1, max_length=300, description="plain words, e.g. 温州 小巨人 奖励",
                            examples=["low-interest loans for robot makers in Chengdu"])],
    region: Annotated[RegionCode | None, Query(description="also matches its province's and national measures")] = None,
    kind: Annotated[list[MeasureKind] | None, Query()] = None,
    level: Annotated[list[Level] | None, Query()] = None,
    designation: Annotated[Designation | None, Query(description="measures that require this title")] = None,
    open_now: bool = False,
    closing_within_days: Annotated[int | None, Query(ge=0, le=365)] = None,
    min_amount: Annotated[int | None, Query(ge=0, description="headline amount at least, CNY")] = None,
    places_from_query: Annotated[bool, Query(description="read place names in q as a region filter")] = True,
    as_of: AsOf | None = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResult:
    """Published measures about the words, fused dense + BM25 ranking, with facets and highlighted snippets."""
    filters = SearchFilters(
        region=region, kinds=kind, levels=level, designation=designation, open_now=open_now,
        closing_within_days=closing_within_days, min_amount=min_amount, places_from_query=places_from_query,
        as_of=as_of_or_today(as_of),
    )
    return search(catalogue, q, matcher.query_vector(q), filters, offset=offset, limit=limit,
                  fusion=matcher.search_fusion)


@router.get("/measures/{code}/similar", response_model=SearchResult, responses=PROBLEMS | example("similar_measures"), tags=["catalogue"],
            summary="More like this")
def similar_measures(
    code: str, _: PrincipalDep, catalogue: CatalogueDep, limit: Annotated[int, Query(ge=1, le=50)] = 10,
    region: Annotated[RegionCode | None, Query()] = None,
) -> SearchResult:
    """Published measures closest to this one."""
    if code not in catalogue.index:
        raise MeasureNotFound(code)
    return more_like_this(catalogue, code, SearchFilters(as_of=dt.date.today(), region=region), limit=limit)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "Can we get an award for becoming a little giant?", "profile": EXAMPLE_PROFILE}
    ]})

    question: str = Field(min_length=2, max_length=500)
    profile: FirmProfile | None = Field(default=None, description="when given, each answer carries its verdict")
    as_of: AsOf | None = None
    limit: int = Field(default=5, ge=1, le=10)


@router.post("/ask", response_model=AskResult, responses=PROBLEMS | example("ask"),
             summary="Grounded answer for chatbots")
def ask_question(
    request: AskRequest, catalogue: CatalogueDep, matcher: MatcherDep, principal: PrincipalDep
) -> AskResult:
    """The measures a question is about, with verdicts, their criteria, sources and the next question to ask.
    Without a profile anyone may ask; with one, as for every evaluation, a portal key is needed."""
    if request.profile is not None and not principal.at_least(Role.portal):
        raise HTTPException(401, N_("checking a firm's eligibility needs an API key"), {"WWW-Authenticate": "Bearer"})
    return ask(catalogue, request.question, matcher.query_vector(request.question), request.profile,
               as_of=as_of_or_today(request.as_of), limit=request.limit, prior=matcher.prior,
               fusion=matcher.search_fusion)

"""Liveness, and which catalogue version this process serves."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CatalogueDep, MatcherDep, SessionDep
from api.openapi_examples import example
from policies import repository

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    measures: int
    published: int
    catalogue_version: int
    model: str


@router.get("/health", response_model=Health, responses=example("health"), summary="Health")
def health(session: SessionDep, catalogue: CatalogueDep, matcher: MatcherDep) -> Health:
    """The service is up, its database answers, and this is the catalogue version it serves."""
    return Health(
        status="ok", measures=repository.count_measures(session), published=len(catalogue.measures),
        catalogue_version=catalogue.version, model=matcher.encode.encoder.name,
    )

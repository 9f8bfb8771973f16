"""Liveness and catalogue size."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import SessionDep
from policies import repository

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    measures: int


@router.get("/health", response_model=Health, summary="Health")
def health(session: SessionDep) -> Health:
    """The service is up and its database answers."""
    return Health(status="ok", measures=repository.count_measures(session))

"""Liveness, readiness, the catalogue version served, and Prometheus metrics."""

import functools
import shutil
from pathlib import Path

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Response
from fastapi.responses import RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest
from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlmodel import Session

from api.deps import CatalogueDep, CatalogueHolderDep, DatabaseIdentityDep, MatcherDep, SessionDep
from api.openapi_examples import example
from api.routing import ReleasingRoute, end_transaction
from matching.store import firms as firm_store
from policies import repository
from policies.db import check_identity

MIN_FREE_BYTES = 50 * 2**20  # below this, SQLite's next writes (WAL, checkpoints) may fail: not ready

router = APIRouter(route_class=ReleasingRoute, tags=["operations"])
CATALOGUE_VERSION = Gauge("supportmatch_catalogue_version", "Catalogue version this process serves")
PUBLISHED = Gauge("supportmatch_published_measures", "Published measures in the served catalogue")
MEASURES = Gauge("supportmatch_measures", "Measures in the database, every status")
FIRMS = Gauge("supportmatch_firms", "Firms on file")


class Health(BaseModel):
    status: str
    measures: int
    published: int
    catalogue_version: int
    model: str


class Ready(BaseModel):
    ready: bool
    catalogue_version: int | None


@router.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    """A person who opens the service's address lands on the interactive API documentation."""
    return RedirectResponse("/docs")


@router.get("/health", response_model=Health, responses=example("health"), summary="Health")
def health(session: SessionDep, catalogue: CatalogueDep, matcher: MatcherDep) -> Health:
    """The service is up, its database answers, and this is the catalogue version it serves."""
    return Health(
        status="ok", measures=repository.count_measures(session), published=len(catalogue.measures),
        catalogue_version=catalogue.version, model=matcher.model_name,
    )


@router.get("/ready", response_model=Ready, summary="Readiness", responses={
    200: {"content": {"application/json": {"example": {"ready": True, "catalogue_version": 188}}}},
    503: {"model": Ready},
})
async def ready(holder: CatalogueHolderDep, session: SessionDep, identity: DatabaseIdentityDep,
                response: Response) -> Ready:
    """Ready when the database answers and a catalogue snapshot is loaded: a load balancer's signal.

    It runs on the event loop and asks the database from threads of its own, so it answers at once
    however many matches are queued for the API_THREADS worker threads.
    """
    version = holder.version
    answers = await to_thread.run_sync(_database_answers, session, identity, limiter=_probe_threads())
    if not answers or version is None:
        response.status_code = 503
    return Ready(ready=answers and version is not None, catalogue_version=version)


@functools.cache
def _probe_threads() -> CapacityLimiter:
    return CapacityLimiter(2)


def _database_answers(session: Session, identity: str) -> bool:
    """The database answers, is still the one this process opened, and (SQLite) has room to write."""
    try:
        session.exec(text("select 1"))  # type: ignore[call-overload]
        end_transaction(session)
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        check_identity(engine, identity)
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            folder = Path(str(engine.url.database)).resolve().parent
            if shutil.disk_usage(folder).free < MIN_FREE_BYTES:
                return False
    except Exception:  # any database failure means "not ready", which is the answer asked for
        return False
    return True


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {"example": "supportmatch_measures 188.0"}}}})
def metrics(session: SessionDep, catalogue: CatalogueDep) -> Response:
    """Latency per route, requests refused, catalogue version, measure and firm counts."""
    CATALOGUE_VERSION.set(catalogue.version)
    PUBLISHED.set(len(catalogue.measures))
    MEASURES.set(repository.count_measures(session))
    FIRMS.set(firm_store.count_live(session))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

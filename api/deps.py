"""Typed dependencies: the only code that reads request.state."""

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from sqlmodel import Session

from api.params import AsOf
from api.ratelimit import VerifiedKeys
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.notifications.delivery import DeliveryPolicy
from matching.ranking.evidence import OutcomeBook
from matching.reverse.population import Population
from matching.store.catalogue import CatalogueHolder
from matching.store.outcome_stats import OutcomeBookHolder
from matching.store.population import PopulationHolder
from matching.usecases.match import Matcher
from policies.db import check_identity, reading

# Dependencies that only read request.state are `async def`: FastAPI runs every plain `def` dependency in a
# worker thread, and each such hop cost about 0.3 ms of a 7 ms request (benchmarks/RESULTS.md, "Server").


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.state.engine
    return engine


# POST only because they take a body: they evaluate and store nothing. On SQLite, taking the write lock
# for them made every match queue behind every other (benchmarks/RESULTS.md, "Server").
EVALUATIONS = frozenset({"/v1/match", "/v1/eligibility", "/v1/assess", "/v1/ask", "/v1/measures/preview"})


async def get_session(request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> AsyncIterator[Session]:
    """One session per request.

    GET, HEAD and the EVALUATIONS only read: on SQLite their transactions take no lock (policies.db.reading). Otherwise a
    read left open until the response is sent holds SQLite's write lock while the request waits for a
    worker thread to validate its response, and with every thread busy waiting for that lock, requests
    fail with "database is locked" after the 30 s timeout (tests/e2e/test_soak.py, 50 clients).

    Objects are not expired at commit: a write answers with the state it committed (its revision is the
    ETag), not with a reload that may show another writer's later commit, and reading them after a commit
    does not open a new transaction.

    Opening a session does no I/O, and routes end their transactions, so closing it does none either
    (only a route that failed mid-transaction leaves a rollback): it runs on the event loop, sparing
    two hops to a worker thread per request.
    """
    read_only = request.method in ("GET", "HEAD") or request.url.path in EVALUATIONS
    if not read_only and engine.dialect.name == "sqlite":  # one stat(): a deleted file would swallow the write
        check_identity(engine, request.state.database_identity)
    bind = reading(engine) if read_only else engine
    with Session(bind, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def end_read(session: Session) -> None:
    """End the transaction a dependency read in, before the route computes with what it read.

    Otherwise it stays open, with its pooled connection, until the request ends: on SQLite it holds the
    write lock (transactions BEGIN IMMEDIATE), so concurrent requests queue behind every match and search
    until they fail with "database is locked", and the pool runs out of connections on any database.
    """
    session.commit()


async def get_catalogue_holder(request: Request) -> CatalogueHolder:
    holder: CatalogueHolder = request.state.catalogue
    return holder


CatalogueHolderDep = Annotated[CatalogueHolder, Depends(get_catalogue_holder)]


def get_catalogue(request: Request, session: SessionDep) -> CatalogueSnapshot:
    """The published catalogue as of this request, rebuilt if the database moved on."""
    holder: CatalogueHolder = request.state.catalogue
    snapshot = holder.current(session)
    end_read(session)
    return snapshot


CatalogueDep = Annotated[CatalogueSnapshot, Depends(get_catalogue)]


async def get_database_identity(request: Request) -> str:
    identity: str = request.state.database_identity
    return identity


DatabaseIdentityDep = Annotated[str, Depends(get_database_identity)]


async def get_delivery_policy(request: Request) -> DeliveryPolicy:
    policy: DeliveryPolicy = request.state.delivery_policy
    return policy


DeliveryPolicyDep = Annotated[DeliveryPolicy, Depends(get_delivery_policy)]


async def get_verified_keys(request: Request) -> VerifiedKeys:
    verified: VerifiedKeys = request.state.verified_keys
    return verified


VerifiedKeysDep = Annotated[VerifiedKeys, Depends(get_verified_keys)]


async def get_matcher(request: Request) -> Matcher:
    matcher: Matcher = request.state.matcher
    return matcher


MatcherDep = Annotated[Matcher, Depends(get_matcher)]


def _population(request: Request, session: Session, as_of: dt.date) -> Population:
    holder: PopulationHolder = request.state.population
    population = holder.current(session, as_of)
    end_read(session)
    return population


def get_outcome_book(request: Request, session: SessionDep) -> OutcomeBook:
    """What firms got from each measure, counted from the outcomes on file, rebuilt when one is written."""
    holder: OutcomeBookHolder = request.state.outcome_book
    book = holder.current(session)
    end_read(session)
    return book


OutcomeBookDep = Annotated[OutcomeBook, Depends(get_outcome_book)]


def get_population(request: Request, session: SessionDep) -> Population:
    """Stored firms, column-wise, as of today, rebuilt when they change."""
    return _population(request, session, dt.date.today())


def get_population_as_of(
    request: Request, session: SessionDep,
    as_of: Annotated[AsOf | None, Query(description="evaluate as of this date (YYYY-MM-DD); default today")] = None,
) -> Population:
    """Stored firms as of the date the caller asks: the `as_of` query parameter, validated as on every route.

    Another date's population is built on demand beside today's (`PopulationHolder`), so declare the
    caller's key before this dependency: an anonymous request must not get to build one.
    """
    return _population(request, session, as_of or dt.date.today())


PopulationDep = Annotated[Population, Depends(get_population)]
PopulationAsOfDep = Annotated[Population, Depends(get_population_as_of)]

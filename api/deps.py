"""Typed dependencies: the only code that reads request.state."""

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from matching.catalogue import CatalogueHolder, CatalogueSnapshot
from matching.matcher import Matcher
from matching.population import Population, PopulationHolder


def get_engine(request: Request) -> Engine:
    engine: Engine = request.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_catalogue_holder(request: Request) -> CatalogueHolder:
    holder: CatalogueHolder = request.state.catalogue
    return holder


CatalogueHolderDep = Annotated[CatalogueHolder, Depends(get_catalogue_holder)]


def get_catalogue(request: Request, session: SessionDep) -> CatalogueSnapshot:
    """The published catalogue as of this request, rebuilt if the database moved on."""
    holder: CatalogueHolder = request.state.catalogue
    return holder.current(session)


CatalogueDep = Annotated[CatalogueSnapshot, Depends(get_catalogue)]


def get_matcher(request: Request) -> Matcher:
    matcher: Matcher = request.state.matcher
    return matcher


MatcherDep = Annotated[Matcher, Depends(get_matcher)]


def get_population(request: Request, session: SessionDep) -> Population:
    """Stored firms, column-wise, as of today, rebuilt when they change."""
    holder: PopulationHolder = request.state.population
    return holder.current(session, dt.date.today())


PopulationDep = Annotated[Population, Depends(get_population)]

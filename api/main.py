"""The application factory: engine in the lifespan, routers, error handlers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine

from api.config import ApiSettings, get_api_settings
from api.errors import add_exception_handlers
from api.routes import api_router, health
from matching.catalogue import CatalogueHolder
from policies.config import get_policies_settings
from policies.db import make_engine


class State(TypedDict):
    engine: Engine
    catalogue: CatalogueHolder


def create_app(*, engine: Engine | None = None, settings: ApiSettings | None = None) -> FastAPI:
    """Build the app. Tests pass their own engine; the server builds one from settings."""
    api_settings = settings or get_api_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        if engine is not None:
            yield {"engine": engine, "catalogue": CatalogueHolder()}
            return
        policies_settings = get_policies_settings()
        own = make_engine(policies_settings.database_url, pool_size=policies_settings.pool_size)
        try:
            yield {"engine": own, "catalogue": CatalogueHolder()}
        finally:
            own.dispose()

    app = FastAPI(
        title="supportmatch",
        version="0.1.0",
        summary="Matches SMEs to the government support measures they qualify for, with reasons.",
        lifespan=lifespan,
    )
    if api_settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=api_settings.cors_origins, allow_methods=["*"], allow_headers=["*"],
            expose_headers=["ETag", "Location"],
        )
    add_exception_handlers(app)
    app.include_router(health.router)
    app.include_router(api_router)
    return app

"""The application factory: engine, encoder and catalogue in the lifespan; routers; error handlers."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

import httpx
from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from sqlmodel import Session

from api import openapi
from api.config import ApiSettings, get_api_settings
from api.errors import add_exception_handlers
from api.language import ReaderLanguage
from api.mcp import Services, build_mcp, mcp_app
from api.middleware import Plumbing
from api.ratelimit import VerifiedKeys
from api.routes import api_router, health
from api.routes.transfer import MAX_IMPORT_BYTES
from matching.config import get_matching_settings
from matching.notifications.delivery import DeliveryPolicy
from matching.notifications.dispatcher import Dispatcher, run_once
from matching.ranking.fusion import Fusion
from matching.store.catalogue import CatalogueHolder
from matching.store.outcome_stats import OutcomeBookHolder
from matching.store.population import PopulationHolder
from matching.text.embeddings import Encoder
from matching.text.queries import QueryEncoder
from matching.text.tokens import tokenize
from matching.text.vectors import set_threads
from matching.usecases.match import Matcher
from policies.config import get_policies_settings
from policies.db import database_identity, make_engine


class State(TypedDict):
    engine: Engine
    catalogue: CatalogueHolder
    matcher: Matcher
    population: PopulationHolder
    outcome_book: OutcomeBookHolder
    verified_keys: VerifiedKeys
    database_identity: str
    delivery_policy: DeliveryPolicy


def create_app(
    *, engine: Engine | None = None, settings: ApiSettings | None = None, encoder: Encoder | None = None
) -> FastAPI:
    """Build the app. Tests pass their own engine and a shared encoder; the server builds both from settings."""
    api_settings = settings or get_api_settings()
    verified = VerifiedKeys()
    services = Services()
    mcp_server = build_mcp(services)
    mcp_endpoint = mcp_app(mcp_server, services)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        matching_settings = get_matching_settings()
        to_thread.current_default_thread_limiter().total_tokens = api_settings.threads
        set_threads(matching_settings.encoder_threads)
        own_engine = None
        if engine is None:
            policies_settings = get_policies_settings()
            own_engine = make_engine(policies_settings.database_url, pool_size=policies_settings.pool_size,
                                     pool_timeout=policies_settings.pool_timeout)
        active = engine or own_engine
        assert active is not None
        model = encoder or matching_settings.open_encoder()
        identity = database_identity(active)  # /ready and every write check it is still this database
        holder = CatalogueHolder(model, saved=matching_settings.snapshots)
        with Session(active) as session:
            holder.current(session)  # embed and index before the first request, not during it
        tokenize("专精特新")  # jieba loads its dictionary (over a second) now, not in the first search
        matcher = Matcher(encode=QueryEncoder(model, multilingual=matching_settings.reads_chinese(model)),
                          weights=matching_settings.weights(), fusion=Fusion(matching_settings.fusion),
                          search_fusion=Fusion(matching_settings.search_fusion),
                          closing_soon_days=matching_settings.closing_soon_days)
        services.engine, services.catalogue, services.matcher = active, holder, matcher
        services.language = api_settings.language
        services.outcomes = outcome_book = OutcomeBookHolder(matching_settings.outcome_min_group)
        # What start-up loaded (model, tokenizer, catalogue) lives as long as the process: keep it out of the
        # collector's full passes, which otherwise walk it all and pause every request for a few hundred ms.
        gc.freeze()
        http = httpx.Client(timeout=5.0, follow_redirects=False)
        policy = DeliveryPolicy(allow_private=api_settings.webhook_allow_private,
                                per_tenant=api_settings.webhook_per_tenant)
        dispatcher = Dispatcher(lambda: run_once(active, holder, http, policy=policy), api_settings.webhook_interval)
        if api_settings.webhook_interval > 0:
            dispatcher.start()
        try:
            async with mcp_server.session_manager.run():
                yield {"engine": active, "catalogue": holder, "matcher": matcher,
                       "population": PopulationHolder(model), "verified_keys": verified,
                       "outcome_book": outcome_book,
                       "database_identity": identity, "delivery_policy": policy}
        finally:
            if api_settings.webhook_interval > 0:
                dispatcher.stop()
            http.close()
            if own_engine is not None:
                own_engine.dispose()

    # FastAPIOffline serves the Swagger UI and ReDoc assets from the installed package, not a CDN.
    app = FastAPIOffline(
        title="supportmatch",
        version="0.1.0",
        summary="Matches SMEs to the government support measures they qualify for, with reasons.",
        description=API_DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    if api_settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=api_settings.cors_origins, allow_methods=["*"], allow_headers=["*"],
            expose_headers=["ETag", "Location", "Content-Language"],
        )
    add_exception_handlers(app)
    openapi.install(app)
    app.add_middleware(Plumbing, max_body=api_settings.max_body_bytes,
                       large_body_paths={"/v1/measures/import": MAX_IMPORT_BYTES},
                       per_minute=api_settings.rate_limit_per_minute, verified=verified)
    app.add_middleware(ReaderLanguage, default=api_settings.language)  # outermost: refusals are translated too
    app.include_router(health.router)
    app.include_router(api_router)
    app.mount("/mcp", mcp_endpoint)
    return app


API_DESCRIPTION = """
Ranks, for each firm, the government support measures it is eligible for and would gain most from,
with the reasons; finds what a firm is missing; searches the catalogue in Chinese or English.

Authenticate with `Authorization: Bearer <api key>` or `X-API-Key`. Without a key the published
catalogue and search are readable. Errors are `application/problem+json` naming the field at fault.
An MCP server (streamable HTTP) is mounted at `/mcp/`.
"""

TAGS = [
    {"name": "matching", "description": "Ranked measures for one firm (enterprise portals)."},
    {"name": "eligibility", "description": "Verdicts with reasons, what-if, near misses and the SME ladder."},
    {"name": "search", "description": "Plain-words search and grounded answers (people and chatbots)."},
    {"name": "catalogue", "description": "Read and curate measures: drafts, edits with If-Match, workflow, history."},
    {"name": "import and export", "description": "Bulk catalogue files in JSON, YAML or CSV."},
    {"name": "firms", "description": "Firm profiles a portal keeps on file (its own only)."},
    {"name": "reverse matching", "description": "Which stored firms qualify for a measure; the drafting sandbox."},
    {"name": "changes", "description": "Webhooks for portals, and the catalogue's change feed."},
    {"name": "access", "description": "API keys (admins)."},
    {"name": "operations", "description": "Health, readiness and Prometheus metrics."},
]

"""Version 1 of the HTTP API."""

from fastapi import APIRouter

from api.routes import (
    eligibility,
    firms,
    health,
    keys,
    ladder,
    matches,
    measures,
    outcomes,
    reverse,
    search,
    transfer,
    webhooks,
)

api_router = APIRouter(prefix="/v1")
api_router.include_router(matches.router)  # the busiest route is tried first: routes are matched in order
# transfer before measures: /measures/export must win over /measures/{code}.
api_router.include_router(transfer.router)
api_router.include_router(search.router)  # before measures: /measures/{code}/similar
api_router.include_router(reverse.router)  # before measures: /measures/preview
api_router.include_router(measures.router)
api_router.include_router(keys.router)
api_router.include_router(eligibility.router)
api_router.include_router(ladder.router)
api_router.include_router(firms.router)
api_router.include_router(outcomes.router)
api_router.include_router(webhooks.router)

__all__ = ["api_router", "health"]

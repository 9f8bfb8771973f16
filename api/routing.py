"""Routes that hand their database connection back before they wait for anything.

FastAPI runs a plain `def` route in a worker thread (at most API_THREADS at once), then
validates and serialises its answer in another hop to a worker thread. A route that
returned with its read transaction still open kept its pooled connection through that
wait: with about 20 clients every connection was held by a request queued for a thread,
every thread waited for a connection, and the whole server froze until the pool gave up
(30 s, then 500s). Ending the transaction in the route's own thread, as it returns, bounds
the connections in use by the threads that are running.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from sqlmodel import Session


def end_transaction(session: Session) -> None:
    """Hand the connection back: commit a transaction that wrote nothing (objects stay loaded), or roll back.

    A route that writes commits its own work; anything still pending here is a change it chose not to keep.
    """
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.rollback()
    else:
        session.commit()


def _releasing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        finally:
            for value in kwargs.values():
                if isinstance(value, Session):
                    end_transaction(value)

    return run


class ReleasingRoute(APIRoute):
    """An APIRoute whose plain `def` endpoint ends its session's transaction before returning."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _releasing(endpoint)
        super().__init__(path, endpoint, **kwargs)

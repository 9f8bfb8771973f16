"""The dispatcher: a background thread that fans out what is new and delivers what is due."""

import datetime as dt
import logging
import threading
from collections.abc import Callable

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from matching.notifications.delivery import PUBLIC_ONLY, DeliveryPolicy, deliver_due
from matching.notifications.fanout import fan_out, note_closing_soon
from matching.store.catalogue import CatalogueHolder
from policies.db import utcnow

logger = logging.getLogger(__name__)


def run_once(engine: Engine, catalogue: CatalogueHolder, client: httpx.Client,
             now: dt.datetime | None = None, policy: DeliveryPolicy = PUBLIC_ONLY) -> tuple[int, int]:
    """One pass: fan out what is new, then deliver what is due."""
    moment = now or utcnow()
    with Session(engine) as session:
        snapshot = catalogue.current(session)
        note_closing_soon(session, snapshot, moment.date())
        created = fan_out(session, snapshot, moment)
    with Session(engine) as session:
        delivered = deliver_due(session, client, moment, policy)
    return created, delivered


class Dispatcher:
    """A background thread that runs `run_once` every `interval` seconds until stopped."""

    def __init__(self, step: Callable[[], object], interval: float) -> None:
        self._step = step
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="webhook-dispatcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._step()
            except Exception:  # a failed pass (database busy, catalogue rebuilding) is retried next tick
                logger.exception("webhook dispatch pass failed")

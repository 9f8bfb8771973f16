"""Webhooks: fan the outbox out to portals whose firms an event concerns, and deliver, signed, with retries.

The outbox row is written in the transaction of the change, so a crash between
the change and the delivery loses nothing: the next run fans it out. Fan-out
records deliveries under a unique key, so repeating it is harmless. A delivery
that fails is retried with exponential backoff; every attempt is logged on it.

Receivers check `X-Supportmatch-Signature: sha256=<hex>`, an HMAC-SHA256 with the
webhook's secret over `<X-Supportmatch-Timestamp>.<raw body>` (see `verify`).
"""

import contextlib
import datetime as dt
import hashlib
import logging
import hmac
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matching import firm_store
from matching.catalogue import CatalogueHolder, CatalogueSnapshot
from matching.catalogue_view import MeasureView
from matching.columnar import CompiledCriteria, FirmColumns
from matching.eligibility import Status, verdict_of
from matching.facts import derive
from matching.models import FirmRevision
from matching.profile import FirmProfile
from policies import repository
from policies.db import utcnow
from policies.models import DispatchCursor, OutboxEvent, Webhook, WebhookDelivery
from policies.schemas import MeasureRecord

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Supportmatch-Signature"
TIMESTAMP_HEADER = "X-Supportmatch-Timestamp"
MAX_ATTEMPTS = 8
CLAIM_LEASE = dt.timedelta(seconds=60)  # well beyond the receiver timeout: a claim outlives its post
MAX_BACKOFF_SECONDS = 600
MEASURE_TOPICS = {"measure.published": "measure.published", "measure.update": "measure.changed",
                  "measure.import": "measure.changed", "measure.closing_soon": "measure.closing_soon"}
CLOSING_SOON_DAYS = 7


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
           tolerance: int = 300) -> bool:
    """What a receiver runs: the signature matches and the timestamp is recent (no replays)."""
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2**attempts, MAX_BACKOFF_SECONDS))


def _cursor(session: Session) -> DispatchCursor:
    cursor = session.exec(select(DispatchCursor)).first()
    if cursor is None:
        cursor = DispatchCursor(last_event_id=0)
        session.add(cursor)
    return cursor


def _measure_body(event: OutboxEvent, view: MeasureView, firms: list[dict[str, Any]]) -> dict[str, Any]:
    return {"event": MEASURE_TOPICS[event.topic], "event_id": event.id, "code": view.code, "title_en": view.title_en,
            "revision": event.payload.get("revision"), "closes": event.payload.get("closes"), "firms": firms}


def _previous_view(session: Session, code: str, revision: int) -> MeasureView | None:
    """The measure as it was at its previous revision, if it was published then."""
    measure = repository.get_by_code(session, code)
    if measure is None or measure.id is None or revision < 2:
        return None
    before = repository.get_revision(session, measure.id, revision - 1)
    if before is None or before.snapshot.get("status") != "published":
        return None
    return MeasureView.from_record(MeasureRecord.model_validate(before.snapshot))


def _measure_recipients(session: Session, view: MeasureView, before: MeasureView | None, tenant: str,
                        as_of: dt.date) -> list[dict[str, Any]]:
    """This tenant's firms that qualify now, or whose verdict the change flipped (ineligible included)."""
    firms = firm_store.live_firms(session, tenant)
    if not firms:
        return []
    columns = FirmColumns.from_facts([derive(FirmProfile.model_validate(firm.profile), as_of) for firm in firms])
    now = CompiledCriteria([view.rules]).evaluate(columns, as_of)[0]
    then = CompiledCriteria([before.rules]).evaluate(columns, as_of)[0] if before else None
    found = []
    for row, firm in enumerate(firms):
        verdict = verdict_of(Status(int(now[row]))).value
        previous = None if then is None else verdict_of(Status(int(then[row]))).value
        if now[row] >= Status.unknown or (previous is not None and previous != verdict):
            entry: dict[str, Any] = {"firm_id": int(firm.id or 0), "verdict": verdict}
            if previous is not None and previous != verdict:
                entry["previous_verdict"] = previous
            found.append(entry)
    return found


def _verdict_flips(session: Session, snapshot: CatalogueSnapshot, firm_id: int, revision: int,
                   as_of: dt.date) -> list[dict[str, str]]:
    """Measures whose verdict for the firm changed between the previous profile and this one."""
    rows = session.exec(select(FirmRevision).where(FirmRevision.firm_id == firm_id,
                                                   col(FirmRevision.revision).in_([revision - 1, revision]))
                        .order_by(col(FirmRevision.revision))).all()
    if len(rows) != 2:
        return []
    before, after = (derive(FirmProfile.model_validate(row.profile), as_of) for row in rows)
    worst = snapshot.criteria.evaluate([before, after], as_of)
    flips = []
    for index in range((len(snapshot.measures))):
        old, new = verdict_of(Status(int(worst[index, 0]))), verdict_of(Status(int(worst[index, 1])))
        if old is not new:
            flips.append({"code": snapshot.codes[index], "before": old.value, "after": new.value})
    return flips


def note_closing_soon(session: Session, snapshot: CatalogueSnapshot, today: dt.date) -> int:
    """Write one outbox event for each published window that closes within CLOSING_SOON_DAYS, once per date."""
    already = {(row.entity_ref, row.payload.get("closes")) for row in session.exec(
        select(OutboxEvent).where(OutboxEvent.topic == "measure.closing_soon")).all()}
    written = 0
    day = today.toordinal()
    ends = snapshot.columns.closes  # the earlier of window close and effective end, as an ordinal
    for position in np.flatnonzero((ends >= day) & (ends <= day + CLOSING_SOON_DAYS)):
        view, closes = snapshot.measures[int(position)], dt.date.fromordinal(int(ends[position]))
        if (view.code, closes.isoformat()) in already:
            continue
        session.add(OutboxEvent(topic="measure.closing_soon", entity_ref=view.code,
                                payload={"code": view.code, "status": "published", "closes": closes.isoformat()}))
        written += 1
    session.commit()
    return written


def fan_out(session: Session, snapshot: CatalogueSnapshot, now: dt.datetime, batch: int = 500) -> int:
    """Turn new outbox events into deliveries for the webhooks they concern; returns how many were created."""
    as_of = now.date()
    cursor = _cursor(session)
    events = session.exec(select(OutboxEvent).where(col(OutboxEvent.id) > cursor.last_event_id)
                          .order_by(col(OutboxEvent.id)).limit(batch)).all()
    hooks: dict[str, list[Webhook]] = {}  # by tenant
    for hook in session.exec(select(Webhook).where(Webhook.active == True)).all():  # noqa: E712
        hooks.setdefault(hook.tenant, []).append(hook)
    created = 0
    for event in events:
        assert event.id is not None
        bodies: list[tuple[Webhook, dict[str, Any]]] = []
        if event.topic in MEASURE_TOPICS and event.payload.get("status") == "published":
            code = str(event.payload.get("code"))
            if code in snapshot.index:
                view = snapshot.measures[snapshot.index[code]]
                before = (_previous_view(session, code, int(event.payload.get("revision", 0)))
                          if event.topic != "measure.closing_soon" else None)
                for tenant, tenant_hooks in hooks.items():
                    firms = _measure_recipients(session, view, before, tenant, as_of)
                    if firms:
                        bodies += [(hook, _measure_body(event, view, firms)) for hook in tenant_hooks]
        elif event.topic in ("firm.update", "firm.create") and event.payload.get("tenant") in hooks:
            flips = _verdict_flips(session, snapshot, int(event.payload["firm_id"]),
                                   int(event.payload["revision"]), as_of)
            if flips:
                body = {"event": "firm.verdicts_changed", "event_id": event.id,
                        "firm_id": event.payload["firm_id"], "changes": flips}
                bodies += [(hook, body) for hook in hooks[str(event.payload["tenant"])]]
        for hook, body in bodies:
            assert hook.id is not None
            if event.id <= hook.after_event_id:
                continue  # it happened before this portal subscribed
            # A delivery that exists already was fanned out before a crash: the unique key refuses a twin.
            with contextlib.suppress(IntegrityError), session.begin_nested():
                session.add(WebhookDelivery(webhook_id=hook.id, event_id=event.id, topic=str(body["event"]),
                                            body=body, next_attempt_at=now))
                session.flush()
                created += 1
        cursor.last_event_id = event.id
    session.add(cursor)
    session.commit()
    return created


def _claim(session: Session, delivery: WebhookDelivery, moment: dt.datetime) -> bool:
    """Take a due delivery for this worker: one conditional UPDATE, so two dispatchers never post it twice.

    The claim moves the next attempt a lease ahead; if this worker dies mid-post,
    the delivery falls due again when the lease runs out (at least once, never lost).
    """
    claimed = session.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery.id, col(WebhookDelivery.status) == "pending",
               col(WebhookDelivery.next_attempt_at) <= moment)
        .values(next_attempt_at=moment + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(delivery)
    return True


def deliver_due(session: Session, client: httpx.Client, now: dt.datetime | None = None) -> int:
    """POST every delivery whose time has come; returns how many succeeded."""
    moment = now or utcnow()
    due = session.exec(select(WebhookDelivery).where(WebhookDelivery.status == "pending",
                                                     col(WebhookDelivery.next_attempt_at) <= moment)
                       .order_by(col(WebhookDelivery.id))).all()
    delivered = 0
    for delivery in due:
        if not _claim(session, delivery, moment):
            continue  # another worker's dispatcher took it first
        hook = session.get(Webhook, delivery.webhook_id)
        if hook is None or not hook.active:
            delivery.status = "cancelled"
            session.add(delivery)
            session.commit()
            continue
        body = json.dumps(delivery.body, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                   SIGNATURE_HEADER: sign(hook.secret, timestamp, body), "X-Supportmatch-Delivery": str(delivery.id)}
        status_code: int | None = None
        error: str | None = None
        try:
            response = client.post(hook.url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"receiver answered {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        delivery.attempts += 1
        delivery.last_status, delivery.last_error = status_code, error
        delivery.log = [*delivery.log, {"at": moment.isoformat(), "status": status_code, "error": error}]
        if error is None:
            delivery.status, delivery.delivered_at = "delivered", moment
            delivered += 1
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = moment + backoff(delivery.attempts)
        session.add(delivery)
        session.commit()
    return delivered


def run_once(engine: Engine, catalogue: CatalogueHolder, client: httpx.Client,
             now: dt.datetime | None = None) -> tuple[int, int]:
    """One pass: fan out what is new, then deliver what is due."""
    moment = now or utcnow()
    with Session(engine) as session:
        snapshot = catalogue.current(session)
        note_closing_soon(session, snapshot, moment.date())
        created = fan_out(session, snapshot, moment)
    with Session(engine) as session:
        delivered = deliver_due(session, client, moment)
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

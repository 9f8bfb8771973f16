"""Delivery: POST each due delivery, signed, claimed by one dispatcher, retried with exponential backoff.

Every attempt is logged on the delivery.
"""

import datetime as dt
import json
import time

import httpx
from sqlalchemy import update
from sqlmodel import Session, col, select

from matching.notifications.models import Webhook, WebhookDelivery
from matching.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from policies.db import utcnow

MAX_ATTEMPTS = 8
CLAIM_LEASE = dt.timedelta(seconds=60)  # well beyond the receiver timeout: a claim outlives its post
MAX_BACKOFF_SECONDS = 600


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2**attempts, MAX_BACKOFF_SECONDS))


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

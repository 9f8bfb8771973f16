"""Delivery: POST each due delivery, signed, claimed by one dispatcher, retried with exponential backoff.

Every attempt is logged on the delivery.
"""

import datetime as dt
import json
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, Engine, update
from sqlmodel import Session, col, select

from matching.notifications.models import Webhook, WebhookDelivery
from matching.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from matching.notifications.targets import UNRESOLVED, RefusedTarget, resolve
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
    # An UPDATE runs through a cursor: SQLAlchemy returns a CursorResult, typed as the Result it extends.
    claimed = cast("CursorResult[*tuple[Any, ...]]", session.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery.id, col(WebhookDelivery.status) == "pending",
               col(WebhookDelivery.next_attempt_at) <= moment)
        .values(next_attempt_at=moment + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    ))
    session.commit()
    if claimed.rowcount != 1:
        return False
    session.refresh(delivery)
    return True


@dataclass(frozen=True)
class DeliveryPolicy:
    """Where and how fast deliveries go: plain data, from the API layer's settings."""

    allow_private: bool = False  # development and tests post to receivers on loopback
    per_tenant: int = 2  # posts in flight for one portal: its dead receivers hold only its own share
    workers: int = 8  # posts in flight in all
    # A pass stops taking new deliveries after this (each lane still takes one), leaving the rest due for the
    # next: a portal's backlog of dead receivers cannot hold the pass, and the deliveries of every portal that
    # fall due meanwhile, behind it.
    pass_seconds: float = 10.0


PUBLIC_ONLY = DeliveryPolicy()


def deliver_due(session: Session, client: httpx.Client, now: dt.datetime | None = None,
                policy: DeliveryPolicy = PUBLIC_ONLY) -> int:
    """POST every delivery whose time has come, several at once; returns how many succeeded.

    Each portal has at most `policy.per_tenant` posts in flight, taken in turn with the other portals',
    so six unresponsive receivers of one portal no longer hold back another's delivery for 30 s. Every
    post runs in a thread with a session of its own.
    """
    moment = now or utcnow()
    deadline = time.monotonic() + policy.pass_seconds
    due = session.exec(select(WebhookDelivery.id, Webhook.tenant)
                       .join(Webhook, col(Webhook.id) == col(WebhookDelivery.webhook_id))
                       .where(WebhookDelivery.status == "pending", col(WebhookDelivery.next_attempt_at) <= moment)
                       .order_by(col(WebhookDelivery.id))).all()
    session.commit()
    queues: dict[str, deque[int]] = defaultdict(deque)
    for delivery_id, tenant in due:
        queues[tenant].append(int(delivery_id or 0))
    engine = session.get_bind()
    assert isinstance(engine, Engine)

    def drain(queue: deque[int]) -> int:
        """One of a portal's lanes: its deliveries one after another until the pass's time is up. Each lane
        takes at least one, so a portal whose lanes start late, behind the pool's other work, is served too."""
        done, taken = 0, 0
        while taken == 0 or time.monotonic() < deadline:
            taken += 1
            try:
                delivery_id = queue.popleft()
            except IndexError:
                return done
            with Session(engine) as own:
                done += _deliver(own, delivery_id, client, moment, policy)
        return done

    lanes = [queue for _ in range(policy.per_tenant) for queue in queues.values()]  # each portal's first lane first
    if not lanes:
        return 0
    with ThreadPoolExecutor(max_workers=min(policy.workers, len(lanes)), thread_name_prefix="webhook") as pool:
        return sum(pool.map(drain, lanes))


def _deliver(session: Session, delivery_id: int, client: httpx.Client, moment: dt.datetime,
             policy: DeliveryPolicy) -> int:
    """Claim one delivery, post it to a checked address, and record the attempt; 1 when it arrived."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or not _claim(session, delivery, moment):
        return 0  # another worker's dispatcher took it first
    hook = session.get(Webhook, delivery.webhook_id)
    if hook is None or not hook.active:
        delivery.status = "cancelled"
        session.add(delivery)
        session.commit()
        return 0
    body = json.dumps(delivery.body, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
               SIGNATURE_HEADER: sign(hook.secret, timestamp, body), "X-Supportmatch-Delivery": str(delivery.id)}
    url = hook.url
    session.commit()  # no transaction while posting: on SQLite it would hold the write lock the other lanes need
    status_code, error = _post(client, url, body, headers, policy)
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status_code, error
    delivery.log = [*delivery.log, {"at": moment.isoformat(), "status": status_code, "error": error}]
    if error is None:
        delivery.status, delivery.delivered_at = "delivered", moment
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = moment + backoff(delivery.attempts)
    session.add(delivery)
    session.commit()
    return 1 if error is None else 0


def _post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str],
          policy: DeliveryPolicy) -> tuple[int | None, str | None]:
    """The receiver's status and an error by category only: the raw exception would tell the caller whether
    some port on some host is open.

    Redirects are refused here whatever the client was built with (a 3xx is a failed attempt), and each post
    closes its connection: the pool keys connections by address, so a kept one, whose TLS was verified for
    one name, would otherwise carry the next post to another name served at the same address."""
    try:
        target = resolve(url, allow_private=policy.allow_private)
    except RefusedTarget as exc:
        return None, f"refused: {exc}"
    except UNRESOLVED:
        return None, "dns: the host name does not resolve"
    pinned, host, extensions = target.pinned()
    try:
        response = client.post(pinned, content=body, headers=headers | host | {"Connection": "close"},
                               extensions=extensions, follow_redirects=False)
    except httpx.TimeoutException:
        return None, "timeout: the receiver did not answer in time"
    except httpx.ConnectError:
        return None, "connect error: the receiver could not be reached"
    except httpx.HTTPError:
        return None, "transport error: the exchange with the receiver failed"
    if not 200 <= response.status_code < 300:
        return response.status_code, f"receiver answered {response.status_code}"
    return response.status_code, None

"""Fan-out: turn outbox events into deliveries for the webhooks of the portals whose firms they concern.

The outbox row is written in the transaction of the change, so a crash between
the change and the delivery loses nothing: the next run fans it out. Fan-out
records deliveries under a unique key, so repeating it is harmless.
"""

import contextlib
import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.eligibility.columnar import CompiledCriteria, FirmColumns
from matching.eligibility.rules import Status, verdict_of
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.notifications.models import DispatchCursor, Webhook, WebhookDelivery
from matching.store import firms as firm_store
from matching.store.models import FirmRevision
from policies import repository
from policies.models import OutboxEvent
from policies.schemas import MeasureRecord

MEASURE_TOPICS = {"measure.published": "measure.published", "measure.update": "measure.changed",
                  "measure.import": "measure.changed", "measure.closing_soon": "measure.closing_soon"}
CLOSING_SOON_DAYS = 7


def _cursor(session: Session) -> DispatchCursor:
    cursor = session.exec(select(DispatchCursor)).first()
    if cursor is None:
        cursor = DispatchCursor(last_event_id=0)
        session.add(cursor)
    return cursor


def _measure_body(event: OutboxEvent, view: MeasureView, firms: list[dict[str, Any]]) -> dict[str, Any]:
    return {"event": MEASURE_TOPICS[event.topic], "event_id": event.id, "code": view.code,
            "title_en": view.title_en, "title_zh": view.title_zh,
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
    now = CompiledCriteria([view.rules], [view.code]).evaluate(columns, as_of)[0]
    then = CompiledCriteria([before.rules], [before.code]).evaluate(columns, as_of)[0] if before else None
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
    for index in range(len(snapshot.measures)):
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

"""A portal's subscriptions and their delivery logs, and the catalogue's change feed; each write audited.

A subscription sends a tenant's data out, so who added or removed which one is kept
in the same transaction as the change.
"""

import secrets
from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from matching.errors import WebhookNotFound
from matching.notifications.models import Webhook, WebhookDelivery
from policies import repository
from policies.models import AuditEvent, OutboxEvent


def _audit(session: Session, actor: str, action: str, hook: Webhook) -> None:
    repository.add_audit_event(session, AuditEvent(actor=actor, action=action, entity="webhook",
                                                   entity_ref=str(hook.id), detail={"tenant": hook.tenant,
                                                                                    "url": hook.url}))


def own(session: Session, tenant: str | None, webhook_id: int) -> Webhook:
    """The tenant's active webhook; another tenant's is not found either."""
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.tenant != tenant or not hook.active:
        raise WebhookNotFound(webhook_id)
    return hook


def subscribe(session: Session, tenant: str, url: str, secret: str | None, actor: str) -> Webhook:
    """A new subscription, which receives only events after this moment; the secret is generated when omitted."""
    latest = session.exec(select(func.coalesce(func.max(OutboxEvent.id), 0))).one()
    hook = Webhook(tenant=tenant, url=url, secret=secret or secrets.token_urlsafe(32), after_event_id=latest or 0)
    session.add(hook)
    session.flush()
    _audit(session, actor, "webhook.create", hook)
    session.commit()
    return hook


def active(session: Session, tenant: str | None) -> Sequence[Webhook]:
    return session.exec(select(Webhook).where(Webhook.tenant == tenant, Webhook.active == True)  # noqa: E712
                        .order_by(col(Webhook.id))).all()


def unsubscribe(session: Session, tenant: str | None, webhook_id: int, actor: str) -> None:
    """Stop deliveries: pending ones are cancelled when they fall due; the log is kept."""
    hook = own(session, tenant, webhook_id)
    hook.active = False
    session.add(hook)
    _audit(session, actor, "webhook.delete", hook)
    session.commit()


def deliveries(session: Session, tenant: str | None, webhook_id: int, limit: int) -> Sequence[WebhookDelivery]:
    """Every delivery to the tenant's webhook, newest first."""
    own(session, tenant, webhook_id)
    return session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
                        .order_by(col(WebhookDelivery.id).desc()).limit(limit)).all()


def measure_titles(session: Session, codes: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Each measure's (English, Chinese) title as it stands: a feed's reader shows people a name, not a code."""
    return {code: (row.title_en, row.title_zh)
            for code, row in repository.get_many_by_codes(session, list(dict.fromkeys(codes))).items()}


def measure_changes(session: Session, since: int, limit: int) -> Sequence[OutboxEvent]:
    """Changes to measures after the cursor, in commit order."""
    return session.exec(select(OutboxEvent).where(col(OutboxEvent.id) > since,
                                                  col(OutboxEvent.topic).startswith("measure."))
                        .order_by(col(OutboxEvent.id)).limit(limit)).all()

"""The webhook slice's tables: subscriptions, deliveries with their attempts, and the fan-out cursor.

The outbox they read (`policies.models.OutboxEvent`) belongs to the catalogue: it is
written in the transaction of each change. Alembic migrations create these tables.
"""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from policies.db import utcnow


class Webhook(SQLModel, table=True):
    """A portal's subscription: where to POST events about its firms, and the secret to sign them with."""

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(sa_column=Column(String(120), nullable=False, index=True))
    url: str = Field(sa_column=Column(String(2000), nullable=False))
    secret: str = Field(sa_column=Column(String(200), nullable=False))
    active: bool = Field(default=True)
    after_event_id: int = Field(default=0, description="events up to this one happened before the subscription")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook, with its attempts; unique, so fan-out can be repeated safely."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("webhook_id", "event_id", "topic"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(sa_column=Column(Integer, ForeignKey("webhook.id"), nullable=False, index=True))
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("outbox_event.id"), nullable=False))
    topic: str = Field(sa_column=Column(String(64), nullable=False))
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", sa_column=Column(String(16), nullable=False, index=True))
    attempts: int = Field(default=0)
    next_attempt_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(String(500)))
    log: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    delivered_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime))


class DispatchCursor(SQLModel, table=True):
    """How far the dispatcher has fanned out the outbox (one row)."""

    __tablename__ = "dispatch_cursor"

    id: int | None = Field(default=None, primary_key=True)
    last_event_id: int = Field(default=0)

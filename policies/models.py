"""The catalogue's tables. Alembic migrations, not these classes, create the schema.

Enums are stored as short strings rather than database enum types so that adding
a kind or a status is a code change, not a type migration on PostgreSQL.
Timestamps are naive UTC.
"""

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from policies.db import utcnow


class SupportMeasure(SQLModel, table=True):
    __tablename__ = "measure"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True, index=True))
    title_en: str = Field(sa_column=Column(String(300), nullable=False))
    title_zh: str = Field(sa_column=Column(String(300), nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    body: str | None = Field(default=None, sa_column=Column(Text))
    kind: str = Field(sa_column=Column(String(32), nullable=False, index=True))
    authority: str = Field(sa_column=Column(String(300), nullable=False))
    level: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    jurisdiction: list[str] = Field(sa_column=Column(JSON, nullable=False))
    industries: list[str] = Field(sa_column=Column(JSON, nullable=False))
    criteria: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    benefit: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    window: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    legal_basis: str | None = Field(default=None, sa_column=Column(String(500)))
    source_url: str | None = Field(default=None, sa_column=Column(String(2000)))
    exclusivity_group: str | None = Field(default=None, sa_column=Column(String(64), index=True))
    status: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))

    # SQLAlchemy adds `WHERE revision = <old>` to every UPDATE and raises
    # StaleDataError when another writer got there first: the last line of
    # defence behind the If-Match check.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": revision.sa_column}  # type: ignore[attr-defined]


class MeasureRevision(SQLModel, table=True):
    """An immutable snapshot of a measure after each change, with the change itself."""

    __tablename__ = "measure_revision"
    __table_args__ = (UniqueConstraint("measure_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(
        sa_column=Column(Integer, ForeignKey("measure.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    action: str = Field(sa_column=Column(String(32), nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    changes: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class AuditEvent(SQLModel, table=True):
    """Who did what to which entity, written in the same transaction as the change."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False, index=True))
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    entity: str = Field(sa_column=Column(String(32), nullable=False))
    entity_ref: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ApiKey(SQLModel, table=True):
    """An API key, stored as a SHA-256 hash; the key itself is shown once at creation."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(sa_column=Column(String(16), nullable=False, unique=True))
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    label: str = Field(sa_column=Column(String(120), nullable=False))
    tenant: str = Field(sa_column=Column(String(120), nullable=False, server_default=""))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    created_by: str = Field(sa_column=Column(String(120), nullable=False))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime))


class EmbeddingCache(SQLModel, table=True):
    """A text's embedding under one model, so a restart or a second worker never re-embeds."""

    __tablename__ = "embedding_cache"
    __table_args__ = (UniqueConstraint("model", "text_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    model: str = Field(sa_column=Column(String(200), nullable=False))
    text_hash: str = Field(sa_column=Column(String(64), nullable=False))
    dimension: int = Field(sa_column=Column(Integer, nullable=False))
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))


class OutboxEvent(SQLModel, table=True):
    """A change, written in the same transaction as the change itself: a crash cannot lose it.

    The change feed reads it; the webhook dispatcher fans it out to subscribers.
    """

    __tablename__ = "outbox_event"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    topic: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    entity_ref: str = Field(sa_column=Column(String(64), nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


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

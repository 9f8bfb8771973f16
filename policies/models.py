"""The catalogue's tables. Alembic migrations, not these classes, create the schema.

Enums are stored as short strings rather than database enum types so that adding
a kind or a status is a code change, not a type migration on PostgreSQL.
Timestamps are naive UTC.
"""

import datetime as dt
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.main import FieldInfo

from policies.db import utcnow


class SupportMeasure(SQLModel, table=True):
    __tablename__ = "measure"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True, index=True))
    title_en: str = Field(sa_column=Column(String(300), nullable=False))
    title_zh: str = Field(sa_column=Column(String(300), nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    summary_zh: str | None = Field(default=None, sa_column=Column(Text))
    body: str | None = Field(default=None, sa_column=Column(Text))
    body_zh: str | None = Field(default=None, sa_column=Column(Text))
    kind: str = Field(sa_column=Column(String(32), nullable=False, index=True))
    authority: str = Field(sa_column=Column(String(300), nullable=False))
    authority_zh: str | None = Field(default=None, sa_column=Column(String(300)))
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
    implements: str | None = Field(default=None, sa_column=Column(String(64), index=True))
    status: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))

    # SQLAlchemy adds `WHERE revision = <old>` to every UPDATE and raises
    # StaleDataError when another writer got there first: the last line of
    # defence behind the If-Match check.
    # In the class body `revision` is still the FieldInfo that Field() returned (typed Any), not an int.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": cast(FieldInfo, revision).sa_column}


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
    # Requests a minute this key may send; None: the deployment's API_RATE_LIMIT_PER_MINUTE. A portal's one
    # key serves all its users, so an admin sets what it needs.
    rate_limit_per_minute: int | None = Field(default=None, sa_column=Column(Integer))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    created_by: str = Field(sa_column=Column(String(120), nullable=False))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime))


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

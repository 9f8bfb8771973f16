"""Tables of the matching layer: firm profiles that portals keep on file with their history, and the embedding cache."""

import datetime as dt
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.main import FieldInfo

from policies.db import utcnow


class Firm(SQLModel, table=True):
    """A firm profile owned by one portal (its tenant). Deleting keeps the history: rows are soft-deleted."""

    __tablename__ = "firm"
    __table_args__ = (UniqueConstraint("tenant", "external_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(sa_column=Column(String(120), nullable=False, index=True))
    external_ref: str | None = Field(default=None, sa_column=Column(String(120)))
    profile: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    provenance: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    deleted_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime))

    # Optimistic locking, as for measures: a stale write fails instead of overwriting.
    # In the class body `revision` is still the FieldInfo that Field() returned (typed Any), not an int.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": cast(FieldInfo, revision).sa_column}


class FirmRevision(SQLModel, table=True):
    """Every version of a firm's profile, so a verdict can be traced to the data it was made on."""

    __tablename__ = "firm_revision"
    __table_args__ = (UniqueConstraint("firm_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(sa_column=Column(Integer, ForeignKey("firm.id"), nullable=False, index=True))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    action: str = Field(sa_column=Column(String(32), nullable=False))
    profile: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    provenance: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))


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

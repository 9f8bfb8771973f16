"""Tables of the matching layer: firm profiles that portals keep on file with their history, what became of the
measures they applied for (outcomes), and the embedding cache."""

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Integer, LargeBinary, Numeric, String, UniqueConstraint
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


class FirmOutcome(SQLModel, table=True):
    """What became of one measure for one firm: applied, awarded, rejected, withdrawn, or not pursued once shown.

    The tenant is the firm's, kept on the row so that every read filters on it as firms' reads do. The measure
    is named by code, not by key: an award outlives the measure being archived, and the code is what lists print.
    """

    __tablename__ = "firm_outcome"

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(sa_column=Column(Integer, ForeignKey("firm.id"), nullable=False, index=True))
    tenant: str = Field(sa_column=Column(String(120), nullable=False, index=True))
    measure_code: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    event: str = Field(sa_column=Column(String(16), nullable=False))
    occurred_on: dt.date = Field(sa_column=Column(Date, nullable=False))
    amount_yuan: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 2)))
    reason: str | None = Field(default=None, sa_column=Column(String(500)))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": cast(FieldInfo, revision).sa_column}


class FirmOutcomeRevision(SQLModel, table=True):
    """Every version of an outcome: a correction never loses what was recorded before it."""

    __tablename__ = "firm_outcome_revision"
    __table_args__ = (UniqueConstraint("outcome_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    outcome_id: int = Field(sa_column=Column(Integer, ForeignKey("firm_outcome.id"), nullable=False))
    firm_id: int = Field(sa_column=Column(Integer, ForeignKey("firm.id"), nullable=False, index=True))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    action: str = Field(sa_column=Column(String(32), nullable=False))
    record: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
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

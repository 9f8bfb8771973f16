"""Firms on file: every query and use case, tenancy in each one.

A portal (tenant) sees only its own firms: every read and write filters on the
tenant, so a firm id from another portal is simply "not found". Writes commit
once with their revision row; updates name the revision they read.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from matching.errors import DuplicateFirm, FirmNotFound, StaleFirm
from matching.firm.profile import FirmProfile
from matching.messages import MESSAGES
from matching.store.models import Firm, FirmRevision
from policies import repository
from policies.db import utcnow
from policies.models import AuditEvent, OutboxEvent
from policies.schemas import UtcDateTime

Source = Literal["self_declared", "registry", "verified"]


class Provenance(BaseModel):
    """Where one field's value came from, and as of when."""

    model_config = ConfigDict(extra="forbid")

    source: Source
    as_of: dt.date | None = None


class FirmWrite(BaseModel):
    """A profile to store, with its optional reference in the portal's own system and field provenance."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "profile": {"name": "成都龙潭智造机器人有限公司", "region": "510108", "industries": ["C3491"],
                    "employees": 180, "operating_revenue": 150_000_000},
        "external_ref": "crm-1042",
        "provenance": {"employees": {"source": "registry", "as_of": "2026-06-30"}},
    }]})

    profile: FirmProfile
    external_ref: str | None = Field(default=None, max_length=120)
    provenance: dict[str, Provenance] = Field(default_factory=dict, description="keyed by profile field")

    @field_validator("provenance")
    @classmethod
    def _known_fields(cls, provenance: dict[str, Provenance]) -> dict[str, Provenance]:
        unknown = sorted(set(provenance) - set(FirmProfile.model_fields))
        if unknown:
            raise ValueError(MESSAGES.say("en", "not profile fields: {fields}", fields=", ".join(unknown)))
        return provenance


class FirmPublic(BaseModel):
    id: int
    external_ref: str | None
    profile: FirmProfile
    provenance: dict[str, Provenance]
    revision: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class FirmRevisionPublic(BaseModel):
    """One entry of a firm's history: a version of its profile, or (`outcome`) a version of one of its outcomes."""

    revision: int = Field(description="the profile's revision, or the outcome's for an outcome entry")
    actor: str
    action: str = Field(description="create, update, delete; outcome.record or outcome.correct")
    created_at: UtcDateTime
    profile: dict[str, Any] | None = Field(description="the profile as of this version; null for an outcome entry")
    provenance: dict[str, Any] | None
    outcome: dict[str, Any] | None = Field(default=None, description="the outcome as recorded or corrected")


def public(firm: Firm) -> FirmPublic:
    assert firm.id is not None
    return FirmPublic(id=firm.id, external_ref=firm.external_ref, profile=FirmProfile.model_validate(firm.profile),
                      provenance=firm.provenance, revision=firm.revision, created_at=firm.created_at,
                      updated_at=firm.updated_at)


def _record(session: Session, firm: Firm, actor: str, action: str, detail: dict[str, Any] | None = None) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise StaleFirm(firm.id or 0) from exc
    except IntegrityError as exc:  # (tenant, external_ref) is unique
        session.rollback()
        raise DuplicateFirm(firm.external_ref or "") from exc
    assert firm.id is not None
    session.add(FirmRevision(firm_id=firm.id, revision=firm.revision, actor=actor, action=action,
                             profile=firm.profile, provenance=firm.provenance))
    session.add(OutboxEvent(topic=f"firm.{action}", entity_ref=str(firm.id),
                            payload={"firm_id": firm.id, "tenant": firm.tenant, "revision": firm.revision}))
    repository.add_audit_event(session, AuditEvent(actor=actor, action=f"firm.{action}", entity="firm",
                                                   entity_ref=str(firm.id),
                                                   detail={"tenant": firm.tenant, "revision": firm.revision}
                                                   | (detail or {})))


def get(session: Session, tenant: str, firm_id: int) -> Firm:
    firm = session.exec(select(Firm).where(Firm.id == firm_id, Firm.tenant == tenant,
                                           col(Firm.deleted_at).is_(None))).first()
    if firm is None:
        raise FirmNotFound(firm_id)
    return firm


def list_firms(session: Session, tenant: str, *, offset: int, limit: int) -> tuple[list[Firm], int]:
    live = (Firm.tenant == tenant, col(Firm.deleted_at).is_(None))
    total = session.exec(select(func.count()).select_from(Firm).where(*live)).one()
    rows = session.exec(select(Firm).where(*live).order_by(col(Firm.id)).offset(offset).limit(limit)).all()
    return list(rows), total


def create(session: Session, tenant: str, data: FirmWrite, actor: str) -> Firm:
    firm = Firm(tenant=tenant, external_ref=data.external_ref, profile=data.profile.model_dump(mode="json"), revision=1,
                provenance={k: v.model_dump(mode="json") for k, v in data.provenance.items()})
    session.add(firm)
    _record(session, firm, actor, "create")
    session.commit()
    return firm


def update(session: Session, tenant: str, firm_id: int, data: FirmWrite, expected: int, actor: str) -> Firm:
    firm = get(session, tenant, firm_id)
    if firm.revision != expected:
        raise StaleFirm(firm_id, firm.revision)
    firm.profile = data.profile.model_dump(mode="json")
    firm.provenance = {k: v.model_dump(mode="json") for k, v in data.provenance.items()}
    firm.external_ref = data.external_ref
    firm.updated_at = utcnow()
    session.add(firm)
    _record(session, firm, actor, "update")
    session.commit()
    return firm


def delete(session: Session, tenant: str, firm_id: int, actor: str) -> None:
    firm = get(session, tenant, firm_id)
    firm.deleted_at = utcnow()
    # The portal's reference is free again for a new firm; the audit event keeps the one this firm had.
    released, firm.external_ref = firm.external_ref, None
    session.add(firm)
    _record(session, firm, actor, "delete", {"external_ref": released})
    session.commit()


def history(session: Session, tenant: str, firm_id: int) -> list[FirmRevision]:
    get(session, tenant, firm_id)
    statement = select(FirmRevision).where(FirmRevision.firm_id == firm_id).order_by(col(FirmRevision.revision))
    return list(session.exec(statement).all())


def live_firms(session: Session, tenant: str | None = None) -> list[Firm]:
    """Every firm not deleted (of one tenant, or of all for bureau staff), in id order."""
    statement = select(Firm).where(col(Firm.deleted_at).is_(None)).order_by(col(Firm.id))
    if tenant is not None:
        statement = statement.where(Firm.tenant == tenant)
    return list(session.exec(statement).all())


def profiles_by_id(session: Session, ids: Sequence[int]) -> dict[int, FirmProfile]:
    """The current profiles of some firms (a page of reverse-match results), deleted ones left out."""
    if not ids:
        return {}
    statement = select(Firm).where(col(Firm.id).in_(list(ids)), col(Firm.deleted_at).is_(None))
    return {int(firm.id or 0): FirmProfile.model_validate(firm.profile) for firm in session.exec(statement).all()}


def count_live(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Firm).where(col(Firm.deleted_at).is_(None))).one()


def firms_stamp(session: Session) -> repository.Stamp:
    """The firm table's state, as repository.history_stamp tells it."""
    return repository.history_stamp(session, FirmRevision)


def firms_version(session: Session) -> int:
    """Grows with every committed change to any firm (a count, for the reason repository.catalogue_version gives)."""
    return session.exec(select(func.count()).select_from(FirmRevision)).one()

"""What became of the measures a firm was shown: recorded by its portal, corrected, never lost.

Outcomes are the evidence the service will learn from (success rates, observed amounts, a ranking checked
against awards), so each is a fact with a date: applied, awarded (with the amount when there is one),
rejected (with the reason when known), withdrawn, or not pursued after being shown. Tenancy is the firm's:
a portal records and reads outcomes of its own firms only. A correction names the revision it read and
keeps the earlier version in the outcome's revisions, which the firm's history shows beside its profile's.
"""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from matching.errors import MeasureNotOnFile, OutcomeNotFound, StaleOutcome
from matching.messages import MESSAGES
from matching.store import firms
from matching.store.firms import FirmRevisionPublic
from matching.store.models import FirmOutcome, FirmOutcomeRevision
from policies import repository
from policies.db import utcnow
from policies.models import AuditEvent
from policies.schemas import CODE_PATTERN, UtcDateTime

FEN = Decimal("0.01")
EARLIEST = dt.date(2000, 1, 1)  # before the first 专精特新 measures: a date this old is a typing slip


class OutcomeEvent(StrEnum):
    applied = "applied"
    awarded = "awarded"
    rejected = "rejected"
    withdrawn = "withdrawn"
    not_pursued = "not_pursued"  # shown the measure, chose not to apply


class OutcomeSource(StrEnum):
    """Who said it: a portal through the API, a chatbot through MCP (the firm was not interested), or a list a
    bureau published (award and recognition lists, imported by its staff)."""

    portal = "portal"
    chatbot = "chatbot"
    bureau_list = "bureau_list"


# Events after which a reason can be given: why it was rejected, withdrawn or not pursued.
EXPLAINED = {OutcomeEvent.rejected, OutcomeEvent.withdrawn, OutcomeEvent.not_pursued}


class OutcomeWrite(BaseModel):
    """One outcome as a portal records or corrects it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "measure_code": "SC-CD-LITTLE-GIANT-AWARD-2026", "event": "applied", "occurred_on": "2026-11-20",
    }]})

    measure_code: str = Field(pattern=CODE_PATTERN, description="the measure's code, as the catalogue gives it")
    event: OutcomeEvent
    occurred_on: dt.date = Field(description="when it happened: applied, decided, withdrawn or declined")
    amount_yuan: Decimal | None = Field(default=None, ge=0, le=Decimal("1e13"), max_digits=16, decimal_places=2,
                                        description="what was awarded, in yuan; only for `awarded`, and left "
                                                    "out when the award is a title or a service")
    reason: str | None = Field(default=None, min_length=1, max_length=500,
                               description="why, when known: only for rejected, withdrawn or not_pursued")

    @field_validator("occurred_on")
    @classmethod
    def _happened(cls, day: dt.date) -> dt.date:
        if day > dt.date.today():
            raise ValueError(MESSAGES.say("en", "{day} is in the future: an outcome records what has happened",
                                          day=day.isoformat()))
        if day < EARLIEST:
            raise ValueError(MESSAGES.say("en", "{day} is before {earliest}: no measure on file is that old", day=day.isoformat(),
                                          earliest=EARLIEST.isoformat()))
        return day

    @field_validator("amount_yuan")
    @classmethod
    def _only_awards_have_amounts(cls, amount: Decimal | None, info: ValidationInfo) -> Decimal | None:
        event = info.data.get("event")
        if amount is not None and event is not None and event is not OutcomeEvent.awarded:
            raise ValueError(MESSAGES.say("en", "only an award has an amount; this outcome is {event}", event=event))
        return None if amount is None else amount.quantize(FEN)  # as stored: the same answer before and after

    @field_validator("reason")
    @classmethod
    def _only_refusals_have_reasons(cls, reason: str | None, info: ValidationInfo) -> str | None:
        event = info.data.get("event")
        if reason is not None and event is not None and event not in EXPLAINED:
            raise ValueError(MESSAGES.say("en", "a reason is given for rejected, withdrawn or not_pursued; this "
                                          "outcome is {event}", event=event))
        return reason


class OutcomePublic(BaseModel):
    id: int
    firm_id: int
    measure_code: str
    event: OutcomeEvent
    occurred_on: dt.date
    amount_yuan: Decimal | None
    reason: str | None
    source: OutcomeSource
    revision: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


def public(outcome: FirmOutcome) -> OutcomePublic:
    return OutcomePublic.model_validate(outcome, from_attributes=True)


def _record(session: Session, outcome: FirmOutcome, actor: str, action: str) -> None:
    """The outcome's new version, its audit event, in the caller's transaction."""
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise StaleOutcome(outcome.id or 0) from exc
    assert outcome.id is not None
    record: dict[str, Any] = public(outcome).model_dump(mode="json", exclude={"created_at", "updated_at"})
    session.add(FirmOutcomeRevision(outcome_id=outcome.id, firm_id=outcome.firm_id, revision=outcome.revision,
                                    actor=actor, action=action, record=record))
    repository.add_audit_event(session, AuditEvent(
        actor=actor, action=f"firm.outcome.{action}", entity="firm_outcome", entity_ref=str(outcome.id),
        detail={"tenant": outcome.tenant, "firm_id": outcome.firm_id, "measure_code": outcome.measure_code,
                "event": outcome.event, "revision": outcome.revision}))


def check_measure(session: Session, code: str) -> None:
    if repository.get_by_code(session, code) is None:
        raise MeasureNotOnFile(code)


def record(session: Session, tenant: str, firm_id: int, data: OutcomeWrite, actor: str,
           source: OutcomeSource = OutcomeSource.portal) -> FirmOutcome:
    """Record an outcome of one of this portal's firms."""
    firms.get(session, tenant, firm_id)
    check_measure(session, data.measure_code)
    outcome = add(session, tenant, firm_id, data, actor, source)
    session.commit()
    return outcome


def add(session: Session, tenant: str, firm_id: int, data: OutcomeWrite, actor: str,
        source: OutcomeSource) -> FirmOutcome:
    """An outcome, its first version and its audit event, in the caller's transaction (firm and measure checked)."""
    outcome = FirmOutcome(firm_id=firm_id, tenant=tenant, source=source, revision=1, **data.model_dump())
    session.add(outcome)
    _record(session, outcome, actor, "record")
    return outcome


def outcomes_of(session: Session, tenant: str, firm_id: int) -> list[FirmOutcome]:
    """The firm's outcomes, in the order they happened."""
    firms.get(session, tenant, firm_id)
    statement = (select(FirmOutcome).where(FirmOutcome.firm_id == firm_id, FirmOutcome.tenant == tenant)
                 .order_by(col(FirmOutcome.occurred_on), col(FirmOutcome.id)))
    return list(session.exec(statement).all())


def get(session: Session, tenant: str, firm_id: int, outcome_id: int) -> FirmOutcome:
    firms.get(session, tenant, firm_id)
    outcome = session.exec(select(FirmOutcome).where(FirmOutcome.id == outcome_id, FirmOutcome.firm_id == firm_id,
                                                     FirmOutcome.tenant == tenant)).first()
    if outcome is None:
        raise OutcomeNotFound(firm_id, outcome_id)
    return outcome


def correct(session: Session, tenant: str, firm_id: int, outcome_id: int, data: OutcomeWrite, expected: int,
            actor: str) -> FirmOutcome:
    """Replace what an outcome says; the version it replaces stays in its revisions."""
    outcome = get(session, tenant, firm_id, outcome_id)
    if outcome.revision != expected:
        raise StaleOutcome(outcome_id, outcome.revision)
    check_measure(session, data.measure_code)
    for name, value in data.model_dump().items():
        setattr(outcome, name, value)
    outcome.updated_at = utcnow()
    session.add(outcome)
    _record(session, outcome, actor, "correct")
    session.commit()
    return outcome


def revisions_of_firm(session: Session, firm_id: int) -> list[FirmOutcomeRevision]:
    """Every version of every outcome of a firm, oldest first (the caller has checked the firm is the portal's)."""
    statement = (select(FirmOutcomeRevision).where(FirmOutcomeRevision.firm_id == firm_id)
                 .order_by(col(FirmOutcomeRevision.created_at), col(FirmOutcomeRevision.id)))
    return list(session.exec(statement).all())


def history(session: Session, tenant: str, firm_id: int) -> list[FirmRevisionPublic]:
    """The firm's profile versions and its outcomes' versions, in the order they were written."""
    entries = [(row.created_at, 0, row.id or 0, FirmRevisionPublic.model_validate(row, from_attributes=True))
               for row in firms.history(session, tenant, firm_id)]
    entries += [(row.created_at, 1, row.id or 0, FirmRevisionPublic(
        revision=row.revision, actor=row.actor, action=f"outcome.{row.action}", created_at=row.created_at,
        profile=None, provenance=None, outcome=row.record))
        for row in revisions_of_firm(session, firm_id)]
    return [entry for *_, entry in sorted(entries, key=lambda entry: entry[:3])]

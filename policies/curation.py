"""Curation use cases: create, edit, move through the workflow. Each commits once.

Every change writes an immutable revision and an audit event in the same
transaction as the change itself, so history can never disagree with the row.
"""

from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from policies import describe, reference, repository
from policies.db import utcnow
from policies.diff import diff_documents
from policies.errors import (
    DuplicateMeasure,
    IncompleteMeasure,
    InvalidTransition,
    MeasureNotFound,
    RevisionNotFound,
    StaleRevision,
)
from policies.models import AuditEvent, MeasureRevision, OutboxEvent, SupportMeasure
from policies.schemas import MeasureCreate, MeasurePublic, MeasureRecord, MeasureUpdate
from policies.vocabulary import MeasureStatus

TRANSITIONS: dict[MeasureStatus, tuple[MeasureStatus, ...]] = {
    MeasureStatus.draft: (MeasureStatus.in_review, MeasureStatus.archived),
    MeasureStatus.in_review: (MeasureStatus.draft, MeasureStatus.published),
    MeasureStatus.published: (MeasureStatus.archived,),
    MeasureStatus.archived: (MeasureStatus.draft,),
}

_STORED_FIELDS = tuple(name for name in MeasureRecord.model_fields if name not in ("code", "status"))
_DATE_FIELDS = ("effective_from", "effective_to")


def document_of(measure: SupportMeasure) -> dict[str, Any]:
    """The measure as a JSON document: the shape of imports, exports and snapshots."""
    document: dict[str, Any] = {"code": measure.code, "status": measure.status}
    for name in _STORED_FIELDS:
        value = getattr(measure, name)
        document[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return {key: value for key, value in document.items() if value is not None}


def measure_public(measure: SupportMeasure) -> MeasurePublic:
    """The measure as the API shows it: the document, its revision, named codes and plain-language summaries."""
    public = MeasurePublic.model_validate(
        document_of(measure)
        | {
            "revision": measure.revision,
            "created_at": measure.created_at,
            "updated_at": measure.updated_at,
            "jurisdiction_names": [
                {"code": code, "name": reference.region_name(code)} for code in measure.jurisdiction
            ],
            "industry_names": [
                {"code": code, "name": reference.industry_name(code)} for code in measure.industries
            ],
        }
    )
    public.who_qualifies = describe.who_qualifies(public.criteria)
    public.who_qualifies_zh = describe.who_qualifies(public.criteria, "zh")
    public.benefit_summary = describe.benefit_text(public.benefit)
    public.benefit_summary_zh = describe.benefit_text(public.benefit, "zh")
    public.window_summary = describe.window_text(public.window)
    public.window_summary_zh = describe.window_text(public.window, "zh")
    return public


def _stored(record: MeasureRecord) -> dict[str, Any]:
    """The record's fields as the table stores them: JSON for the structured ones, dates as dates."""
    document = record.model_dump(mode="json", exclude_none=True)
    return {name: getattr(record, name) if name in _DATE_FIELDS else document.get(name) for name in _STORED_FIELDS}


def _apply(measure: SupportMeasure, record: MeasureRecord) -> None:
    for name, value in _stored(record).items():
        setattr(measure, name, value)
    measure.status = record.status.value


def _record(session: Session, measure: SupportMeasure, before: dict[str, Any], actor: str, action: str) -> None:
    """Flush the change and write its revision and audit event."""
    code, revision = measure.code, measure.revision
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise StaleRevision(code, revision, None) from exc
    except IntegrityError as exc:  # two creates of one code raced past the duplicate check
        session.rollback()
        raise DuplicateMeasure(code) from exc
    assert measure.id is not None
    after = document_of(measure)
    changes = diff_documents(before, after)
    session.add(
        MeasureRevision(
            measure_id=measure.id,
            revision=measure.revision,
            actor=actor,
            action=action,
            snapshot=after,
            changes=changes,
        )
    )
    session.add(OutboxEvent(topic=f"measure.{action}", entity_ref=measure.code,
                            payload={"code": measure.code, "revision": measure.revision, "status": measure.status,
                                     "fields": sorted({c["path"].split("/")[0] for c in changes})}))
    repository.add_audit_event(
        session,
        AuditEvent(
            actor=actor,
            action=f"measure.{action}",
            entity="measure",
            entity_ref=measure.code,
            detail={"revision": measure.revision, "fields": sorted({c["path"].split("/")[0] for c in changes})},
        ),
    )


def add_measure(*, session: Session, record: MeasureRecord, actor: str, action: str) -> SupportMeasure:
    """Insert a measure and its first revision, without committing (imports batch these)."""
    if repository.get_by_code(session, record.code) is not None:
        raise DuplicateMeasure(record.code)
    now = utcnow()
    measure = SupportMeasure.model_validate(
        _stored(record) | {"code": record.code, "status": record.status.value, "created_at": now, "updated_at": now,
                           "revision": 1}
    )
    session.add(measure)
    _record(session, measure, {}, actor, action)
    return measure


def replace_measure(
    *, session: Session, measure: SupportMeasure, record: MeasureRecord, actor: str, action: str
) -> bool:
    """Overwrite a measure with a full record; False (and no revision) when nothing changed."""
    before = document_of(measure)
    if record.model_dump(mode="json", exclude_none=True) == before:
        return False
    _apply(measure, record)
    measure.updated_at = utcnow()
    session.add(measure)
    _record(session, measure, before, actor, action)
    return True


def create_draft(*, session: Session, data: MeasureCreate, actor: str) -> SupportMeasure:
    """Create a new measure in draft."""
    record = MeasureRecord.model_validate(data.model_dump() | {"status": MeasureStatus.draft})
    measure = add_measure(session=session, record=record, actor=actor, action="create")
    session.commit()
    return measure


def get_measure(*, session: Session, code: str) -> SupportMeasure:
    measure = repository.get_by_code(session, code)
    if measure is None:
        raise MeasureNotFound(code)
    return measure


def update_measure(
    *, session: Session, code: str, data: MeasureUpdate, expected_revision: int, actor: str
) -> SupportMeasure:
    """Apply a partial edit made against `expected_revision`."""
    measure = get_measure(session=session, code=code)
    if measure.revision != expected_revision:
        raise StaleRevision(code, expected_revision, measure.revision)
    merged = document_of(measure) | data.model_dump(mode="json", exclude_unset=True)
    try:
        record = MeasureRecord.model_validate({k: v for k, v in merged.items() if v is not None})
    except ValidationError as exc:
        raise IncompleteMeasure(
            [(".".join(str(part) for part in error["loc"]) or "body", error["msg"]) for error in exc.errors()]
        ) from exc
    if replace_measure(session=session, measure=measure, record=record, actor=actor, action="update"):
        session.commit()
    return measure


def transition(
    *, session: Session, code: str, target: MeasureStatus, expected_revision: int | None, actor: str
) -> SupportMeasure:
    """Move a measure through draft → in review → published → archived.

    Without an expected revision the caller asked for a move, not for a version: when another writer
    committed first (PostgreSQL sees it only at write time), the move is judged again on what that writer
    left, so the answer is the one SQLite's queued writers give (409 when the move no longer applies), never
    a 412 for a precondition nobody set.
    """
    for attempt in range(3):
        measure = get_measure(session=session, code=code)
        if expected_revision is not None and measure.revision != expected_revision:
            raise StaleRevision(code, expected_revision, measure.revision)
        current = MeasureStatus(measure.status)
        allowed = TRANSITIONS[current]
        if target not in allowed:
            raise InvalidTransition(code, current.value, target.value, [s.value for s in allowed])
        before = document_of(measure)
        measure.status = target.value
        measure.updated_at = utcnow()
        session.add(measure)
        try:
            _record(session, measure, before, actor, target.value)
        except StaleRevision:
            if expected_revision is not None or attempt == 2:
                raise
            continue  # _record rolled back: read the measure as the other writer left it
        session.commit()
        return measure
    raise AssertionError("unreachable: the last attempt returns or raises")


def revision_of(*, session: Session, code: str, revision: int) -> MeasureRevision:
    measure = get_measure(session=session, code=code)
    assert measure.id is not None
    found = repository.get_revision(session, measure.id, revision)
    if found is None:
        raise RevisionNotFound(code, revision)
    return found


def diff_revisions(*, session: Session, code: str, old: int, new: int) -> list[dict[str, Any]]:
    """What changed between two revisions of a measure, field by field."""
    before = revision_of(session=session, code=code, revision=old)
    after = revision_of(session=session, code=code, revision=new)
    return diff_documents(before.snapshot, after.snapshot)

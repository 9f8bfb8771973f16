"""The catalogue: read by anyone (published only), curated with a curator key."""

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import CuratorDep, PrincipalDep
from api.deps import SessionDep
from api.errors import PROBLEMS
from api.etag import etag_of, parse_if_match
from api.openapi_examples import example
from api.params import RevisionNumber
from api.routing import ReleasingRoute
from policies import curation, repository
from policies.errors import MeasureNotFound
from policies.i18n import N_
from policies.keys import Role
from policies.reference import IndustryCode, RegionCode
from policies.schemas import (
    FieldChange,
    MeasureCreate,
    MeasureFilter,
    MeasurePublic,
    MeasureUpdate,
    RevisionDetail,
    RevisionPublic,
)
from policies.vocabulary import Level, MeasureKind, MeasureStatus

router = APIRouter(route_class=ReleasingRoute, prefix="/measures", tags=["catalogue"])

class MeasurePage(BaseModel):
    items: list[MeasurePublic]
    total: int
    offset: int
    limit: int


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"status": "published"}]})

    status: MeasureStatus = Field(description="the status to move to")


class RevisionDiff(BaseModel):
    code: str
    from_revision: int
    to_revision: int
    changes: list[FieldChange]


def _visible(principal_role: Role | None, status: str) -> bool:
    return status == MeasureStatus.published or (
        principal_role is not None and principal_role in (Role.curator, Role.admin)
    )


@router.get("", response_model=MeasurePage, responses=PROBLEMS | example("list_measures"), summary="List measures")
def list_measures(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[list[MeasureStatus] | None, Query()] = None,
    kind: Annotated[list[MeasureKind] | None, Query()] = None,
    level: Annotated[list[Level] | None, Query()] = None,
    region: Annotated[RegionCode | None, Query(description="jurisdiction covers or lies in this region")] = None,
    industry: Annotated[IndustryCode | None, Query(description="GB/T 4754 code or prefix")] = None,
    exclusivity_group: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MeasurePage:
    """List the catalogue with filters, in code order. Without a curator key only published measures show."""
    if not principal.at_least(Role.curator):
        if status and any(s is not MeasureStatus.published for s in status):
            raise HTTPException(403, N_("only curators can list measures that are not published"))
        status = [MeasureStatus.published]
    filters = MeasureFilter.model_validate(
        {"status": status, "kind": kind, "level": level, "region": region, "industry": industry,
         "exclusivity_group": exclusivity_group, "q": q}
    )
    rows, total = repository.list_measures(session, filters, offset=offset, limit=limit)
    return MeasurePage(items=[curation.measure_public(row) for row in rows], total=total, offset=offset, limit=limit)


@router.post("", status_code=201, response_model=MeasurePublic, responses=PROBLEMS | example("create_measure", 201), summary="Create a draft")
def create_measure(
    data: MeasureCreate, session: SessionDep, principal: CuratorDep, response: Response
) -> MeasurePublic:
    """Create a new measure in draft. Returns it with its ETag."""
    measure = curation.create_draft(session=session, data=data, actor=principal.actor)
    response.headers["ETag"] = etag_of(measure.revision)
    response.headers["Location"] = f"/v1/measures/{measure.code}"
    return curation.measure_public(measure)


@router.get("/{code}", response_model=MeasurePublic, responses=PROBLEMS | example("measure"), summary="Get a measure")
def get_measure(code: str, session: SessionDep, principal: PrincipalDep, response: Response) -> MeasurePublic:
    """One measure by its code, with its revision as the ETag."""
    measure = curation.get_measure(session=session, code=code)
    if not _visible(principal.role, measure.status):
        raise MeasureNotFound(code)
    response.headers["ETag"] = etag_of(measure.revision)
    return curation.measure_public(measure)


@router.patch("/{code}", response_model=MeasurePublic, responses=PROBLEMS | example("update_measure"), summary="Edit a measure")
def update_measure(
    code: str,
    data: MeasureUpdate,
    session: SessionDep,
    principal: CuratorDep,
    response: Response,
    if_match: Annotated[str | None, Header(description='the ETag read, e.g. "3"')] = None,
) -> MeasurePublic:
    """Change some fields. Needs If-Match with the revision read: 412 if someone changed it since, 428 without."""
    expected = parse_if_match(if_match, required=True)
    assert expected is not None
    measure = curation.update_measure(
        session=session, code=code, data=data, expected_revision=expected, actor=principal.actor
    )
    response.headers["ETag"] = etag_of(measure.revision)
    return curation.measure_public(measure)


@router.post("/{code}/status", response_model=MeasurePublic, responses=PROBLEMS | example("change_status"), summary="Change status")
def change_status(
    code: str,
    change: StatusChange,
    session: SessionDep,
    principal: CuratorDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> MeasurePublic:
    """Move through draft → in_review → published → archived (or back to draft). 409 on any other move."""
    measure = curation.transition(
        session=session, code=code, target=change.status,
        expected_revision=parse_if_match(if_match, required=False), actor=principal.actor,
    )
    response.headers["ETag"] = etag_of(measure.revision)
    return curation.measure_public(measure)


@router.get("/{code}/revisions", response_model=list[RevisionPublic], responses=PROBLEMS | example("list_revisions"), summary="History")
def list_revisions(code: str, session: SessionDep, _: CuratorDep) -> list[RevisionPublic]:
    """Every revision of a measure, oldest first: who, when, what changed."""
    measure = curation.get_measure(session=session, code=code)
    assert measure.id is not None
    return [RevisionPublic.model_validate(row) for row in repository.list_revisions(session, measure.id)]


@router.get(
    "/{code}/revisions/{revision}", response_model=RevisionDetail, responses=PROBLEMS | example("get_revision"), summary="One revision"
)
def get_revision(code: str, revision: RevisionNumber, session: SessionDep, _: CuratorDep) -> RevisionDetail:
    """A revision with the full snapshot of the measure as it was."""
    return RevisionDetail.model_validate(curation.revision_of(session=session, code=code, revision=revision))


@router.get("/{code}/diff", response_model=RevisionDiff, responses=PROBLEMS | example("diff_revisions"), summary="Diff two revisions")
def diff_revisions(
    code: str,
    session: SessionDep,
    _: CuratorDep,
    from_revision: Annotated[int, Query(alias="from", ge=1, le=2**31 - 1)],
    to_revision: Annotated[int, Query(alias="to", ge=1, le=2**31 - 1)],
) -> RevisionDiff:
    """Field-by-field changes between two revisions of a measure."""
    changes = curation.diff_revisions(session=session, code=code, old=from_revision, new=to_revision)
    return RevisionDiff(
        code=code, from_revision=from_revision, to_revision=to_revision,
        changes=[FieldChange.model_validate(change) for change in changes],
    )

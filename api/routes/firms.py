"""Firms on file, for portals: each portal sees and changes only its own."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel

from api.auth import PortalDep
from api.deps import SessionDep
from api.errors import PROBLEMS
from api.etag import etag_of, parse_if_match
from api.openapi_examples import example
from api.params import Id
from api.routing import ReleasingRoute
from matching.store import firms as firm_store
from matching.store import outcomes as outcome_store
from matching.store.firms import FirmPublic, FirmRevisionPublic, FirmWrite

router = APIRouter(route_class=ReleasingRoute, prefix="/firms", tags=["firms"])


class FirmPage(BaseModel):
    items: list[FirmPublic]
    total: int
    offset: int
    limit: int


@router.post("", status_code=201, response_model=FirmPublic, responses=PROBLEMS | example("create_firm", 201), summary="Store a firm")
def create_firm(data: FirmWrite, session: SessionDep, principal: PortalDep, response: Response) -> FirmPublic:
    """Keep a firm's profile on file, with where each field came from."""
    firm = firm_store.create(session, principal.owner, data, principal.actor)
    response.headers["ETag"] = etag_of(firm.revision)
    response.headers["Location"] = f"/v1/firms/{firm.id}"
    return firm_store.public(firm)


@router.get("", response_model=FirmPage, responses=PROBLEMS | example("list_firms"), summary="List firms")
def list_firms(
    session: SessionDep, principal: PortalDep, offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> FirmPage:
    """This portal's firms, oldest first."""
    rows, total = firm_store.list_firms(session, principal.owner, offset=offset, limit=limit)
    return FirmPage(items=[firm_store.public(row) for row in rows], total=total, offset=offset, limit=limit)


@router.get("/{firm_id}", response_model=FirmPublic, responses=PROBLEMS | example("get_firm"), summary="Get a firm")
def get_firm(firm_id: Id, session: SessionDep, principal: PortalDep, response: Response) -> FirmPublic:
    """One of this portal's firms, with its revision as the ETag."""
    firm = firm_store.get(session, principal.owner, firm_id)
    response.headers["ETag"] = etag_of(firm.revision)
    return firm_store.public(firm)


@router.put("/{firm_id}", response_model=FirmPublic, responses=PROBLEMS | example("update_firm"), summary="Replace a firm's profile")
def update_firm(
    firm_id: Id, data: FirmWrite, session: SessionDep, principal: PortalDep, response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> FirmPublic:
    """Replace the profile; needs If-Match with the revision read (412 if stale, 428 without)."""
    expected = parse_if_match(if_match, required=True)
    assert expected is not None
    firm = firm_store.update(session, principal.owner, firm_id, data, expected, principal.actor)
    response.headers["ETag"] = etag_of(firm.revision)
    return firm_store.public(firm)


@router.delete("/{firm_id}", status_code=204, responses=PROBLEMS, summary="Delete a firm")
def delete_firm(firm_id: Id, session: SessionDep, principal: PortalDep) -> Response:
    """Remove the firm from matching; its history is kept."""
    firm_store.delete(session, principal.owner, firm_id, principal.actor)
    return Response(status_code=204)


@router.get("/{firm_id}/history", response_model=list[FirmRevisionPublic], responses=PROBLEMS | example("firm_history"),
            summary="History")
def firm_history(firm_id: Id, session: SessionDep, principal: PortalDep) -> list[FirmRevisionPublic]:
    """Every version of the profile and of the firm's outcomes, oldest first."""
    return outcome_store.history(session, principal.owner, firm_id)

"""What became of the measures a portal's firms were shown: record, list and correct outcomes."""

from typing import Annotated

from fastapi import APIRouter, Header, Response

from api.auth import PortalDep
from api.deps import SessionDep
from api.errors import PROBLEMS
from api.etag import etag_of, parse_if_match
from api.openapi_examples import example
from api.params import Id
from api.routing import ReleasingRoute
from matching.store import outcomes as outcome_store
from matching.store.outcomes import OutcomePublic, OutcomeWrite

router = APIRouter(route_class=ReleasingRoute, prefix="/firms/{firm_id}/outcomes", tags=["firms"])


@router.post("", status_code=201, response_model=OutcomePublic, responses=PROBLEMS | example("record_outcome", 201),
             summary="Record an outcome")
def record_outcome(firm_id: Id, data: OutcomeWrite, session: SessionDep, principal: PortalDep,
                   response: Response) -> OutcomePublic:
    """The firm applied, was awarded (how much), rejected (why), withdrew, or chose not to apply once shown."""
    outcome = outcome_store.record(session, principal.owner, firm_id, data, principal.actor)
    response.headers["ETag"] = etag_of(outcome.revision)
    response.headers["Location"] = f"/v1/firms/{firm_id}/outcomes/{outcome.id}"
    return outcome_store.public(outcome)


@router.get("", response_model=list[OutcomePublic], responses=PROBLEMS | example("list_outcomes"),
            summary="List a firm's outcomes")
def list_outcomes(firm_id: Id, session: SessionDep, principal: PortalDep) -> list[OutcomePublic]:
    """Every outcome of the firm, in the order they happened."""
    return [outcome_store.public(row) for row in outcome_store.outcomes_of(session, principal.owner, firm_id)]


@router.get("/{outcome_id}", response_model=OutcomePublic, responses=PROBLEMS | example("record_outcome"),
            summary="Get an outcome")
def get_outcome(firm_id: Id, outcome_id: Id, session: SessionDep, principal: PortalDep,
                response: Response) -> OutcomePublic:
    """One outcome, with its revision as the ETag a correction names."""
    outcome = outcome_store.get(session, principal.owner, firm_id, outcome_id)
    response.headers["ETag"] = etag_of(outcome.revision)
    return outcome_store.public(outcome)


@router.put("/{outcome_id}", response_model=OutcomePublic, responses=PROBLEMS | example("correct_outcome"),
            summary="Correct an outcome")
def correct_outcome(
    firm_id: Id, outcome_id: Id, data: OutcomeWrite, session: SessionDep, principal: PortalDep, response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> OutcomePublic:
    """Replace what the outcome says; needs If-Match with the revision read (412 if stale, 428 without). The
    version replaced stays in the firm's history."""
    expected = parse_if_match(if_match, required=True)
    assert expected is not None
    outcome = outcome_store.correct(session, principal.owner, firm_id, outcome_id, data, expected,
                                    principal.actor)
    response.headers["ETag"] = etag_of(outcome.revision)
    return outcome_store.public(outcome)

"""Reverse matching for bureau staff and portals: who qualifies for a measure, and a drafting sandbox."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict

from api.auth import CuratorDep, PortalDep
from api.deps import CatalogueDep, PopulationAsOfDep, PopulationDep, SessionDep
from api.errors import PROBLEMS
from api.openapi_examples import example
from api.routing import ReleasingRoute
from matching.catalogue.view import MeasureView
from matching.eligibility.rules import Verdict
from matching.reverse.candidates import CandidateList, Preview, Sweep, candidates, preview
from matching.store import firms as firm_store
from policies.errors import MeasureNotFound
from policies.importing.spreadsheet import write_csv
from policies.keys import Role
from policies.schemas import EXAMPLE_MEASURE, MeasureCreate

router = APIRouter(route_class=ReleasingRoute, prefix="/measures", tags=["reverse matching"])
CSV_ROWS = 10_000  # rows in one CSV export; page with offset for more
CSV_COLUMNS = ("firm_id", "external_ref", "name", "region", "verdict", "estimated_benefit", "missing", "relevance")


CANDIDATES_CSV = {"text/csv": {"schema": {"type": "string"}, "example": ",".join(CSV_COLUMNS)}}


@router.get("/{code}/candidates", response_model=CandidateList, summary="Firms that qualify", responses=PROBLEMS | {
    200: {"content": example("measure_candidates")[200]["content"] | CANDIDATES_CSV}})
def measure_candidates(
    code: str,
    principal: PortalDep,  # first: only a caller with a key may have another date's population built
    catalogue: CatalogueDep,
    population: PopulationAsOfDep,
    session: SessionDep,
    verdict: Annotated[list[Verdict] | None, Query(description="default: eligible and possibly eligible")] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    fmt: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> CandidateList | Response:
    """Stored firms eligible or possibly eligible for a published measure, by estimated benefit. Portals see
    their own firms; curators see all. `format=csv` exports up to 10,000 firms from `offset` (each row is
    explained, so the export is bounded); the `X-Total-Count` header says how many qualify. `as_of` judges the
    firms as of another date (ages, title validity, criteria in force), as /v1/match and /v1/eligibility do."""
    if code not in catalogue.index:
        raise MeasureNotFound(code)
    index = catalogue.index[code]
    tenant = None if principal.at_least(Role.curator) else principal.tenant
    result = candidates(catalogue.measures[index], catalogue.vectors.vector(index), population,
                        lambda ids: firm_store.profiles_by_id(session, ids), tenant=tenant,
                        verdicts=verdict, offset=offset, limit=CSV_ROWS if fmt == "csv" else limit)
    if fmt == "json":
        return result
    # Firm names and references are typed by portals: write_csv quotes any that a spreadsheet would run.
    # Numbers (id, benefit, relevance) stay numbers, a negative relevance included.
    text = write_csv(CSV_COLUMNS, ([item.firm_id, item.external_ref, item.name, item.region, item.verdict.value,
                                    item.estimated_benefit.amount or None, ";".join(item.missing), item.relevance]
                                   for item in result.items))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{code}-candidates.csv"',
                             "X-Total-Count": str(result.total)})


class PreviewRequest(BaseModel):
    """A draft measure (not saved) and, optionally, a threshold to sweep."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "measure": EXAMPLE_MEASURE | {"code": "DRAFT-WZ-AWARD", "industries": [], "criteria": [
            {"type": "numeric", "field": "employees", "op": "lte", "value": 300}]},
        "sweep": {"path": 0, "bound": "value", "values": [300, 500, 1000]},
    }]})

    measure: MeasureCreate
    sweep: Sweep | None = None


@router.post("/preview", response_model=Preview, responses=PROBLEMS | example("preview_draft"), summary="Drafting sandbox")
def preview_draft(request: PreviewRequest, population: PopulationDep, _: CuratorDep) -> Preview:
    """How many stored firms a draft would reach, what excludes the most, the payout, and a threshold sweep."""
    view = MeasureView.from_record(request.measure)
    return preview(view, population, request.sweep)

"""Bulk import and export of the catalogue (JSON, YAML, CSV)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.auth import CuratorDep, PrincipalDep
from api.deps import CatalogueHolderDep, SessionDep
from api.errors import PROBLEMS, FieldError, in_reader_language
from api.messages import MESSAGES
from api.openapi_examples import example
from api.routing import ReleasingRoute, end_transaction
from matching.store.catalogue import CatalogueHolder
from policies import curation, repository
from policies.i18n import N_, OneLanguage, reader_language
from policies.importing.formats import EmptyFile, Format, UnreadableFile, read_records, write_records
from policies.importing.loader import import_records
from policies.keys import Role
from policies.schemas import EXAMPLE_MEASURE, MeasureFilter
from policies.vocabulary import MeasureStatus

router = APIRouter(route_class=ReleasingRoute, prefix="/measures", tags=["import and export"])

MEDIA_TYPES = {Format.json: "application/json", Format.yaml: "application/yaml", Format.csv: "text/csv"}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class LintWarning(OneLanguage):
    """A catalogue-lint finding (`policies.lint`): worth a curator's look, never a reason to refuse the import."""

    code: str
    path: str
    rule: str
    message: str
    message_zh: str


class ImportResult(BaseModel):
    dry_run: bool
    ok: bool
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    problems: list[FieldError]
    warnings: list[LintWarning] = []


def _format_of(request: Request, explicit: Format | None) -> Format:
    if explicit is not None:
        return explicit
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    for fmt, media in MEDIA_TYPES.items():
        if content_type in (media, f"text/{fmt.value}", f"application/x-{fmt.value}"):
            return fmt
    raise UnreadableFile(MESSAGES.say(
        "en", "cannot tell the file format from Content-Type {content_type}: send application/json, "
        "application/yaml or text/csv, or pass ?format=", content_type=repr(content_type or "(none)")))


def _nothing_to_import(message: str) -> RequestValidationError:
    """An import that would change nothing used to answer `200 ok`: a 422 on field `body` says why instead,
    as FastAPI answers a missing body on every other route."""
    return RequestValidationError([{"type": "missing", "loc": ("body",), "msg": message}])


@router.post(
    "/import",
    response_model=ImportResult,
    responses=PROBLEMS | example("import_measures"),
    summary="Import measures",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()} | {
                # JSON is a list of records (docs/catalogue-format.md: the fields of a measure, plus `status`).
                "application/json": {"schema": {"type": "array", "minItems": 1, "items": {"type": "object"}},
                                     "example": [EXAMPLE_MEASURE | {"status": "draft"}]},
            },
        }
    },
)
async def import_measures(
    request: Request,
    principal: CuratorDep,
    session: SessionDep,
    holder: CatalogueHolderDep,
    fmt: Annotated[Format | None, Query(alias="format")] = None,
    dry_run: bool = False,
) -> ImportResult:
    """Upsert measures by code, all or nothing. With dry_run=true, list every problem and change nothing."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise UnreadableFile(MESSAGES.say("en", "import files are limited to {megabytes} MB",
                                          megabytes=MAX_IMPORT_BYTES // 1_000_000))
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise UnreadableFile(MESSAGES.say("en", "import files are limited to {megabytes} MB",
                                          megabytes=MAX_IMPORT_BYTES // 1_000_000))
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(N_("the file must be UTF-8 text")) from exc
    if not text.strip():
        raise _nothing_to_import(N_("the request body is empty: send a catalogue file"))
    chosen = _format_of(request, fmt)
    try:
        # Parsing up to 20 MB is CPU-bound too: off the event loop, like the import.
        raw = await run_in_threadpool(read_records, text, chosen)
    except EmptyFile as exc:
        raise _nothing_to_import(str(exc)) from exc
    # The import is CPU- and database-bound: keep it off the event loop.
    report = await run_in_threadpool(
        import_records, session=session, raw=raw, actor=principal.actor, dry_run=dry_run
    )
    if not report.dry_run and not report.problems and (report.created or report.updated):
        # The curator who imported waits for the new measures' embeddings and the new snapshot, not the next
        # portal or chatbot: after a large import, one MCP call once waited 171 s for them.
        await run_in_threadpool(_compile, holder, session)
    language = reader_language()
    return ImportResult(
        dry_run=report.dry_run,
        ok=not report.problems,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        problems=[FieldError(field=p.path, message=in_reader_language(p.message, language), record=p.record,
                             code=p.code) for p in report.problems],
        warnings=[LintWarning(code=w.code, path=w.path, rule=w.rule, message=w.message, message_zh=w.message_zh)
                  for w in report.warnings],
    )


def _compile(holder: CatalogueHolder, session: Session) -> None:
    holder.current(session)
    end_transaction(session)


@router.get("/export", responses=PROBLEMS, summary="Export measures", response_class=Response)
def export_measures(
    session: SessionDep,
    principal: PrincipalDep,
    fmt: Annotated[Format, Query(alias="format")] = Format.json,
) -> Response:
    """The catalogue as a file that import reads back unchanged. Without a curator key, published only."""
    if principal.at_least(Role.curator):
        rows = repository.list_all(session)
    else:
        filters = MeasureFilter(status=[MeasureStatus.published])
        rows, _ = repository.list_measures(session, filters, offset=0, limit=repository.count_measures(session))
    text = write_records([curation.document_of(row) for row in rows], fmt)
    return Response(
        text,
        media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="measures.{fmt.value}"'},
    )

"""Every error leaves as application/problem+json (RFC 9457), naming the field at fault."""

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from api.messages import MESSAGES
from matching.errors import (
    DuplicateFirm,
    FirmNotFound,
    InvalidSweep,
    MeasureNotOnFile,
    OutcomeNotFound,
    StaleFirm,
    StaleOutcome,
    UnknownMeasures,
    WebhookNotFound,
)
from matching.messages import MESSAGES as MATCHING_MESSAGES
from policies import errors as policy_errors
from policies.db import DatabaseReplaced
from policies.i18n import N_, Language, read_back, reader_language
from policies.importing.formats import UnreadableFile
from policies.messages import MESSAGES as POLICIES_MESSAGES
from policies.validation import field_path

PROBLEM_JSON = "application/problem+json"

# Each domain error's status and title; the title's English also names its problem type (/problems/<slug>).
DOMAIN_ERRORS: dict[type[Exception], tuple[int, str]] = {
    policy_errors.MeasureNotFound: (404, N_("Measure not found")),
    policy_errors.RevisionNotFound: (404, N_("Revision not found")),
    policy_errors.ApiKeyNotFound: (404, N_("Api key not found")),
    policy_errors.DuplicateMeasure: (409, N_("Duplicate measure")),
    policy_errors.InvalidTransition: (409, N_("Invalid transition")),
    policy_errors.StaleRevision: (412, N_("Stale revision")),
    policy_errors.IncompleteMeasure: (422, N_("Incomplete measure")),
    policy_errors.ImportRejected: (422, N_("Import rejected")),
    UnreadableFile: (400, N_("Unreadable file")),
    UnknownMeasures: (422, N_("Unknown measures")),
    FirmNotFound: (404, N_("Firm not found")),
    StaleFirm: (412, N_("Stale firm")),
    DuplicateFirm: (409, N_("Duplicate firm")),
    WebhookNotFound: (404, N_("Webhook not found")),
    OutcomeNotFound: (404, N_("Outcome not found")),
    StaleOutcome: (412, N_("Stale outcome")),
    MeasureNotOnFile: (422, N_("Unknown measure")),
    InvalidSweep: (422, N_("Invalid sweep")),
}


class FieldError(BaseModel):
    field: str
    message: str
    record: int | None = None
    code: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details; `errors` lists each field at fault."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] = []


# "model" puts Problem in the components; the $ref documents the media type errors really have.
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem,
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for code in (400, 401, 403, 404, 409, 412, 413, 422, 428, 429, 500, 503)
}


class ProblemResponse(JSONResponse):
    """problem+json that can always be written: text echoed from the request may hold a lone surrogate
    (valid in a JSON string, not in UTF-8), which becomes "?" instead of failing the error itself."""

    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8",
                                                                                                   "replace")


def in_reader_language(english: str, language: Language) -> str:
    """A message the code said in English (an exception's text, a validator's), in the reader's language.

    Messages are English where they are raised, deep in layers that know no request; the catalogues
    of all three layers read them back here. Text no catalogue says (a value echoed from the request)
    is left as it is.
    """
    if language is not Language.zh:
        return english
    return read_back(english, (MESSAGES, POLICIES_MESSAGES, MATCHING_MESSAGES)) or english


def problem_response(
    request: Request, status: int, title: str, detail: str, errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """`title` and `detail` are given in English: the type's slug is the English title's, the text the reader's."""
    language = reader_language()
    slug = title.lower().replace(" ", "-")
    shown = [error.model_copy(update={"message": in_reader_language(error.message, language)})
             for error in errors or []]
    body = Problem(
        type=f"/problems/{slug}", title=MESSAGES.say(language, title), status=status,
        detail=in_reader_language(detail, language), instance=request.url.path, errors=shown,
    )
    return ProblemResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _field_errors(items: Sequence[Any]) -> tuple[list[FieldError], str]:
    """Pydantic's errors as fields at fault, and a detail naming the first (in the reader's language)."""
    language = reader_language()
    errors = [FieldError(field=field_path(item["loc"]), message=_message_of(item, language)) for item in items]
    if not errors:
        return errors, MESSAGES.say(language, "the request is invalid")
    detail = f"{errors[0].field}: {in_reader_language(errors[0].message, language)}"
    if len(errors) > 1:
        detail += MESSAGES.say(language, " (and {count} more)", count=len(errors) - 1)
    return errors, detail


def _message_of(item: Any, language: Language) -> str:
    """Pydantic's message; in Chinese, a list of allowed values ('a', 'b' or 'c') is joined as Chinese lists are
    ('a'、'b' 或 'c'): read back as a message, its English commas and "or" would stay."""
    expected = (item.get("ctx") or {}).get("expected")
    if language is not Language.zh or item.get("type") not in ("enum", "literal_error") or not isinstance(expected, str):
        return str(item["msg"])
    head, _, last = expected.rpartition(" or ")
    listed = f"{'、'.join(head.split(', '))} 或 {last}" if head else last
    return MESSAGES.say(language, "Input should be {expected}", expected=listed)


def _detail_of(exc: Exception) -> str:
    """The exception's text; a measure left incomplete joins its fields' messages, each said in the reader's."""
    if isinstance(exc, policy_errors.IncompleteMeasure):
        language = reader_language()
        return "; ".join(f"{path}: {in_reader_language(message, language)}" for path, message in exc.problems)
    return str(exc)


def _domain_errors(exc: Exception) -> list[FieldError]:
    if isinstance(exc, policy_errors.ImportRejected):
        return [FieldError(field=p.path, message=p.message, record=p.record, code=p.code) for p in exc.problems]
    if isinstance(exc, policy_errors.IncompleteMeasure):
        return [FieldError(field=f"body.{path}", message=message) for path, message in exc.problems]
    if isinstance(exc, InvalidSweep):
        return [FieldError(field="body.sweep.path", message=str(exc))]
    if isinstance(exc, MeasureNotOnFile):
        return [FieldError(field="body.measure_code", message=str(exc))]
    if isinstance(exc, UnknownMeasures):
        return [FieldError(field="body.measures", message=MESSAGES.say("en", "not a published measure: {code}", code=code))
                for code in exc.codes]
    return []


async def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """An HTTP error as problem+json; also installed on the mounted MCP app, which would answer text/plain."""
    headers: dict[str, Any] | None = getattr(exc, "headers", None)
    if exc.status_code == 405:  # Starlette names the methods of the first route on the path only
        headers = (headers or {}) | {"Allow": ", ".join(_allowed(request))}
    title = _HTTP_TITLES.get(exc.status_code, N_("Error"))
    # Starlette's own errors carry the status phrase ("Not Found") as detail: the title says it in both languages.
    detail = title if exc.detail == HTTPStatus(exc.status_code).phrase else str(exc.detail)
    return problem_response(request, exc.status_code, title, detail, headers=headers)


def add_exception_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors, detail = _field_errors(exc.errors())
        return problem_response(request, 422, N_("Invalid request"), detail, errors)

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, exc: ValidationError) -> JSONResponse:
        # Input that passed the route's own schema but failed a domain model built from it.
        errors, detail = _field_errors(exc.errors())
        return problem_response(request, 422, N_("Invalid request"), detail, errors)

    app.add_exception_handler(StarletteHTTPException, http_problem)  # type: ignore[arg-type]  # Starlette's union

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug: the client still gets problem+json; the traceback goes to the log with the request id.
        return problem_response(request, 500, N_("Internal server error"),
                                N_("an unexpected error; it is logged with this request's X-Request-ID"))

    @app.exception_handler(DatabaseReplaced)
    async def _replaced(request: Request, exc: DatabaseReplaced) -> JSONResponse:
        return problem_response(request, 503, N_("Service unavailable"), str(exc))

    @app.exception_handler(OperationalError)
    async def _database_down(request: Request, exc: OperationalError) -> JSONResponse:
        if "disk is full" in str(exc) or "No space left" in str(exc):
            return problem_response(request, 507, N_("Insufficient storage"),
                                    N_("the database's disk is full: nothing was changed"))
        return problem_response(request, 503, N_("Service unavailable"),
                                N_("the database does not answer; retry shortly"), headers={"Retry-After": "5"})

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every pooled connection is in use for longer than POLICIES_POOL_TIMEOUT: say so at once.
        return problem_response(request, 503, N_("Service unavailable"),
                                N_("the service is busy: every database connection is in use; retry shortly"),
                                headers={"Retry-After": "1"})

    for error_type, (status, title) in DOMAIN_ERRORS.items():

        async def _domain(request: Request, exc: Exception, status: int = status, title: str = title) -> JSONResponse:
            return problem_response(request, status, title, _detail_of(exc), _domain_errors(exc))

        app.add_exception_handler(error_type, _domain)


def _allowed(request: Request) -> list[str]:
    """Every method some route answers on this path (HEAD wherever GET is: see api/middleware.py)."""
    routes = [route for route in request.app.router.routes if isinstance(route, BaseRoute)]
    methods = {method for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
               if any(route.matches(dict(request.scope, method=method))[0] is Match.FULL for route in routes)}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_HTTP_TITLES = {
    400: N_("Bad request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    412: N_("Precondition failed"),
    413: N_("Content too large"),
    415: N_("Unsupported media type"),
    428: N_("Precondition required"),
}

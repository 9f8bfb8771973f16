"""Every error leaves as application/problem+json (RFC 9457), naming the field at fault."""

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from matching.errors import DuplicateFirm, FirmNotFound, InvalidSweep, StaleFirm, UnknownMeasures, WebhookNotFound
from policies import errors as policy_errors
from policies.db import DatabaseReplaced
from policies.importing.formats import UnreadableFile
from policies.validation import field_path

PROBLEM_JSON = "application/problem+json"

DOMAIN_ERROR_STATUS: dict[type[Exception], int] = {
    policy_errors.MeasureNotFound: 404,
    policy_errors.RevisionNotFound: 404,
    policy_errors.ApiKeyNotFound: 404,
    policy_errors.DuplicateMeasure: 409,
    policy_errors.InvalidTransition: 409,
    policy_errors.StaleRevision: 412,
    policy_errors.IncompleteMeasure: 422,
    policy_errors.ImportRejected: 422,
    UnreadableFile: 400,
    UnknownMeasures: 422,
    FirmNotFound: 404,
    StaleFirm: 412,
    DuplicateFirm: 409,
    WebhookNotFound: 404,
    InvalidSweep: 422,
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


def problem_response(
    request: Request, status: int, title: str, detail: str, errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    slug = title.lower().replace(" ", "-")
    body = Problem(
        type=f"/problems/{slug}", title=title, status=status, detail=detail,
        instance=request.url.path, errors=errors or [],
    )
    return ProblemResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _title_of(exc: Exception) -> str:
    name = type(exc).__name__
    return "".join(f" {char}" if char.isupper() else char for char in name).strip().capitalize()


def _domain_errors(exc: Exception) -> list[FieldError]:
    if isinstance(exc, policy_errors.ImportRejected):
        return [FieldError(field=p.path, message=p.message, record=p.record, code=p.code) for p in exc.problems]
    if isinstance(exc, policy_errors.IncompleteMeasure):
        return [FieldError(field=f"body.{path}", message=message) for path, message in exc.problems]
    if isinstance(exc, InvalidSweep):
        return [FieldError(field="body.sweep.path", message=str(exc))]
    if isinstance(exc, UnknownMeasures):
        return [FieldError(field="body.measures", message=f"not a published measure: {code}") for code in exc.codes]
    return []


async def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """An HTTP error as problem+json; also installed on the mounted MCP app, which would answer text/plain."""
    headers: dict[str, Any] | None = getattr(exc, "headers", None)
    if exc.status_code == 405:  # Starlette names the methods of the first route on the path only
        headers = (headers or {}) | {"Allow": ", ".join(_allowed(request))}
    title = _HTTP_TITLES.get(exc.status_code, "Error")
    return problem_response(request, exc.status_code, title, str(exc.detail), headers=headers)


def add_exception_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [FieldError(field=field_path(item["loc"]), message=item["msg"]) for item in exc.errors()]
        first = errors[0].field if errors else "request"
        detail = f"{first}: {errors[0].message}" if errors else "the request is invalid"
        if len(errors) > 1:
            detail += f" (and {len(errors) - 1} more)"
        return problem_response(request, 422, "Invalid request", detail, errors)

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, exc: ValidationError) -> JSONResponse:
        # Input that passed the route's own schema but failed a domain model built from it.
        errors = [FieldError(field=field_path(item["loc"]), message=item["msg"]) for item in exc.errors()]
        detail = f"{errors[0].field}: {errors[0].message}" if errors else "the request is invalid"
        return problem_response(request, 422, "Invalid request", detail, errors)

    app.add_exception_handler(StarletteHTTPException, http_problem)  # type: ignore[arg-type]  # Starlette's union

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug: the client still gets problem+json; the traceback goes to the log with the request id.
        return problem_response(request, 500, "Internal server error",
                                "an unexpected error; it is logged with this request's X-Request-ID")

    @app.exception_handler(DatabaseReplaced)
    async def _replaced(request: Request, exc: DatabaseReplaced) -> JSONResponse:
        return problem_response(request, 503, "Service unavailable", str(exc))

    @app.exception_handler(OperationalError)
    async def _database_down(request: Request, exc: OperationalError) -> JSONResponse:
        if "disk is full" in str(exc) or "No space left" in str(exc):
            return problem_response(request, 507, "Insufficient storage",
                                    "the database's disk is full: nothing was changed")
        return problem_response(request, 503, "Service unavailable", "the database does not answer; retry shortly",
                                headers={"Retry-After": "5"})

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every pooled connection is in use for longer than POLICIES_POOL_TIMEOUT: say so at once.
        return problem_response(request, 503, "Service unavailable",
                                "the service is busy: every database connection is in use; retry shortly",
                                headers={"Retry-After": "1"})

    for error_type, status in DOMAIN_ERROR_STATUS.items():

        async def _domain(request: Request, exc: Exception, status: int = status) -> JSONResponse:
            return problem_response(request, status, _title_of(exc), str(exc), _domain_errors(exc))

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
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    428: "Precondition required",
}

"""What the OpenAPI document says beyond what FastAPI infers: how to authenticate, and the If-Match rule.

The key is declared once as security schemes, so Swagger UI has an Authorize button instead of a key
field in every operation. A PATCH or PUT needs If-Match (428 without it): the document says so and
gives its format, though the route checks it itself to answer 428 rather than a generic 422.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer <api key>`"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "the same key, in its own header"},
}
IF_MATCH = {"type": "string", "pattern": '^"[0-9]+"$', "examples": ['"3"']}


def _amend(document: dict[str, Any]) -> None:
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    # Either scheme, or none: the published catalogue and search are open; other operations answer 401/403.
    document["security"] = [{"bearer": []}, {"apiKey": []}, {}]
    for methods in document.get("paths", {}).values():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match":
                    parameter["required"] = method in ("patch", "put")
                    parameter["schema"] = IF_MATCH
                    parameter["description"] = ('the ETag read with the resource, e.g. "3" (its revision); '
                                                + ("412 if stale, 428 without" if parameter["required"]
                                                   else "412 if stale"))


def install(app: FastAPI) -> None:
    """Wrap `app.openapi` so the document is amended once, when first asked for."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            _amend(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]  # FastAPI's documented way to customise the schema

"""Request plumbing as plain ASGI middleware: request ids and JSON access logs, body limits, rate limits, metrics.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses and the mounted MCP app
pass through untouched.
"""

import json
import logging
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException

from api.auth import MalformedAuthorization, presented_key
from api.messages import MESSAGES
from api.ratelimit import TokenBuckets, VerifiedKeys
from policies.i18n import N_, Language, reader_language

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("supportmatch.access")
LATENCY = Histogram("supportmatch_request_seconds", "Request latency by route", ["method", "route", "status"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
REJECTED = Counter("supportmatch_rejected_total", "Requests refused before routing", ["reason"])


# NUL: PostgreSQL stores no text holding it, so it would fail deep inside a write (a 500, and an import
# whose dry run passed); SQLite would store it and export it to spreadsheets. It is refused at the door:
# in the path or query, raw in a body, or as JSON's (and YAML's) \u0000 escape, i.e. after an even run
# of backslashes. In CSV, "\u0000" is six characters of text, so only raw NUL counts there.
NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
NUL_REFUSED = N_("text may not contain the NUL character (U+0000)")


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _problem(send: Send, status: int, title: str, detail: str, headers: list[tuple[bytes, bytes]],
                   **values: Any) -> None:
    """A refusal before routing, as problem+json; `title` and `detail` are English messages, said in the reader's."""
    language = reader_language()
    body = json.dumps({"type": f"/problems/{title.lower().replace(' ', '-')}", "title": MESSAGES.say(language, title),
                       "status": status, "detail": _said(language, detail, values)}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"), *headers]})
    await send({"type": "http.response.body", "body": body})


def _said(language: Language, detail: str, values: dict[str, Any]) -> str:
    """`detail` in `language`, its values translated too when they are messages (NUL_REFUSED in "body: …")."""
    return MESSAGES.say(language, detail, **{name: MESSAGES.say(language, value) if isinstance(value, str) else value
                                              for name, value in values.items()})


def route_label(scope: Scope) -> str:
    """The matched route's template (`/v1/measures/{code}`), never the raw path: labels stay few."""
    if scope["path"].startswith("/mcp"):
        return "/mcp"
    template = getattr(scope.get("route"), "path", None)
    if template is None:
        return "(unmatched)"
    # Routes included under the /v1 router report their own path without the prefix.
    return f"/v1{template}" if scope["path"].startswith("/v1/") and not template.startswith("/v1") else template


def client_identity(scope: Scope, verified: VerifiedKeys) -> tuple[str, int | None]:
    """Who a rate limit counts, and the key's own limit: a verified key's public part, else the client address.

    Never the secret, and never a key nobody has verified: a forged key is its sender's address.
    """
    try:
        token = presented_key(header(scope, b"authorization"), header(scope, b"x-api-key"))
    except MalformedAuthorization:
        token = None
    known = verified.lookup(token) if token else None
    if known is not None:
        return "key:" + known[0], known[1]
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown"), None


def plumbing(app: ASGIApp, *, max_body: int, large_body_paths: dict[str, int], per_minute: int,
             verified: VerifiedKeys) -> ASGIApp:
    """Wrap the app: request id, body limit (413), rate limit (429 with Retry-After), metrics, access log."""
    buckets = TokenBuckets(per_minute) if per_minute > 0 else None

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request_id = header(scope, b"x-request-id") or uuid.uuid4().hex
        id_header = (b"x-request-id", request_id.encode("latin-1", "replace")[:128])
        limit = large_body_paths.get(scope["path"], max_body)
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            REJECTED.labels("body_too_large").inc()
            await _problem(send, 413, N_("Content too large"), N_("request bodies here are limited to {limit} bytes"),
                           [id_header], limit=limit)
            return
        if buckets is not None and scope["path"] not in ("/health", "/ready", "/metrics"):
            wait = buckets.take(*client_identity(scope, verified))
            if wait > 0:
                REJECTED.labels("rate_limited").inc()
                await _problem(send, 429, N_("Too many requests"), N_("slow down: this key's request rate is limited"),
                               [id_header, (b"retry-after", str(math.ceil(wait)).encode())])
                return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"").lower():
            REJECTED.labels("nul").inc()
            await _problem(send, 400, N_("Bad request"), N_("path and query: {problem}"), [id_header],
                           problem=NUL_REFUSED)
            return
        escapes_count = "csv" not in (header(scope, b"content-type") or "")
        tail = b""
        # HEAD is GET without the body (RFC 9110), for every GET route; FastAPI's routes answer it 405.
        head = scope["method"] == "HEAD" and not scope["path"].startswith("/mcp")
        if head:
            scope = dict(scope, method="GET")
        started = time.perf_counter()
        status = 500
        received = 0

        async def receive_within_limit() -> Message:
            """Count what arrives, for bodies sent in chunks without a Content-Length."""
            nonlocal received
            nonlocal tail
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    REJECTED.labels("body_too_large").inc()
                    # FastAPI re-raises HTTPException from a body read; the app's handler answers problem+json.
                    raise HTTPException(413, MESSAGES.say("en", "request bodies here are limited to {limit} bytes",
                                                          limit=limit))
                seen = tail + chunk  # an escape split between two chunks is still found
                if b"\x00" in chunk or (escapes_count and NUL_ESCAPE.search(seen)):
                    REJECTED.labels("nul").inc()
                    raise HTTPException(400, MESSAGES.say("en", "body: {problem}", problem=NUL_REFUSED))
                tail = seen[-32:]
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), id_header]
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        try:
            await app(scope, receive_within_limit, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_label(scope)
            LATENCY.labels(scope["method"], route, str(status)).observe(elapsed)
            access_log.info(json.dumps({"request_id": request_id, "method": scope["method"], "route": route,
                                        "path": scope["path"], "status": status, "ms": round(elapsed * 1000, 2),
                                        "caller": client_identity(scope, verified)[0]}))

    return middleware


class Plumbing:
    """`plumbing` in the shape `app.add_middleware` expects."""

    def __init__(self, app: ASGIApp, *, max_body: int, large_body_paths: dict[str, int], per_minute: int,
                 verified: VerifiedKeys) -> None:
        self._app = plumbing(app, max_body=max_body, large_body_paths=large_body_paths, per_minute=per_minute,
                             verified=verified)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

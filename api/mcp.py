"""The MCP server (official `mcp` SDK 2.x), mounted at /mcp over streamable HTTP.

Its tools call the same functions as the HTTP routes, so a chatbot gets the same
verdicts a portal does. Like the evaluation routes, it needs an API key (any
role): pass `Authorization: Bearer <key>` or `X-API-Key`. Answers are in the
language of the HTTP request's `Accept-Language`, as on the routes.

The tools are async only to set that language: the SDK runs a tool and converts its
result in one task per call, so the language set at the start of the call holds for
the conversion too; the work itself runs in a worker thread, as a plain tool's would.
"""

import datetime as dt
import functools
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import MalformedAuthorization, presented_key
from api.errors import http_problem, in_reader_language
from api.language import negotiate
from api.messages import MESSAGES
from api.params import AsOf, as_of_or_today
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.eligibility.rules import Verdict
from matching.errors import MatchingError
from matching.firm.profile import FirmProfile
from matching.ranking.evidence import MeasureEvidence, OutcomeBook
from matching.store import outcomes as outcome_store
from matching.store.catalogue import CatalogueHolder
from matching.store.outcome_stats import OutcomeBookHolder, peer_group
from matching.store.outcomes import OutcomeEvent, OutcomePublic, OutcomeSource, OutcomeWrite
from matching.usecases.assess import assess
from matching.usecases.match import Matcher, MatchOptions
from matching.usecases.search import SearchFilters, SearchHit, search
from matching.usecases.verdicts import check
from policies import curation, keys, reference
from policies.errors import MeasureNotFound, PoliciesError
from policies.i18n import READER, Language, reader_language
from policies.models import ApiKey
from policies.schemas import MeasurePublic
from policies.validation import field_path
from policies.vocabulary import Level, MeasureKind, MeasureStatus

INSTRUCTIONS = (
    "Look up Chinese SME support measures (subsidies, awards, loans, guarantees, tax relief, talent, vouchers). "
    "Use search_measures for plain-words questions, get_measure for details, check_eligibility and match_firm "
    "with a firm profile for verdicts, assess_ladder for the 专精特新 ladder. Relay verdicts as given. When a "
    "firm the portal keeps on file says it will not pursue a measure, note it with record_not_interested."
)

P = ParamSpec("P")
T = TypeVar("T")
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Services:
    """What the tools need, filled in by the app's lifespan."""

    engine: Engine
    catalogue: CatalogueHolder
    matcher: Matcher
    outcomes: OutcomeBookHolder
    language: Language = Language.zh  # for callers that send no Accept-Language (API_LANGUAGE)

    def snapshot(self) -> CatalogueSnapshot:
        with Session(self.engine) as session:
            return self.catalogue.current(session)

    def outcome_book(self) -> OutcomeBook:
        with Session(self.engine) as session:
            return self.outcomes.current(session)


class MatchLine(BaseModel):
    rank: int
    code: str
    title: str = Field(description="in the caller's language (Accept-Language)")
    verdict: str
    estimated_amount: int | None
    window_status: str
    missing: list[str]
    evidence: MeasureEvidence | None = Field(
        default=None, description="what firms on file got from the measure; null until at least 5 applied")


class VerdictLine(BaseModel):
    code: str
    title: str = Field(description="in the caller's language (Accept-Language)")
    verdict: Verdict
    window_status: str
    reasons: list[str]
    missing: list[str]
    to_confirm: list[str]


class RungLine(BaseModel):
    rung: str
    status: str
    held: bool
    regime: str
    score: float | None
    gaps: list[str]
    unlock_value: int


def _reading(ctx: Context, default: Language) -> Language:
    """The caller's language, set for the rest of this call (see the module's docstring)."""
    request = ctx.request_context.request
    headers = getattr(request, "headers", None)
    language = negotiate(headers.get("accept-language") if headers is not None else None, default)
    READER.set(language)
    return language


def _told(tool: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T | CallToolResult]]:
    """A tool whose refusals reach the caller as an error result saying why, in the caller's language.

    The SDK keeps any exception's text on the server but a ToolError's, and prefixes that with English
    ("Error executing tool …"); a result marked as an error is passed on as it is.
    """

    @functools.wraps(tool)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T | CallToolResult:
        try:
            return await tool(*args, **kwargs)
        except ValidationError as exc:  # names the argument at fault
            first = exc.errors()[0]
            said = f"{field_path(first['loc'])}: {in_reader_language(first['msg'], reader_language())}"
        except (ValueError, MatchingError, PoliciesError) as exc:
            said = in_reader_language(str(exc), reader_language())
        return CallToolResult(content=[TextContent(type="text", text=said)], is_error=True)

    return run


def build_mcp(services: Services) -> MCPServer:
    server: MCPServer = MCPServer(name="supportmatch", instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool()
    @_told
    async def search_measures(ctx: Context, query: str, region: str | None = None,
                              kinds: list[MeasureKind] | None = None, levels: list[Level] | None = None,
                              open_now: bool = False, limit: int = 5, as_of: AsOf | None = None) -> list[SearchHit]:
        """Find published measures by plain words in Chinese or English, e.g. '温州 小巨人 奖励'.

        `as_of` (YYYY-MM-DD, default today) is the date `open_now` and the measures in force are judged on."""
        _reading(ctx, services.language)
        if region is not None:
            reference.check_region(region)

        def run() -> list[SearchHit]:
            snapshot = services.snapshot()
            vector = services.matcher.query_vector(query)
            filters = SearchFilters(region=region, kinds=kinds, levels=levels, open_now=open_now,
                                    as_of=as_of_or_today(as_of))
            return search(snapshot, query, vector, filters, limit=max(1, min(limit, 20)),
                          fusion=services.matcher.search_fusion).hits

        return await anyio.to_thread.run_sync(run)

    @server.tool()
    @_told
    async def get_measure(ctx: Context, code: str) -> MeasurePublic:
        """One published measure with who qualifies, the benefit, the window, legal basis and source link."""
        _reading(ctx, services.language)

        def run() -> MeasurePublic:
            with Session(services.engine) as session:
                measure = curation.get_measure(session=session, code=code)
                if measure.status != MeasureStatus.published:
                    raise MeasureNotFound(code)
                return curation.measure_public(measure)

        return await anyio.to_thread.run_sync(run)

    @server.tool()
    @_told
    async def match_firm(ctx: Context, profile: FirmProfile, limit: int = 5,
                         as_of: AsOf | None = None) -> list[MatchLine]:
        """The measures worth most to this firm, eligible first, with what is missing, as of `as_of`
        (YYYY-MM-DD, default today)."""
        chinese = _reading(ctx, services.language) is Language.zh
        matcher = services.matcher
        options = MatchOptions(as_of=as_of_or_today(as_of), limit=max(1, min(limit, 20)), fusion=matcher.fusion,
                               closing_soon_days=matcher.closing_soon_days)

        def run() -> list[MatchLine]:
            result = matcher.match(services.snapshot(), profile, options)
            book, group = services.outcome_book(), peer_group(profile, options.as_of)
            return [MatchLine(rank=item.rank, code=item.code, title=item.title_zh if chinese else item.title_en,
                              verdict=str(item.verdict), estimated_amount=item.estimated_benefit.amount,
                              window_status=item.window.status, missing=item.missing,
                              evidence=book.evidence(item.code, group)) for item in result.items]

        return await anyio.to_thread.run_sync(run)

    @server.tool()
    @_told
    async def check_eligibility(ctx: Context, profile: FirmProfile, codes: list[str] | None = None,
                                as_of: AsOf | None = None) -> list[VerdictLine]:
        """Verdicts with reasons for this firm: the listed measures, or every one it may qualify for, as of
        `as_of` (YYYY-MM-DD, default today)."""
        chinese = _reading(ctx, services.language) is Language.zh
        report = await anyio.to_thread.run_sync(lambda: check(
            services.snapshot(), profile, as_of=as_of_or_today(as_of), codes=codes,
            closing_soon_days=services.matcher.closing_soon_days))
        return [VerdictLine(code=r.code, title=r.title_zh if chinese else r.title_en, verdict=r.verdict,
                            window_status=r.window.status, reasons=r.reasons_zh if chinese else r.reasons,
                            missing=r.missing,
                            to_confirm=[(item.text_zh or item.text) if chinese else item.text for item in r.to_confirm])
                for r in report.results]

    @server.tool()
    @_told
    async def assess_ladder(ctx: Context, profile: FirmProfile, as_of: AsOf | None = None) -> list[RungLine]:
        """Each rung of the 专精特新 ladder under the rules in force on `as_of` (YYYY-MM-DD, default today), with
        gaps and what it would unlock."""
        chinese = _reading(ctx, services.language) is Language.zh
        report = await anyio.to_thread.run_sync(lambda: assess(services.snapshot(), profile,
                                                               as_of=as_of_or_today(as_of), purpose="new"))
        return [RungLine(rung=r.assessment.rung, status=r.assessment.status, held=r.assessment.held,
                         regime=r.assessment.regime, score=r.assessment.score,
                         gaps=(r.assessment.gaps_zh if chinese else r.assessment.gaps)[:5],
                         unlock_value=r.unlock_value) for r in report.rungs]

    @server.tool()
    @_told
    async def record_not_interested(ctx: Context, firm_id: int, measure_code: str,
                                    reason: str | None = None) -> OutcomePublic:
        """Note that a firm your portal keeps on file (its id in /v1/firms) will not pursue a measure it was
        shown, with its reason if it gave one: the outcome the service learns from, in the firm's history."""
        _reading(ctx, services.language)
        headers = getattr(ctx.request_context.request, "headers", None)

        def run() -> OutcomePublic:
            with Session(services.engine) as session:
                caller = _caller(session, headers)
                data = OutcomeWrite(measure_code=measure_code, event=OutcomeEvent.not_pursued,
                                    occurred_on=dt.date.today(), reason=reason)
                outcome = outcome_store.record(session, caller.tenant or "", firm_id, data, keys.actor_name(caller),
                                               source=OutcomeSource.chatbot)
                return outcome_store.public(outcome)

        return await anyio.to_thread.run_sync(run)

    return server


def _caller(session: Session, headers: Any) -> ApiKey:
    """The key this call came with (the endpoint's guard let only live ones through): its tenant and name."""
    plain = presented_key(headers.get("authorization"), headers.get("x-api-key")) if headers is not None else None
    key = keys.authenticate(session, plain or "")
    if key is None:  # revoked between the guard and the call
        raise MatchingError(MESSAGES.say("en", "the MCP endpoint needs an API key"))
    return key


def mcp_app(server: MCPServer, services: Services) -> ASGIApp:
    """The streamable-HTTP app behind an API-key check."""
    inner = server.streamable_http_app(
        streamable_http_path="/",
        # API keys guard the endpoint, and behind a load balancer the Host header is the service's own name.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    inner.add_exception_handler(StarletteHTTPException, http_problem)  # type: ignore[arg-type]  # Starlette's union

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not await anyio.to_thread.run_sync(_authorised, services, scope):
            language = reader_language()
            body = {"type": "/problems/unauthorized", "title": MESSAGES.say(language, "Unauthorized"), "status": 401,
                    "detail": MESSAGES.say(language, "the MCP endpoint needs an API key")}
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"content-type", b"application/problem+json"),
                                    (b"www-authenticate", b"Bearer")]})
            await send({"type": "http.response.body", "body": json.dumps(body, ensure_ascii=False).encode()})
            return
        await inner(scope, receive, send)

    return guarded


def _authorised(services: Services, scope: Scope) -> bool:
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    try:
        plain = presented_key(headers.get("authorization"), headers.get("x-api-key"))
    except MalformedAuthorization:
        return False
    if not plain:
        return False
    with Session(services.engine) as session:
        return keys.authenticate(session, plain) is not None

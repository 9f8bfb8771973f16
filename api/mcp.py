"""The MCP server (official `mcp` SDK 2.x), mounted at /mcp over streamable HTTP.

Its tools call the same functions as the HTTP routes, so a chatbot gets the same
verdicts a portal does. Like the evaluation routes, it needs an API key (any
role): pass `Authorization: Bearer <key>` or `X-API-Key`.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import MalformedAuthorization, presented_key
from api.errors import http_problem
from api.params import AsOf, as_of_or_today
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.eligibility.rules import Verdict
from matching.firm.profile import FirmProfile
from matching.store.catalogue import CatalogueHolder
from matching.usecases.assess import assess
from matching.usecases.match import Matcher, MatchOptions
from matching.usecases.search import SearchFilters, SearchHit, search
from matching.usecases.verdicts import check
from policies import curation, keys, reference
from policies.errors import MeasureNotFound
from policies.schemas import MeasurePublic
from policies.vocabulary import Level, MeasureKind, MeasureStatus

INSTRUCTIONS = (
    "Look up Chinese SME support measures (subsidies, awards, loans, guarantees, tax relief, talent, vouchers). "
    "Use search_measures for plain-words questions, get_measure for details, check_eligibility and match_firm "
    "with a firm profile for verdicts, assess_ladder for the 专精特新 ladder. Relay verdicts as given."
)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Services:
    """What the tools need, filled in by the app's lifespan."""

    engine: Engine
    catalogue: CatalogueHolder
    matcher: Matcher

    def snapshot(self) -> CatalogueSnapshot:
        with Session(self.engine) as session:
            return self.catalogue.current(session)


class MatchLine(BaseModel):
    rank: int
    code: str
    title_en: str
    verdict: str
    estimated_amount: int | None
    window_status: str
    missing: list[str]


class VerdictLine(BaseModel):
    code: str
    title_en: str
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


def build_mcp(services: Services) -> MCPServer:
    server: MCPServer = MCPServer(name="supportmatch", instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool()
    def search_measures(query: str, region: str | None = None, kinds: list[MeasureKind] | None = None,
                        levels: list[Level] | None = None, open_now: bool = False, limit: int = 5,
                        as_of: AsOf | None = None) -> list[SearchHit]:
        """Find published measures by plain words in Chinese or English, e.g. '温州 小巨人 奖励'.

        `as_of` (YYYY-MM-DD, default today) is the date `open_now` and the measures in force are judged on."""
        snapshot = services.snapshot()
        vector = services.matcher.query_vector(query)
        if region is not None:
            reference.check_region(region)  # a ValueError becomes the tool's error message
        filters = SearchFilters(region=region, kinds=kinds, levels=levels, open_now=open_now, as_of=as_of_or_today(as_of))
        return search(snapshot, query, vector, filters, limit=max(1, min(limit, 20)),
                      fusion=services.matcher.search_fusion).hits

    @server.tool()
    def get_measure(code: str) -> MeasurePublic:
        """One published measure with who qualifies, the benefit, the window, legal basis and source link."""
        with Session(services.engine) as session:
            measure = curation.get_measure(session=session, code=code)
            if measure.status != MeasureStatus.published:
                raise MeasureNotFound(code)
            return curation.measure_public(measure)

    @server.tool()
    def match_firm(profile: FirmProfile, limit: int = 5, as_of: AsOf | None = None) -> list[MatchLine]:
        """The measures worth most to this firm, eligible first, with what is missing, as of `as_of`
        (YYYY-MM-DD, default today)."""
        matcher = services.matcher
        result = matcher.match(services.snapshot(), profile,
                               MatchOptions(as_of=as_of_or_today(as_of), limit=max(1, min(limit, 20)), fusion=matcher.fusion,
                                            closing_soon_days=matcher.closing_soon_days))
        return [MatchLine(rank=item.rank, code=item.code, title_en=item.title_en, verdict=str(item.verdict),
                          estimated_amount=item.estimated_benefit.amount, window_status=item.window.status,
                          missing=item.missing) for item in result.items]

    @server.tool()
    def check_eligibility(profile: FirmProfile, codes: list[str] | None = None,
                          as_of: AsOf | None = None) -> list[VerdictLine]:
        """Verdicts with reasons for this firm: the listed measures, or every one it may qualify for, as of
        `as_of` (YYYY-MM-DD, default today)."""
        report = check(services.snapshot(), profile, as_of=as_of_or_today(as_of), codes=codes,
                       closing_soon_days=services.matcher.closing_soon_days)
        return [VerdictLine(code=r.code, title_en=r.title_en, verdict=r.verdict, window_status=r.window.status,
                            reasons=r.reasons, missing=r.missing, to_confirm=[item.text for item in r.to_confirm])
                for r in report.results]

    @server.tool()
    def assess_ladder(profile: FirmProfile, as_of: AsOf | None = None) -> list[RungLine]:
        """Each rung of the 专精特新 ladder under the rules in force on `as_of` (YYYY-MM-DD, default today), with
        gaps and what it would unlock."""
        report = assess(services.snapshot(), profile, as_of=as_of_or_today(as_of), purpose="new")
        return [RungLine(rung=r.assessment.rung, status=r.assessment.status, held=r.assessment.held,
                         regime=r.assessment.regime, score=r.assessment.score, gaps=r.assessment.gaps[:5],
                         unlock_value=r.unlock_value) for r in report.rungs]

    return server


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
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"content-type", b"application/problem+json"),
                                    (b"www-authenticate", b"Bearer")]})
            await send({"type": "http.response.body",
                        "body": b'{"type":"/problems/unauthorized","title":"Unauthorized","status":401,'
                                b'"detail":"the MCP endpoint needs an API key"}'})
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

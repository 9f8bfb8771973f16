"""Webhooks for portals, and the catalogue's change feed."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from api.auth import PortalDep, PrincipalDep
from api.deps import DeliveryPolicyDep, SessionDep
from api.errors import PROBLEMS
from api.openapi_examples import example
from api.params import Id
from api.routing import ReleasingRoute
from matching.notifications import subscriptions, targets
from policies.keys import Role
from policies.schemas import StoredUrl, UtcDateTime

router = APIRouter(route_class=ReleasingRoute, tags=["changes"])


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"url": "https://portal.example.cn/hooks/supportmatch"}]})

    url: StoredUrl
    secret: str | None = Field(default=None, min_length=16, max_length=200,
                               description="used to sign deliveries; generated when omitted")


class WebhookPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    active: bool
    created_at: UtcDateTime


class WebhookCreated(WebhookPublic):
    secret: str = Field(description="shown this once: verify X-Supportmatch-Signature with it")


class DeliveryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    topic: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    log: list[dict[str, Any]]
    created_at: UtcDateTime
    delivered_at: UtcDateTime | None


class Change(BaseModel):
    id: int
    at: UtcDateTime
    topic: str
    code: str
    title_en: str | None = Field(description="the measure's title as it stands now; null if it no longer exists")
    title_zh: str | None
    revision: int | None
    status: str | None


class ChangeFeed(BaseModel):
    changes: list[Change]
    next_cursor: int = Field(description="pass as `since` to continue")


@router.post("/webhooks", status_code=201, response_model=WebhookCreated, responses=PROBLEMS | example("create_webhook", 201), summary="Subscribe")
def create_webhook(data: WebhookCreate, session: SessionDep, principal: PortalDep,
                   policy: DeliveryPolicyDep) -> WebhookCreated:
    """Receive signed events about this portal's firms: measures published or changed that they qualify for,
    and verdicts that flipped when a firm's profile changed."""
    try:  # again at every delivery, on the address the name then resolves to
        targets.check_registration(str(data.url), allow_private=policy.allow_private)
    except targets.RefusedTarget as exc:
        raise RequestValidationError([{"loc": ("body", "url"), "msg": str(exc), "type": "value_error"}]) from None
    hook = subscriptions.subscribe(session, principal.tenant or "", str(data.url), data.secret, principal.actor)
    return WebhookCreated.model_validate(WebhookPublic.model_validate(hook).model_dump() | {"secret": hook.secret})


@router.get("/webhooks", response_model=list[WebhookPublic], responses=PROBLEMS | example("list_webhooks"), summary="List subscriptions")
def list_webhooks(session: SessionDep, principal: PortalDep) -> list[WebhookPublic]:
    """This portal's active webhooks (never their secrets)."""
    return [WebhookPublic.model_validate(row) for row in subscriptions.active(session, principal.tenant)]


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=PROBLEMS, summary="Unsubscribe")
def delete_webhook(webhook_id: Id, session: SessionDep, principal: PortalDep) -> Response:
    """Stop deliveries; pending ones are cancelled, the log is kept."""
    subscriptions.unsubscribe(session, principal.tenant, webhook_id, principal.actor)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryPublic], responses=PROBLEMS | example("list_deliveries"),
            summary="Delivery log")
def list_deliveries(
    webhook_id: Id, session: SessionDep, principal: PortalDep, limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryPublic]:
    """Every delivery to this webhook, newest first, with each attempt."""
    return [DeliveryPublic.model_validate(row)
            for row in subscriptions.deliveries(session, principal.tenant, webhook_id, limit)]


@router.get("/changes", response_model=ChangeFeed, responses=PROBLEMS | example("change_feed"), summary="Catalogue change feed")
def change_feed(
    session: SessionDep, principal: PrincipalDep,
    since: Annotated[int, Query(ge=0, le=2**31 - 1, description="cursor from the last page; 0 for the start")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ChangeFeed:
    """Changes to the catalogue in commit order. Without a curator key, only changes that leave a measure
    published or archived."""
    rows = subscriptions.measure_changes(session, since, limit)
    public = principal.at_least(Role.curator)
    shown = [row for row in rows if public or row.payload.get("status") in ("published", "archived")]
    titles = subscriptions.measure_titles(session, [row.entity_ref for row in shown])
    changes = [Change(id=row.id or 0, at=row.created_at, topic=row.topic, code=row.entity_ref,
                      title_en=titles.get(row.entity_ref, (None, None))[0],
                      title_zh=titles.get(row.entity_ref, (None, None))[1],
                      revision=row.payload.get("revision"), status=row.payload.get("status"))
               for row in shown]
    return ChangeFeed(changes=changes, next_cursor=(rows[-1].id or since) if rows else since)

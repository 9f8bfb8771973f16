"""API keys, for admins: create (shown once), list, revoke."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.auth import AdminDep
from api.deps import SessionDep
from api.errors import PROBLEMS
from api.openapi_examples import example
from api.params import Id
from api.routing import ReleasingRoute
from policies import keys, repository
from policies.keys import Role
from policies.schemas import UtcDateTime

router = APIRouter(route_class=ReleasingRoute, prefix="/keys", tags=["access"])


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"role": "portal", "label": "Ningbo enterprise portal", "tenant": "ningbo-portal"}]})

    role: Role
    label: str = Field(min_length=1, max_length=120, description="who or what uses the key")
    tenant: str | None = Field(default=None, min_length=1, max_length=120,
                               description="who owns the firms stored with this key; default: the key alone")
    rate_limit_per_minute: int | None = Field(
        default=None, ge=1, le=1_000_000,
        description="requests a minute this key may send; default: the deployment's API_RATE_LIMIT_PER_MINUTE")


class KeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str
    role: Role
    label: str
    tenant: str
    rate_limit_per_minute: int | None
    created_at: UtcDateTime
    created_by: str
    revoked_at: UtcDateTime | None


class KeyCreated(KeyPublic):
    key: str = Field(description="the key itself; shown this once and never again")


@router.post("", status_code=201, response_model=KeyCreated, responses=PROBLEMS | example("create_key", 201), summary="Create a key")
def create_key(data: KeyCreate, session: SessionDep, principal: AdminDep) -> KeyCreated:
    """Create an API key. The response is the only time the key is shown."""
    key, plain = keys.create_key(session=session, role=data.role, label=data.label, actor=principal.actor,
                                 tenant=data.tenant, rate_limit_per_minute=data.rate_limit_per_minute)
    return KeyCreated.model_validate(KeyPublic.model_validate(key).model_dump() | {"key": plain})


@router.get("", response_model=list[KeyPublic], responses=PROBLEMS | example("list_keys"), summary="List keys")
def list_keys(session: SessionDep, _: AdminDep) -> list[KeyPublic]:
    """Every key with its role and state; never the key itself."""
    return [KeyPublic.model_validate(key) for key in repository.list_keys(session)]


@router.delete("/{key_id}", response_model=KeyPublic, responses=PROBLEMS | example("revoke_key"), summary="Revoke a key")
def revoke_key(key_id: Id, session: SessionDep, principal: AdminDep) -> KeyPublic:
    """Revoke a key at once; revoking twice is harmless."""
    return KeyPublic.model_validate(keys.revoke_key(session=session, key_id=key_id, actor=principal.actor))

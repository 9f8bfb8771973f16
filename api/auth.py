"""Who is calling: an API key in `Authorization: Bearer` or `X-API-Key`, or nobody.

No key reads the published catalogue. A key that is wrong or revoked is refused
outright rather than treated as no key, so a misconfigured client finds out.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, params

from api.deps import SessionDep, VerifiedKeysDep
from api.messages import MESSAGES
from policies import keys
from policies.i18n import N_
from policies.keys import ROLE_RANK, Role


@dataclass(frozen=True)
class Principal:
    role: Role | None
    actor: str
    tenant: str | None = None

    def at_least(self, role: Role) -> bool:
        return self.role is not None and ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def owner(self) -> str:
        """The tenant whose firms and outcomes this key keeps: a live key always has one."""
        assert self.tenant is not None
        return self.tenant


ANONYMOUS = Principal(role=None, actor="anonymous")


class MalformedAuthorization(ValueError):
    """An Authorization header that is not `Bearer <api key>`."""


def presented_key(authorization: str | None, x_api_key: str | None) -> str | None:
    """The key a caller presents: the Bearer token, else `X-API-Key`; None when there is neither.

    The one reading of the headers, for the routes, the MCP guard and the rate limiter alike.
    """
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise MalformedAuthorization(authorization)
        return token.strip()
    return x_api_key or None


def get_principal(
    session: SessionDep,
    verified: VerifiedKeysDep,
    # Documented once as the security schemes (api/openapi.py), not as a parameter of every operation.
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    try:
        plain = presented_key(authorization, x_api_key)
    except MalformedAuthorization:
        raise HTTPException(401, N_("Authorization must be 'Bearer <api key>'"), {"WWW-Authenticate": "Bearer"}) from None
    if plain is None:
        return ANONYMOUS
    key = keys.authenticate(session, plain)
    if key is None:
        raise HTTPException(401, N_("the API key is unknown or revoked"), {"WWW-Authenticate": "Bearer"})
    principal = Principal(role=Role(key.role), actor=keys.actor_name(key), tenant=key.tenant or f"key-{key.prefix}")
    verified.remember(plain, key.prefix, key.rate_limit_per_minute)  # from now on the limiter counts it as itself
    # End the read transaction now: on SQLite it holds the write lock, and the
    # route may read a large body or build a snapshot before it writes anything.
    # (The key is read before the commit: reading it after would reload it in a new transaction.)
    session.commit()
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(role: Role) -> params.Depends:
    async def _check(principal: PrincipalDep) -> Principal:  # no I/O: runs on the event loop, not in a thread
        if principal.role is None:
            raise HTTPException(401, MESSAGES.say("en", "this needs an API key with the {role} role", role=role.value),
                                {"WWW-Authenticate": "Bearer"})
        if not principal.at_least(role):
            raise HTTPException(403, MESSAGES.say("en", "this needs the {role} role; the key has {held}", role=role.value,
                                                   held=principal.role.value))
        return principal

    return params.Depends(_check)


PortalDep = Annotated[Principal, require(Role.portal)]
CuratorDep = Annotated[Principal, require(Role.curator)]
AdminDep = Annotated[Principal, require(Role.admin)]

"""API keys: created with a role, stored as a hash, shown once, revocable.

Keys are 32 random bytes, so a fast SHA-256 is enough: there is nothing to
brute-force that a slow password hash would protect.
"""

import hashlib
import secrets
from enum import StrEnum

from sqlmodel import Session

from policies import repository
from policies.db import utcnow
from policies.errors import ApiKeyNotFound
from policies.models import ApiKey, AuditEvent

KEY_PREFIX = "sm_"


class Role(StrEnum):
    """Roles in increasing power; each role may do what the ones below it may."""

    portal = "portal"
    curator = "curator"
    admin = "admin"


ROLE_RANK: dict[Role, int] = {Role.portal: 1, Role.curator: 2, Role.admin: 3}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(
    *, session: Session, role: Role, label: str, actor: str, tenant: str | None = None,
    rate_limit_per_minute: int | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with its plain text, which is never stored.

    A portal's tenant owns the firms it stores; keys of one tenant share them, so
    a portal can rotate its key without losing its firms. Without one, the key is
    its own tenant: two portals never share firms by accident.
    """
    public_part = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}{public_part}_{secrets.token_urlsafe(32)}"
    key = ApiKey(prefix=public_part, key_hash=hash_key(plain), role=role.value, label=label, created_by=actor,
                 tenant=tenant or f"key-{public_part}", rate_limit_per_minute=rate_limit_per_minute)
    session.add(key)
    session.flush()
    repository.add_audit_event(
        session,
        AuditEvent(actor=actor, action="key.create", entity="api_key", entity_ref=public_part,
                   detail={"role": role.value, "label": label, "rate_limit_per_minute": rate_limit_per_minute}),
    )
    session.commit()
    return key, plain


def authenticate(session: Session, plain: str) -> ApiKey | None:
    """The live key matching this plain text, or None (unknown or revoked)."""
    if not plain.startswith(KEY_PREFIX):
        return None
    key = repository.get_key_by_hash(session, hash_key(plain))
    if key is None or key.revoked_at is not None:
        return None
    return key


def revoke_key(*, session: Session, key_id: int, actor: str) -> ApiKey:
    key = repository.get_key(session, key_id)
    if key is None:
        raise ApiKeyNotFound(key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        repository.add_audit_event(
            session,
            AuditEvent(actor=actor, action="key.revoke", entity="api_key", entity_ref=key.prefix, detail={}),
        )
        session.commit()
    return key


ACTOR_LENGTH = 120  # the actor columns (audit events, revisions, created_by) are String(120)


def actor_name(key: ApiKey) -> str:
    """How a key appears in revisions and audit events: never the secret, only its public part.

    A label may itself be 120 characters, so it is cut to leave room for the prefix, which identifies the key.
    """
    suffix = f" (key {key.prefix})"
    return key.label[: ACTOR_LENGTH - len(suffix)] + suffix

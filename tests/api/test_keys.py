"""Admins manage keys; keys are shown once and stored hashed."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from policies.keys import Role
from policies.models import ApiKey, AuditEvent


def test_admin_creates_lists_and_revokes(
    client: TestClient, engine: Engine, auth: Callable[[Role], dict[str, str]]
) -> None:
    admin = auth(Role.admin)
    created = client.post("/v1/keys", json={"role": "portal", "label": "Ningbo portal"}, headers=admin)
    assert created.status_code == 201
    plain = created.json()["key"]
    portal = {"X-API-Key": plain}

    listed = client.get("/v1/keys", headers=admin).json()
    assert all("key" not in row for row in listed)
    assert [row["label"] for row in listed] == ["test admin", "Ningbo portal"]
    with Session(engine) as session:
        stored = session.exec(select(ApiKey).where(ApiKey.label == "Ningbo portal")).one()
        assert plain not in (stored.key_hash, stored.prefix)
        assert len(stored.key_hash) == 64

    assert client.get("/v1/measures", headers=portal).status_code == 200
    revoked = client.delete(f"/v1/keys/{created.json()['id']}", headers=admin)
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/v1/measures", headers=portal).status_code == 401

    with Session(engine) as session:
        actions = [event.action for event in session.exec(select(AuditEvent)).all()]
    assert actions.count("key.revoke") == 1


def test_only_admins_touch_keys(client: TestClient, auth: Callable[[Role], dict[str, str]]) -> None:
    assert client.get("/v1/keys").status_code == 401
    assert client.get("/v1/keys", headers=auth(Role.curator)).status_code == 403
    assert client.post("/v1/keys", json={"role": "admin", "label": "x"}, headers=auth(Role.portal)).status_code == 403


def test_unknown_role_is_refused(client: TestClient, auth: Callable[[Role], dict[str, str]]) -> None:
    response = client.post("/v1/keys", json={"role": "root", "label": "x"}, headers=auth(Role.admin))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.role"

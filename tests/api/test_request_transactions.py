"""A request holds no transaction (nor, on SQLite, the write lock) longer than the database work needs.

Found by tests/e2e/test_soak.py: with 50 concurrent clients on SQLite, requests failed with "database is
locked" (and the connection pool ran dry) after the 30 s timeout. Every transaction took SQLite's write
lock (BEGIN IMMEDIATE), reads included, and a request kept its transaction open from its first query
until its response was sent: across the catalogue check and the matching that follows it, and while
waiting for a worker thread to validate the response. With all the worker threads busy waiting for that
lock, the holder could not get one to finish.
"""

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from starlette.requests import Request

from api.auth import get_principal
from api.deps import get_catalogue, get_session
from api.ratelimit import VerifiedKeys
from matching.store.catalogue import CatalogueHolder
from matching.text.embeddings import Encoder
from policies import keys
from policies.db import database_identity
from policies.keys import Role
from policies.models import SupportMeasure


def _request(method: str, **state: object) -> Request:
    return Request({"type": "http", "method": method, "path": "/", "headers": [], "state": state})


@contextmanager
def _request_session(method: str, engine: Engine) -> Iterator[Session]:
    """The session FastAPI would give a request (get_session is an async generator: it does no I/O)."""
    loop = asyncio.new_event_loop()
    sessions = get_session(_request(method, database_identity=database_identity(engine)), engine)
    try:
        yield loop.run_until_complete(anext(sessions))
    finally:
        loop.run_until_complete(sessions.aclose())
        loop.close()


def _write_locked(engine: Engine) -> bool:
    """Whether some connection holds SQLite's write lock: another writer could not begin now."""
    assert engine.url.database is not None
    probe = sqlite3.connect(Path(engine.url.database), timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def test_a_get_request_reads_without_taking_the_sqlite_write_lock(sample_engine: Engine) -> None:
    if sample_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking: PostgreSQL readers never lock out writers")
    with _request_session("GET", sample_engine) as session:
        assert session.exec(select(func.count()).select_from(SupportMeasure)).one() > 100
        assert session.in_transaction() and not _write_locked(sample_engine)
    with _request_session("POST", sample_engine) as session:  # writers still queue, from their first query
        session.exec(select(func.count()).select_from(SupportMeasure)).one()
        assert _write_locked(sample_engine)
    assert not _write_locked(sample_engine)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_catalogue_check_ends_its_transaction(sample_engine: Engine, encoder: Encoder, method: str) -> None:
    holder = CatalogueHolder(encoder)
    with _request_session(method, sample_engine) as session:
        snapshot = get_catalogue(_request(method, catalogue=holder), session)
        assert len(snapshot.measures) > 100
        assert not session.in_transaction()  # nor its connection, nor (POST on SQLite) the write lock
        again = get_catalogue(_request(method, catalogue=holder), session)  # the usual case: no rebuild
        assert again is snapshot and not session.in_transaction()


def test_authenticating_leaves_no_transaction_open(engine: Engine) -> None:
    """The key lookup commits at once; reading the key after that commit would reload it in a new one."""
    with Session(engine) as session:
        _, plain = keys.create_key(session=session, role=Role.portal, label="portal", actor="test")
    with Session(engine) as session:  # expire_on_commit, as sessions have by default
        principal = get_principal(session, VerifiedKeys(), authorization=None, x_api_key=plain)
        assert not session.in_transaction()
    assert principal.role is Role.portal and principal.actor.startswith("portal (key ")

"""Faults of the database under a running service: a deleted file, a full disk, a database that is down."""

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.config import ApiSettings
from api.errors import add_exception_handlers
from api.main import create_app
from api.routes import health
from matching.text.embeddings import Encoder
from policies.db import database_identity, make_engine
from policies.keys import Role
from tests.conftest import Databases
from tests.factories import key_headers


@pytest.fixture
def sqlite_file(databases: Databases, sample_db: str, tmp_path: Path) -> Iterator[Engine]:
    if databases.server_url is not None:
        pytest.skip("a file that can be deleted: SQLite only")
    url = databases.copy(sample_db)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_a_deleted_database_file_is_noticed_by_ready_and_refuses_writes(sqlite_file: Engine,
                                                                         encoder: Encoder) -> None:
    """SQLite kept writing to the unlinked file (201 for changes that the next start would not have)."""
    curator = key_headers(sqlite_file, Role.curator, "faults")
    app = create_app(engine=sqlite_file, settings=ApiSettings(load_sample=False, webhook_interval=0), encoder=encoder)
    with TestClient(app) as client:
        assert client.get("/ready").status_code == 200
        path = Path(str(sqlite_file.url.database))
        path.unlink()
        assert database_identity(sqlite_file) == "missing"
        assert client.get("/ready").status_code == 503
        write = client.post("/v1/measures", json={"code": "AFTER-DELETE"}, headers=curator)
        assert write.status_code == 503, write.text
        assert write.headers["content-type"] == "application/problem+json"
        assert "已被删除或替换" in write.json()["detail"]  # Chinese: the default language


@pytest.fixture
def database_errors() -> Iterator[TestClient]:
    app = FastAPI()
    add_exception_handlers(app)

    @app.post("/full")
    def full() -> None:
        raise OperationalError("INSERT …", {}, Exception("database or disk is full"))

    @app.get("/busy")
    def busy() -> None:
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    @app.get("/down")
    def down() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_a_full_disk_is_a_507_problem_and_a_database_down_a_503(database_errors: TestClient) -> None:
    full = database_errors.post("/full")
    assert full.status_code == 507 and full.headers["content-type"] == "application/problem+json"
    down = database_errors.get("/down")
    assert down.status_code == 503 and down.headers["retry-after"] == "5"
    assert "connection refused" not in down.text  # nothing of the database's internals


def test_ready_says_not_ready_when_the_disk_is_nearly_full(sqlite_file: Engine, encoder: Encoder,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk answered 500 to writes while /ready stayed 200; now the load balancer hears of it first."""
    app = create_app(engine=sqlite_file, settings=ApiSettings(load_sample=False, webhook_interval=0), encoder=encoder)
    with TestClient(app) as client:
        assert client.get("/ready").status_code == 200
        monkeypatch.setattr(health.shutil, "disk_usage", lambda _: SimpleNamespace(free=10 * 2**20))
        assert client.get("/ready").status_code == 503


def test_a_pool_that_stays_exhausted_is_a_503_at_once(database_errors: TestClient) -> None:
    busy = database_errors.get("/busy")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert busy.headers["content-type"] == "application/problem+json" and "QueuePool" not in busy.text

"""Shared fixtures: a database built by the migrations, copied fresh for every test.

On SQLite (the default) a template file is copied; with TEST_DATABASE_URL pointing
at PostgreSQL, each test gets `CREATE DATABASE … TEMPLATE …`. Either way a copy
costs milliseconds and gives each test real commits and real concurrent
connections, which the per-test-rollback recipe cannot (two racing writers need
two transactions).
"""

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.config import ApiSettings, get_api_settings
from api.main import create_app
from matching.config import MatchingSettings
from matching.store.catalogue import load_snapshot
from matching.text.embeddings import Encoder
from policies import keys
from policies.db import make_engine
from policies.importing.loader import import_records, read_directory
from policies.keys import Role
from policies.migrate import upgrade_database

ROOT = Path(__file__).resolve().parent.parent
# Servers started by the tests (in-process and in subprocesses) save compiled
# snapshots here, never in the user's cache.
os.environ["MATCHING_SNAPSHOT_DIR"] = tempfile.mkdtemp(prefix="supportmatch-snapshots-")
atexit.register(shutil.rmtree, os.environ["MATCHING_SNAPSHOT_DIR"], ignore_errors=True)
SAMPLE_DIR = ROOT / "policies" / "sample" / "catalogue"


class Databases:
    """Templates built once per session, and cheap copies of them per test, on SQLite or PostgreSQL."""

    def __init__(self, server_url: str | None, folder: Path) -> None:
        self.server_url = server_url
        self.folder = folder
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT") if server_url else None

    def _url(self, name: str) -> str:
        if self.server_url is None:
            return f"sqlite:///{self.folder / name}.db"
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None) -> str:
        if self._admin is None:
            if template is not None:
                shutil.copy(self.folder / f"{template}.db", self.folder / f"{name}.db")
            return self._url(name)
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        return self._url(name)

    def template(self, name: str, build: Callable[[str], None], based_on: str | None = None) -> str:
        build(self._create(name, based_on))
        return name

    def copy(self, template: str) -> str:
        return self._create(f"sm_test_{uuid.uuid4().hex[:12]}", template)

    def blank(self) -> str:
        """A new empty database (no schema), for migration tests."""
        return self._create(f"sm_test_{uuid.uuid4().hex[:12]}", None)

    def drop(self, url: str) -> None:
        if self._admin is None:
            return
        name = make_url(url).database
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self, templates: list[str]) -> None:
        if self._admin is not None:
            for name in templates:
                self.drop(self._url(name))
            self._admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    found = Databases(os.environ.get("TEST_DATABASE_URL") or None, tmp_path_factory.mktemp("databases"))
    yield found
    found.close(["sm_template_sample", "sm_template_empty"])


@pytest.fixture(scope="session")
def empty_db(databases: Databases) -> str:
    return databases.template("sm_template_empty", upgrade_database)


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The service's default encoder, loaded once and shared: tests only read from it."""
    return MatchingSettings(snapshot_dir="").open_encoder()


def _load_sample(url: str, encoder: Encoder) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        import_records(session=session, raw=read_directory(SAMPLE_DIR), actor="sample", dry_run=False)
        load_snapshot(session, encoder)
    engine.dispose()


@pytest.fixture(scope="session")
def sample_db(databases: Databases, empty_db: str, encoder: Encoder) -> str:
    """The sample catalogue, imported and embedded once (the embedding cache travels with each copy)."""
    return databases.template("sm_template_sample", lambda url: _load_sample(url, encoder), based_on=empty_db)


@pytest.fixture(scope="session")
def sqlite_sample_db(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Path:
    """The sample catalogue in a SQLite file, for tests that start the real server on its defaults."""
    path = tmp_path_factory.mktemp("sqlite-sample") / "sample.db"
    upgrade_database(f"sqlite:///{path}")
    _load_sample(f"sqlite:///{path}", encoder)
    return path


def _fresh(databases: Databases, template: str) -> Iterator[Engine]:
    url = databases.copy(template)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    databases.drop(url)


@pytest.fixture
def engine(databases: Databases, empty_db: str) -> Iterator[Engine]:
    yield from _fresh(databases, empty_db)


@pytest.fixture
def sample_engine(databases: Databases, sample_db: str) -> Iterator[Engine]:
    yield from _fresh(databases, sample_db)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def _client(engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    # Receivers in the tests listen on loopback, which the service otherwise refuses (test_webhook_targets.py).
    app = create_app(engine=engine, settings=ApiSettings(load_sample=False, webhook_interval=0,
                                                         webhook_allow_private=True), encoder=encoder)
    # The suite's assertions on messages were written in English; the service's default, Chinese, and every
    # route in both languages are tested in tests/api/test_language.py, which sends its own Accept-Language.
    with TestClient(app, headers={"Accept-Language": "en"}) as client:
        yield client


@pytest.fixture
def client(engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    yield from _client(engine, encoder)


@pytest.fixture
def sample_client(sample_engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    yield from _client(sample_engine, encoder)


@pytest.fixture
def auth(engine: Engine) -> Callable[[Role], dict[str, str]]:
    """Headers carrying a fresh key with the given role."""

    def make(role: Role) -> dict[str, str]:
        with Session(engine) as session:
            _, plain = keys.create_key(session=session, role=role, label=f"test {role.value}", actor="test")
        return {"Authorization": f"Bearer {plain}"}

    return make


@pytest.fixture
def curator(auth: Callable[[Role], dict[str, str]]) -> dict[str, str]:
    return auth(Role.curator)


@pytest.fixture
def english_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI in English (API_LANGUAGE=en), for tests that assert on its English output."""
    monkeypatch.setenv("API_LANGUAGE", "en")
    get_api_settings.cache_clear()
    yield
    get_api_settings.cache_clear()

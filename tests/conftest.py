"""Shared fixtures: a database built by the migrations, copied fresh for every test.

Copying a migrated SQLite file costs well under a millisecond and gives each test
real commits and real concurrent connections, which the per-test-rollback recipe
cannot (two writers racing need two transactions).
"""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.config import ApiSettings
from api.main import create_app
from matching.catalogue import load_snapshot
from matching.embeddings import Encoder, SentenceTransformerEncoder
from policies import keys
from policies.db import make_engine
from policies.importing.loader import import_records, read_directory
from policies.keys import Role
from policies.migrate import upgrade_database

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "policies" / "sample" / "catalogue"


def _fresh_copy(template: Path, folder: Path) -> Engine:
    path = folder / "test.db"
    shutil.copy(template, path)
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def encoder() -> SentenceTransformerEncoder:
    """The real bundled model, loaded once and shared: tests only read from it."""
    return SentenceTransformerEncoder()


@pytest.fixture(scope="session")
def sample_db(empty_db: Path, tmp_path_factory: pytest.TempPathFactory, encoder: SentenceTransformerEncoder) -> Path:
    """The sample catalogue, imported and embedded once (the embedding cache travels with each copy)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    shutil.copy(empty_db, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        import_records(session=session, raw=read_directory(SAMPLE_DIR), actor="sample", dry_run=False)
        load_snapshot(session, encoder)
    engine.dispose()
    return path


@pytest.fixture
def engine(empty_db: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = _fresh_copy(empty_db, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def sample_engine(sample_db: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = _fresh_copy(sample_db, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def _client(engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    app = create_app(engine=engine, settings=ApiSettings(load_sample=False, webhook_interval=0), encoder=encoder)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def client(engine: Engine, encoder: SentenceTransformerEncoder) -> Iterator[TestClient]:
    yield from _client(engine, encoder)


@pytest.fixture
def sample_client(sample_engine: Engine, encoder: SentenceTransformerEncoder) -> Iterator[TestClient]:
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


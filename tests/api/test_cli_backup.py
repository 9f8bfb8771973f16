"""`supportmatch backup` and `supportmatch restore`, round-tripped on the backend the suite runs on.

The same tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (pg_dump and pg_restore on PATH).
"""

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from api.config import get_api_settings
from matching.store import firms as firm_store
from matching.store.catalogue import CatalogueHolder
from matching.text.embeddings import Encoder
from policies import curation, keys
from policies.backup import backup_database, head_revision, restore_database
from policies.config import get_policies_settings
from policies.db import make_engine
from policies.keys import Role
from policies.migrate import alembic_config
from policies.models import SupportMeasure
from policies.schemas import MeasureCreate
from policies.vocabulary import MeasureStatus
from tests.conftest import Databases
from tests.factories import example_firm, measure_data

runner = CliRunner()
Content = dict[str, list[tuple[Any, ...]]]


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


# The assertions here are on English output; the CLI's languages are tested in test_cli.py.
pytestmark = pytest.mark.usefixtures("english_cli")


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Point the CLI at a database, as POLICIES_DATABASE_URL does."""

    def use(url: str) -> None:
        monkeypatch.setenv("POLICIES_DATABASE_URL", url)
        get_policies_settings.cache_clear()
        get_api_settings.cache_clear()

    yield use
    get_policies_settings.cache_clear()
    get_api_settings.cache_clear()


def content(engine: Engine) -> Content:
    """Every row of every table, in primary-key order."""
    with engine.connect() as connection:
        inspector = inspect(connection)
        found: Content = {}
        for table in sorted(inspector.get_table_names()):
            order = ", ".join(inspector.get_pk_constraint(table)["constrained_columns"])
            found[table] = [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]
        return found


def schema_revision(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def add_keys_and_firms(engine: Engine) -> None:
    with Session(engine) as session:
        keys.create_key(session=session, role=Role.portal, label="portal a", actor="test", tenant="portal-a")
        keys.create_key(session=session, role=Role.curator, label="bureau", actor="test")
        for slug in ("ningbo-cmf-titanium", "chengdu-digital-twin"):
            firm_store.create(session, "portal-a", firm_store.FirmWrite.model_validate({"profile": example_firm(slug)}),
                              "test")


def change_everything(engine: Engine) -> None:
    """What happens after a backup: a new measure, a key revoked, a new firm, rows deleted."""
    with Session(engine) as session:
        curation.create_draft(session=session, data=MeasureCreate.model_validate(measure_data()), actor="test")
        keys.revoke_key(session=session, key_id=1, actor="test")
        firm_store.create(session, "portal-a",
                          firm_store.FirmWrite.model_validate({"profile": example_firm("chengdu-laser-tv-screen")}),
                          "test")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM embedding_cache WHERE id % 2 = 0"))
        connection.execute(text("DELETE FROM audit_event WHERE id < 10"))
        connection.execute(text("DELETE FROM measure WHERE code = 'CN-TECH-RELENDING-LOAN'"))  # revisions cascade


def test_backup_then_restore_brings_back_exactly_what_was_backed_up(
    sample_engine: Engine, configure: Callable[[str], None], tmp_path: Path
) -> None:
    add_keys_and_firms(sample_engine)
    configure(url_of(sample_engine))
    before = content(sample_engine)
    assert len(before["measure"]) == 188 and len(before["api_key"]) == 2 and len(before["firm"]) == 2
    assert before["embedding_cache"]

    backup = tmp_path / "nightly.backup"
    made = runner.invoke(app, ["backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "measures" in made.stdout and "188" in made.stdout and f"{head_revision()} (head)" in made.stdout
    assert backup.stat().st_mode & 0o777 == 0o600  # key hashes and webhook secrets: the owner's eyes only

    change_everything(sample_engine)
    changed = content(sample_engine)
    for table in ("measure", "measure_revision", "audit_event", "api_key", "firm", "embedding_cache"):
        assert changed[table] != before[table], table

    restored = runner.invoke(app, ["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "restored from" in restored.stdout and "188" in restored.stdout
    assert content(sample_engine) == before
    assert schema_revision(sample_engine) == head_revision()


def test_restore_asks_first(engine: Engine, configure: Callable[[str], None], tmp_path: Path) -> None:
    configure(url_of(engine))
    backup = tmp_path / "b"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0
    with Session(engine) as session:
        keys.create_key(session=session, role=Role.admin, label="kept", actor="test")
    declined = runner.invoke(app, ["restore", str(backup)], input="n\n")
    assert declined.exit_code == 1
    assert len(content(engine)["api_key"]) == 1


def test_restore_refuses_a_backup_from_newer_code(
    databases: Databases, empty_db: str, sample_engine: Engine, configure: Callable[[str], None], tmp_path: Path
) -> None:
    newer_url = databases.copy(empty_db)
    newer = make_engine(newer_url)
    with newer.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    newer.dispose()
    configure(newer_url)
    backup = tmp_path / "from-the-future.backup"
    made = runner.invoke(app, ["backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "9999" in made.stdout

    configure(url_of(sample_engine))
    before = content(sample_engine)
    refused = runner.invoke(app, ["restore", str(backup), "--yes"])
    assert refused.exit_code == 1
    message = " ".join(refused.output.split())
    assert "revision 9999" in message and "does not know" in message and head_revision() in message
    assert "Nothing was changed" in message
    assert content(sample_engine) == before
    databases.drop(newer_url)


def test_restore_upgrades_an_older_backup(
    databases: Databases, sample_engine: Engine, configure: Callable[[str], None], tmp_path: Path
) -> None:
    old_url = databases.blank()
    command.upgrade(alembic_config(old_url), "0002")  # before firms, key tenants, outbox and webhooks
    old = make_engine(old_url)
    with old.begin() as connection:
        connection.execute(text(
            "INSERT INTO api_key (prefix, key_hash, role, label, created_at, created_by) "
            "VALUES ('0ld0ld00', :hash, 'admin', 'old admin', '2026-01-02 03:04:05', 'cli')"), {"hash": "a" * 64})
        connection.execute(text(
            "INSERT INTO audit_event (created_at, actor, action, entity, entity_ref, detail) "
            "VALUES ('2026-01-02 03:04:05', 'cli', 'key.create', 'api_key', '0ld0ld00', '{}')"))
    old.dispose()
    configure(old_url)
    backup = tmp_path / "old.backup"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0

    configure(url_of(sample_engine))  # a database at head, with 188 measures
    restored = runner.invoke(app, ["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert f"0002 → {head_revision()} (head)" in restored.stdout
    assert schema_revision(sample_engine) == head_revision()
    after = content(sample_engine)
    assert after["measure"] == [] and after["firm"] == [] and after["outbox_event"] == []
    with sample_engine.connect() as connection:
        migrated = connection.execute(text("SELECT prefix, label, tenant FROM api_key")).all()
    assert [tuple(row) for row in migrated] == [("0ld0ld00", "old admin", "")]  # the tenant column was added
    assert len(after["audit_event"]) == 1
    databases.drop(old_url)


def test_restore_refuses_a_file_that_is_not_a_backup(
    engine: Engine, configure: Callable[[str], None], tmp_path: Path
) -> None:
    configure(url_of(engine))
    bogus = tmp_path / "catalogue.json"
    bogus.write_text('{"measures": []}', encoding="utf-8")
    refused = runner.invoke(app, ["restore", str(bogus), "--yes"])
    assert refused.exit_code == 1
    assert "not a backup this tool wrote" in " ".join(refused.output.split())


def _invariants_hold(engine: Engine, written: int) -> int:
    """A consistent copy: every measure has all its revisions, audit and outbox events; the drafts a
    single writer created form a prefix of what it wrote. Returns how many of those drafts it holds."""
    with engine.connect() as connection:
        def count(sql: str) -> int:
            return int(connection.execute(text(sql)).scalar_one())

        revisions = count("SELECT count(*) FROM measure_revision")
        assert count("SELECT count(*) FROM audit_event WHERE entity = 'measure'") == revisions
        assert count("SELECT count(*) FROM outbox_event WHERE topic LIKE 'measure.%'") == revisions
        assert count("SELECT count(*) FROM measure m WHERE m.revision <> "
                     "(SELECT count(*) FROM measure_revision r WHERE r.measure_id = m.id)") == 0
        codes = {row[0] for row in connection.execute(text("SELECT code FROM measure WHERE code LIKE 'ZJ-WZ-RACE-%'"))}
    held = len(codes)
    assert codes == {f"ZJ-WZ-RACE-{i:05d}" for i in range(held)}
    assert held <= written
    return held


def test_a_backup_taken_while_the_server_writes_is_consistent(
    databases: Databases, sample_engine: Engine, tmp_path: Path
) -> None:
    url = url_of(sample_engine)
    stop = threading.Event()
    commits: list[float] = []
    failures: list[BaseException] = []

    def write() -> None:
        try:
            with Session(sample_engine) as session:
                while not stop.is_set():
                    data = MeasureCreate.model_validate(measure_data(code=f"ZJ-WZ-RACE-{len(commits):05d}"))
                    curation.create_draft(session=session, data=data, actor="writer")
                    commits.append(time.monotonic())
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    overlapped, deadline = 0, time.monotonic() + 30
    backups: list[Path] = []
    try:
        while (overlapped < 3 or len(backups) < 3) and time.monotonic() < deadline:
            path = tmp_path / f"during-{len(backups)}.backup"
            start, done_before = time.monotonic(), len(commits)
            backup_database(url, path)
            end = time.monotonic()
            overlapped += any(start <= at <= end for at in commits[done_before:])
            backups.append(path)
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    assert overlapped >= 1, "no commit happened while a backup ran"

    held = []
    for path in backups:
        copy_url = databases.blank()
        restore_database(copy_url, path)
        copy = make_engine(copy_url)
        held.append(_invariants_hold(copy, len(commits)))
        copy.dispose()
        databases.drop(copy_url)
    assert held == sorted(held) and held[-1] > 0


def test_a_worker_sees_the_restored_catalogue_even_when_the_count_comes_back(
    sample_engine: Engine, encoder: Encoder, tmp_path: Path
) -> None:
    url = url_of(sample_engine)
    holder = CatalogueHolder(encoder)
    backup = tmp_path / "b"
    with Session(sample_engine) as session:
        version = holder.current(session).version
        backup_database(url, backup)
        code = session.exec(select(SupportMeasure.code).where(SupportMeasure.status == "published")).first()
        assert code is not None
        curation.transition(session=session, code=code, target=MeasureStatus.archived, expected_revision=None,
                            actor="test")
        served = holder.current(session)
        assert served.version == version + 1 and code not in served.index
    restore_database(url, backup)  # the catalogue is back to `version`, with `code` published again
    with Session(sample_engine) as session:
        # No request reached this worker in between; then one change brings the count back to version + 1.
        curation.create_draft(session=session, data=MeasureCreate.model_validate(measure_data()), actor="test")
        assert code in holder.current(session).index

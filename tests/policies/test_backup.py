"""The parts of policies.backup that need no database: connection strings for pg_dump, refusals up front."""

from pathlib import Path

import pytest

from policies.backup import BackupError, backup_database, libpq_connection, restore_database


@pytest.mark.parametrize(("url", "uri", "env"), [
    ("postgresql+psycopg:///postgres?host=/var/run/postgresql", "postgresql:///postgres?host=%2Fvar%2Frun%2Fpostgresql",
     {}),
    ("postgresql+psycopg://sm:s3cr%40t@db.internal:5433/supportmatch?sslmode=require",
     "postgresql://sm@db.internal:5433/supportmatch?sslmode=require", {"PGPASSWORD": "s3cr@t"}),
    ("postgresql://sm@localhost/supportmatch", "postgresql://sm@localhost/supportmatch", {}),
])
def test_libpq_connection_keeps_the_password_off_the_command_line(url: str, uri: str, env: dict[str, str]) -> None:
    assert libpq_connection(url) == (uri, env)


def test_only_sqlite_files_and_postgresql_are_supported(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="must be a file"):
        backup_database("sqlite://", tmp_path / "b")
    with pytest.raises(BackupError, match="mysql"):
        backup_database("mysql://u@h/db", tmp_path / "b")
    with pytest.raises(BackupError, match="no database at"):
        backup_database(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "b")
    assert not (tmp_path / "b").exists() and not list(tmp_path.iterdir())


def test_a_damaged_sqlite_backup_is_refused_before_anything_changes(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    target = tmp_path / "live.db"
    with pytest.raises(BackupError, match="damaged|cannot read"):
        restore_database(f"sqlite:///{target}", damaged)
    assert not target.exists()

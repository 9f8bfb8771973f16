"""Engine factory, naming convention and the unit-of-work helper for CLIs."""

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text
from sqlmodel import Session, SQLModel, create_engine

from policies.messages import MESSAGES

# Ref: polarsource/polar kit/db/models/base.py. Named constraints keep Alembic's
# batch mode on SQLite and its autogenerate comparisons stable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def make_engine(url: str, *, pool_size: int = 5, pool_timeout: float = 5.0) -> Engine:
    """Create an engine; for SQLite, apply the pysqlite transaction recipe.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT, which the
    per-test rollback and nested transactions rely on. Ref: SQLAlchemy docs,
    "Serializable isolation / Savepoints / Transactional DDL" for pysqlite.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size,
                               pool_timeout=pool_timeout)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # IMMEDIATE takes the write lock up front, so two writers queue instead
            # of one failing with "database is locked" halfway through. Readers (see
            # `reading`) begin DEFERRED: in WAL mode they take no lock, so they neither
            # queue behind writers nor make writers queue behind them.
            deferred = connection.get_execution_options().get(READ_ONLY, False)
            connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=pool_size, pool_timeout=pool_timeout, pool_pre_ping=True)


READ_ONLY = "supportmatch_read_only"


def reading(engine: Engine) -> Engine:
    """The engine for work that only reads (it may still write in a transaction that writes first).

    On SQLite its transactions begin DEFERRED instead of IMMEDIATE. A transaction that reads and
    then writes must not use it: if another writer commits in between, SQLite refuses the write
    (SQLITE_BUSY_SNAPSHOT) instead of queueing it. Other databases ignore the option.
    """
    return engine.execution_options(**{READ_ONLY: True})


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for scripts: the caller commits; anything uncommitted is rolled back."""
    with Session(engine) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


class DatabaseReplaced(RuntimeError):
    """The database this process opened is not the one at its address any more.

    Its text is English, said from the policies catalogue, so that the API answers a reader of Chinese in Chinese.
    """


def database_identity(engine: Engine) -> str:
    """What makes this database this one: a SQLite file's device and inode, a PostgreSQL cluster's system
    identifier and the database's oid. A restore keeps it (it writes into the same file or database); a
    deleted or swapped file changes it, and so would a URL that now reaches another server."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if not path or path == ":memory:":
            return "memory"
        try:
            found = os.stat(path)
        except FileNotFoundError:
            return "missing"
        return f"{found.st_dev}:{found.st_ino}"
    with engine.connect() as connection:
        row = connection.execute(text("select (select system_identifier from pg_control_system())::text, "
                                      "(select oid from pg_database where datname = current_database())::text"))
        system, oid = row.one()
    return f"{system}:{oid}"


def check_identity(engine: Engine, expected: str) -> None:
    """Refuse to go on with a database that was deleted or swapped under this process (SQLite would keep
    writing to the unlinked file, and every change would vanish at the next start)."""
    found = database_identity(engine)
    if found != expected:
        raise DatabaseReplaced(MESSAGES.say(
            "en", "the database this process opened ({expected}) is now {found}: it was deleted or replaced; "
            "restart the service after checking it", expected=expected, found=found))

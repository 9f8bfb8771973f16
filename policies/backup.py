"""Back up and restore the whole database: SQLite's online backup API, PostgreSQL's pg_dump and pg_restore.

A backup is one file: a SQLite database (SQLite), or a `pg_dump --format=custom` archive (PostgreSQL).
Either is taken from one consistent snapshot while the server keeps writing: SQLite copies every page
in one step of the backup API inside one read transaction (WAL lets writers go on meanwhile), and
pg_dump reads the snapshot this module exports, in which it also counts the rows it reports.

A restore replaces everything in the configured database with the backup and then runs the migrations
to head, so an older backup is upgraded. It refuses a backup whose schema revision this code does not
know (one made by a newer version) before it changes anything. On SQLite the upgrade happens on a
scratch copy and the live file is replaced in one write transaction; on PostgreSQL `pg_restore
--single-transaction` replaces the tables in one transaction, then the migrations run.
"""

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from policies.i18n import N_
from policies.messages import MESSAGES
from policies.migrate import alembic_config, upgrade_database

# Tables reported after a backup or restore, with their labels (in English: the CLI says them in its reader's
# language); those a schema lacks are left out.
COUNTED = (
    ("measure", N_("measures")),
    ("measure_revision", N_("measure revisions (catalogue version)")),
    ("audit_event", N_("audit events")),
    ("api_key", N_("API keys")),
    ("firm", N_("firms (with deleted)")),
    ("firm_revision", N_("firm revisions")),
    ("firm_outcome", N_("outcomes (applications and awards)")),
    ("outbox_event", N_("outbox events")),
    ("webhook", N_("webhooks")),
    ("embedding_cache", N_("cached embeddings")),
)
# What a restore says of a file that is not the kind of backup the database takes, by (database, file):
# one whole sentence each, so that each reads well in Chinese and reads back from its English alone.
MISMATCHED = {
    ("sqlite", "pgdump"): N_("{path} is a pg_dump archive, not a SQLite backup; the database is SQLite"),
    ("sqlite", "unknown"): N_("{path} is not a backup this tool wrote, not a SQLite backup; the database is SQLite"),
    ("postgresql", "sqlite"): N_("{path} is a SQLite backup, not a pg_dump archive; the database is PostgreSQL"),
    ("postgresql", "unknown"): N_(
        "{path} is not a backup this tool wrote, not a pg_dump archive; the database is PostgreSQL"),
}
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; nothing was changed unless the message says so.

    Its text is English, said from the policies catalogue, so that a reader of Chinese gets it back in Chinese
    (`Catalogue.read_back`) where it is shown.
    """


@dataclass(frozen=True)
class Summary:
    """What a backup holds, or what the database holds after a restore."""

    revision: str | None  # the schema (Alembic) revision
    head: str  # the newest revision this code knows
    counts: dict[str, int] = field(default_factory=dict)  # label -> rows
    upgraded_from: str | None = None  # set when a restore ran migrations from an older revision


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def backup_database(url: str, path: Path) -> Summary:
    """Write a consistent backup of the database at `url` to `path` (replaced only once the backup is whole)."""
    parsed = make_url(url)
    path = path.expanduser().resolve()
    if path.is_dir():
        raise BackupError(MESSAGES.say("en", "{path} is a directory; name the backup file", path=path))
    if not path.parent.is_dir():
        raise BackupError(MESSAGES.say("en", "directory {path} does not exist", path=path.parent))
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        if parsed.get_backend_name() == "sqlite":
            summary = _sqlite_backup(_sqlite_path(parsed), partial)
        elif parsed.get_backend_name() == "postgresql":
            summary = _pg_backup(url, partial)
        else:
            raise BackupError(MESSAGES.say("en", "cannot back up a {backend} database",
                                           backend=parsed.get_backend_name()))
        partial.chmod(0o600)  # it holds key hashes and webhook secrets
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def restore_database(url: str, path: Path) -> Summary:
    """Replace everything in the database at `url` with the backup at `path`, then migrate it to head."""
    parsed = make_url(url)
    path = path.expanduser().resolve()
    kind = _kind_of(path)
    backend = parsed.get_backend_name()
    if (backend, kind) in MISMATCHED:
        raise BackupError(MESSAGES.say("en", MISMATCHED[backend, kind], path=path))
    if backend == "sqlite":
        return _sqlite_restore(_sqlite_path(parsed), path)
    if backend == "postgresql":
        return _pg_restore(url, path)
    raise BackupError(MESSAGES.say("en", "cannot restore into a {backend} database", backend=backend))


def libpq_connection(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore, and the environment to add: the password goes in PGPASSWORD,
    not on a command line that `ps` shows. Query parameters (host=/socket/dir, sslmode, …) pass through."""
    parsed = make_url(url)
    extra = {"PGPASSWORD": parsed.password} if parsed.password else {}
    plain: URL = parsed._replace(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), extra


# --- shared ---------------------------------------------------------------------------------------------------


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def _known_revisions() -> list[str]:
    """Every revision this code knows, newest first."""
    return [script.revision for script in _script().walk_revisions()]


def _check_backup_revision(revision: str | None, path: Path) -> None:
    if revision is None:
        raise BackupError(MESSAGES.say(
            "en", "{path} has no schema revision (no alembic_version row): not a supportmatch backup", path=path))
    if revision not in _known_revisions():
        raise BackupError(MESSAGES.say(
            "en", "{path} is at schema revision {revision}, which this code does not know (its newest is {head}): "
            "it was made by a newer supportmatch. Restore it with that version, or upgrade this one first. "
            "Nothing was changed.", path=path, revision=revision, head=head_revision()))


def _summary(connection: Connection, upgraded_from: str | None = None) -> Summary:
    present = set(inspect(connection).get_table_names())
    counts = {
        label: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        for table, label in COUNTED
        if table in present
    }
    revision = MigrationContext.configure(connection).get_current_revision()
    return Summary(revision=revision, head=head_revision(), counts=counts, upgraded_from=upgraded_from)


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(MESSAGES.say("en", "cannot read {path}: {error}", path=path, error=exc.strerror)) from exc
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PGDUMP_MAGIC):
        return "pgdump"
    return "unknown"


# --- SQLite ---------------------------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(MESSAGES.say(
            "en", "the SQLite database must be a file named in POLICIES_DATABASE_URL (sqlite:///path)"))
    return Path(url.database).expanduser().resolve()


def _sqlite_connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(path, timeout=30)


@contextmanager
def _sqlite_engine_connection(path: Path) -> Iterator[Connection]:
    """A plain read-only SQLAlchemy connection to a SQLite file (none of make_engine's WAL set-up)."""
    engine = create_engine("sqlite://", creator=lambda: _sqlite_connect(path, read_only=True), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _sqlite_backup(database: Path, partial: Path) -> Summary:
    if not database.is_file():
        raise BackupError(MESSAGES.say("en", "no database at {path}", path=database))
    # pages=-1: every page in one step, inside one read transaction on the source, so the copy is one
    # consistent snapshot; in WAL mode the server's writers carry on meanwhile. Never a file copy,
    # which could take the main file and the WAL at different moments.
    try:
        with closing(_sqlite_connect(database)) as source, closing(sqlite3.connect(partial)) as target:
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, readable without -wal/-shm
    except sqlite3.Error as exc:
        raise BackupError(MESSAGES.say("en", "cannot back up {path}: {error}", path=database, error=exc)) from exc
    with _sqlite_engine_connection(partial) as connection:
        return _summary(connection)


def _sqlite_check(path: Path) -> str | None:
    """Check the backup file whole and return its schema revision."""
    try:
        with closing(_sqlite_connect(path, read_only=True)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise BackupError(MESSAGES.say("en", "{path} is damaged: {problems}", path=path,
                                               problems="; ".join(problems[:3])))
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                return None
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(MESSAGES.say("en", "cannot read {path} as a SQLite backup: {error}", path=path,
                                       error=exc)) from exc
    return None if row is None else str(row[0])


def _sqlite_restore(database: Path, backup: Path) -> Summary:
    revision = _sqlite_check(backup)
    _check_backup_revision(revision, backup)
    if not database.parent.is_dir():
        raise BackupError(MESSAGES.say("en", "directory {path} does not exist", path=database.parent))
    # Upgrade a scratch copy first, so the live file goes from its old content to the restored and
    # migrated content in one write transaction: a running server never sees an old schema.
    scratch = database.with_name(f".{database.name}.{uuid.uuid4().hex[:8]}.restoring")
    try:
        with closing(_sqlite_connect(backup, read_only=True)) as source, closing(sqlite3.connect(scratch)) as target:
            source.backup(target, pages=-1)
        upgrade_database(f"sqlite:///{scratch}")
        with closing(_sqlite_connect(scratch)) as source, closing(_sqlite_connect(database)) as target:
            source.backup(target, pages=-1)  # waits (retrying) while a server's writer holds the lock
            target.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(MESSAGES.say("en", "cannot restore into {path}: {error}. Nothing was changed.",
                                       path=database, error=exc)) from exc
    finally:
        for leftover in (scratch, scratch.with_name(scratch.name + "-wal"), scratch.with_name(scratch.name + "-shm")):
            leftover.unlink(missing_ok=True)
    with _sqlite_engine_connection(database) as connection:
        return _summary(connection, upgraded_from=revision if revision != head_revision() else None)


# --- PostgreSQL -----------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(MESSAGES.say(
            "en", "{tool} is not on PATH: install the PostgreSQL client (Debian: apt-get install postgresql-client), "
            "of the server's major version or newer", tool=name))
    return found


def _run(arguments: list[str], extra_env: dict[str, str], failed: str, **values: object) -> str:
    """`failed` (a message, with `values`) is said when the command fails, its {code} and {error} filled here: a
    whole message for each command, so that none is pieced together from a verb said apart."""
    result = subprocess.run(arguments, env=os.environ | extra_env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(MESSAGES.say("en", failed, code=result.returncode, error=result.stderr.strip(), **values))
    return result.stdout


def _pg_engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def _pg_backup(url: str, partial: Path) -> Summary:
    pg_dump = _tool("pg_dump")
    uri, extra_env = libpq_connection(url)
    engine = _pg_engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                # pg_dump reads the snapshot exported here, and the counts reported come from the same one.
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                summary = _summary(connection)
                _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}", uri],
                     extra_env, N_("pg_dump failed (exit {code}): {error}"))
    finally:
        engine.dispose()
    return summary


def _pg_archive_revision(pg_restore: str, backup: Path) -> str | None:
    """Read the archive whole (a damaged one fails here, before anything changes) and return its revision."""
    reading = N_("reading {path} failed (exit {code}): {error}")
    _run([pg_restore, "--file=/dev/null", str(backup)], {}, reading, path=backup)
    script = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(backup)], {}, reading,
                  path=backup)
    lines = script.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            row = lines[number + 1] if number + 1 < len(lines) else "\\."
            return None if row == "\\." else row.strip()
    return None


def _pg_restore(url: str, backup: Path) -> Summary:
    pg_restore = _tool("pg_restore")
    revision = _pg_archive_revision(pg_restore, backup)
    _check_backup_revision(revision, backup)
    assert revision is not None
    known = _known_revisions()
    engine = _pg_engine(url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        if current is not None and current not in known:
            raise BackupError(MESSAGES.say(
                "en", "the database is at schema revision {revision}, which this code does not know: restore with "
                "the supportmatch that migrated it, or into a new empty database. Nothing was changed.",
                revision=current))
        if current is not None and current != revision:
            # Give the database the backup's schema first, so --clean drops every table the archive
            # recreates and no table of a later migration is left behind for the upgrade to trip on.
            config = alembic_config(url)
            if known.index(current) < known.index(revision):
                command.downgrade(config, revision)
            else:
                command.upgrade(config, revision)
        uri, extra_env = libpq_connection(url)
        try:
            _run([pg_restore, "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
                  f"--dbname={uri}", str(backup)], extra_env, N_("pg_restore failed (exit {code}): {error}"))
        except BackupError as exc:
            if current is None or current == revision:
                raise BackupError(MESSAGES.say("en", "{error}. Nothing was changed (one transaction).",
                                               error=exc)) from exc
            raise BackupError(MESSAGES.say(
                "en", "{error}. The tables were not replaced, but the schema had been moved from revision {current} "
                "to {revision} first (what later migrations added is gone): restore again, or run "
                "`supportmatch migrate`.", error=exc, current=current, revision=revision)) from exc
        upgrade_database(url)
        with engine.connect() as connection:
            return _summary(connection, upgraded_from=revision if revision != known[0] else None)
    finally:
        engine.dispose()

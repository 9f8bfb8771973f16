"""`supportmatch`: serve, migrate, import, export and manage keys from a terminal."""

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote

import typer
import uvicorn
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from uvicorn.config import LOGGING_CONFIG

from api.config import get_api_settings
from policies import curation, keys, repository
from policies.backup import BackupError, Summary, backup_database, restore_database
from policies.config import get_policies_settings
from policies.db import make_engine, session_scope
from policies.errors import ApiKeyNotFound, ImportRejected
from policies.importing.formats import Format, format_for_filename, read_records, write_records
from policies.importing.loader import ImportReport, import_records, read_directory, validate_records
from policies.keys import Role
from policies.lint import Finding, lint
from policies.migrate import upgrade_database

app = typer.Typer(help="supportmatch: match SMEs to the support measures they qualify for.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
console = Console()
err = Console(stderr=True)
CLI_ACTOR = "cli"


def _engine() -> Engine:
    return make_engine(get_policies_settings().database_url)


def _print_findings(findings: list[Finding], title: str) -> None:
    table = Table(title=title)
    for column in ("code", "where", "rule"):
        table.add_column(column, no_wrap=True)
    for column in ("finding", "说明"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        table.add_row(finding.code, finding.path, finding.rule, escape(finding.message), escape(finding.message_zh))
    err.print(table)


def _print_report(report: ImportReport) -> None:
    if report.warnings:
        _print_findings(report.warnings, f"{len(report.warnings)} lint warning(s) — they do not block the import")
    if report.problems:
        table = Table(title=f"{len(report.problems)} problem(s) — nothing was changed")
        for column in ("record", "code", "field", "problem"):
            table.add_column(column)
        for problem in report.problems:
            table.add_row(str(problem.record), problem.code or "", problem.path, problem.message)
        err.print(table)
        return
    table = Table(title="dry run: nothing was changed" if report.dry_run else "import done")
    table.add_column("result")
    table.add_column("measures", justify="right")
    table.add_row("created", str(len(report.created)))
    table.add_row("updated", str(len(report.updated)))
    table.add_row("unchanged", str(len(report.unchanged)))
    console.print(table)


def _run_import(engine: Engine, raw: list[object], *, dry_run: bool, actor: str) -> ImportReport:
    with Progress(console=err, transient=True) as progress, session_scope(engine) as session:
        task = progress.add_task("importing", total=len(raw))
        try:
            return import_records(
                session=session, raw=raw, actor=actor, dry_run=dry_run,
                progress=lambda n: progress.advance(task, n),
            )
        except ImportRejected as exc:
            return ImportReport(dry_run=dry_run, problems=exc.problems)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    url = get_policies_settings().database_url
    try:
        upgrade_database(url)
    except OperationalError as exc:  # a path that cannot be written, a server that does not answer
        err.print(f"[red]cannot open or migrate the database[/red] {escape(_shown(url))}: {escape(str(exc.orig))}")
        raise typer.Exit(1) from None
    console.print("database is at the newest schema")


@app.command("load-sample")
def load_sample(force: Annotated[bool, typer.Option(help="load even if the catalogue is not empty")] = False) -> None:
    """Load the bundled sample catalogue (only into an empty catalogue unless --force)."""
    engine = _engine()
    with session_scope(engine) as session:
        if repository.count_measures(session) and not force:
            console.print("catalogue is not empty; sample not loaded (use --force to upsert it)")
            return
    report = _run_import(engine, read_directory(get_api_settings().sample_dir), dry_run=False, actor="sample")
    _print_report(report)
    if report.problems:
        raise typer.Exit(1)


@app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a .json, .yaml or .csv file")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report problems and change nothing")] = False,
    actor: Annotated[str, typer.Option(help="name recorded in revisions")] = CLI_ACTOR,
) -> None:
    """Import measures, all or nothing, upserting by code."""
    raw = read_records(path.read_text(encoding="utf-8-sig"), format_for_filename(path.name))
    report = _run_import(_engine(), raw, dry_run=dry_run, actor=actor)
    _print_report(report)
    if report.problems:
        raise typer.Exit(1)


@app.command("lint")
def lint_file(
    path: Annotated[Path | None, typer.Argument(
        exists=True, dir_okay=False, help="a .json, .yaml or .csv file; default: the bundled sample catalogue")] = None,
) -> None:
    """Check a catalogue file for rules written as prose and other slips; exit 1 when anything is found."""
    if path is None:
        raw = read_directory(get_api_settings().sample_dir)
    else:
        raw = read_records(path.read_text(encoding="utf-8-sig"), format_for_filename(path.name))
    records, problems = validate_records(raw)
    if problems:
        _print_report(ImportReport(dry_run=True, problems=problems))
        raise typer.Exit(1)
    findings = lint(records)
    if findings:
        _print_findings(findings, f"{len(findings)} finding(s) in {len(records)} measure(s)")
        raise typer.Exit(1)
    console.print(f"{len(records)} measure(s): no findings")


@app.command("export")
def export_file(
    path: Annotated[str, typer.Argument(help="output file, or - for standard output")],
    fmt: Annotated[Format | None, typer.Option("--format", help="default: from the file name")] = None,
) -> None:
    """Export the whole catalogue (every status) in a format import reads back."""
    chosen = fmt or (Format.json if path == "-" else format_for_filename(path))
    with session_scope(_engine()) as session:
        text = write_records([curation.document_of(row) for row in repository.list_all(session)], chosen)
    if path == "-":
        sys.stdout.write(text)
    else:
        Path(path).write_text(text, encoding="utf-8")
        err.print(f"wrote {path}")


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="portal, curator or admin")],
    label: Annotated[str, typer.Option(help="who or what will use the key")] = "created from the CLI",
    tenant: Annotated[str | None, typer.Option(help="owner of the firms a portal stores; default: the key alone")] = None,
    rate_limit: Annotated[int | None, typer.Option(min=1, max=1_000_000,
                                                   help="requests a minute; default: API_RATE_LIMIT_PER_MINUTE")] = None,
) -> None:
    """Create an API key and print it. It is shown this once."""
    with session_scope(_engine()) as session:
        key, plain = keys.create_key(session=session, role=role, label=label, actor=CLI_ACTOR, tenant=tenant,
                                     rate_limit_per_minute=rate_limit)
        err.print(f"key {key.prefix} ({key.role}, {key.label}); store it now, it is not shown again:")
    print(plain)


@keys_app.command("list")
def keys_list() -> None:
    """List keys (never the keys themselves)."""
    table = Table()
    for column in ("id", "prefix", "role", "label", "created", "revoked"):
        table.add_column(column)
    with session_scope(_engine()) as session:
        for key in repository.list_keys(session):
            revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else ""
            table.add_row(str(key.id), key.prefix, key.role, key.label,
                          key.created_at.isoformat(timespec="seconds"), revoked)
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: int) -> None:
    """Revoke a key by id."""
    with session_scope(_engine()) as session:
        try:
            key = keys.revoke_key(session=session, key_id=key_id, actor=CLI_ACTOR)
        except ApiKeyNotFound as exc:
            err.print(f"[red]not revoked:[/red] {escape(str(exc))} (`supportmatch keys list` shows the ids)")
            raise typer.Exit(1) from None
        console.print(f"key {key.prefix} revoked")


def _print_summary(title: str, summary: Summary, *, caption: str) -> None:
    table = Table(title=title, caption=escape(caption))
    table.add_column("what")
    table.add_column("rows", justify="right")
    revision = summary.revision or "none"
    if summary.revision == summary.head:
        revision += " (head)"
    if summary.upgraded_from:
        revision = f"{summary.upgraded_from} → {revision}"
    table.add_row("schema revision", revision)
    for label, count in summary.counts.items():
        table.add_row(label, f"{count:,}")
    console.print(table)


@app.command("backup")
def backup_command(
    path: Annotated[Path, typer.Argument(dir_okay=False, help="backup file to write (replaced if it exists)")],
) -> None:
    """Back up the whole database to one file, consistently, while the server runs.

    SQLite: a SQLite file made with the online backup API. PostgreSQL: a pg_dump custom-format archive.
    """
    url = get_policies_settings().database_url
    summary = _or_exit("backup failed", backup_database, url, path)
    _print_summary(f"backup written to {escape(str(path))}", summary, caption=f"from {_shown(url)}")


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a file `supportmatch backup` wrote")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
) -> None:
    """Replace everything in the database with a backup, then migrate it to the newest schema.

    Refuses a backup made by a newer version (a schema revision this code does not know).
    """
    url = get_policies_settings().database_url
    if not yes:
        typer.confirm(f"Replace everything in {_shown(url)} with {path}?", abort=True, err=True)
    summary = _or_exit("restore refused or failed", restore_database, url, path)
    _print_summary(f"restored from {escape(str(path))}", summary, caption=f"into {_shown(url)}")


def _or_exit(failure: str, run: Callable[[str, Path], Summary], url: str, path: Path) -> Summary:
    """Run a backup or a restore; a BackupError is said in one red line and exits 1."""
    try:
        return run(url, path)
    except BackupError as exc:
        err.print(f"[red]{failure}:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None


def _shown(url: str) -> str:
    return unquote(make_url(url).render_as_string(hide_password=True))


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, plus one JSON line per request with its request id (api/middleware.py) on stderr
    instead of uvicorn's access log.

    Handed to uvicorn rather than applied here, so that every worker process `--workers` spawns applies it too.
    """
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["supportmatch_access"] = {"format": "%(message)s"}
    config["handlers"]["supportmatch_access"] = {
        "class": "logging.StreamHandler", "formatter": "supportmatch_access", "stream": "ext://sys.stderr",
    }
    config["loggers"]["supportmatch.access"] = {"handlers": ["supportmatch_access"], "level": "INFO",
                                                "propagate": False}
    return config


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="worker processes (default API_WORKERS, 1)")] = None,
) -> None:
    """Migrate, load the sample catalogue on first start, and serve the API."""
    settings = get_api_settings()
    url = make_url(get_policies_settings().database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        # Not silent: a file deleted or moved while the service ran would otherwise come back empty unnoticed.
        err.print(f"[yellow]no database at {escape(str(Path(url.database).resolve()))}: creating a new one[/yellow]"
                  + (" with the sample catalogue" if settings.load_sample else ""))
    migrate()
    if settings.load_sample:
        with session_scope(_engine()) as session:
            empty = repository.count_measures(session) == 0
        if empty:  # a first start; a catalogue on file is never touched
            load_sample(force=False)
    # Each worker holds its own catalogue snapshot and checks the database's version on every request,
    # so workers (and separate servers) sharing one database all serve a change from their next request.
    uvicorn.run("api.main:create_app", factory=True, host=host or settings.host, port=port or settings.port,
                workers=workers or settings.workers, access_log=False, log_config=_log_config())

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
from api.errors import in_reader_language
from api.messages import MESSAGES
from api.typer_words import SpeakingCommand, SpeakingGroup, speak
from matching.store.outcome_lists import import_list, read_rows
from policies import curation, keys, repository
from policies.backup import BackupError, Summary, backup_database, restore_database
from policies.config import get_policies_settings
from policies.db import make_engine, session_scope
from policies.errors import ApiKeyNotFound, ImportRejected
from policies.i18n import N_, Language
from policies.importing.formats import Format, format_for_filename, read_records, write_records
from policies.importing.loader import ImportReport, import_records, read_directory, validate_records
from policies.keys import Role
from policies.lint import Finding, lint
from policies.migrate import upgrade_database

# Typer builds every help text when this module is imported, so help (and typer's own words: Usage:, Options,
# Missing option) is in the language the settings name then; what a command prints is in the language they
# name when it runs (each command reads them once).
HELP = get_api_settings().language
speak(HELP)
app = typer.Typer(cls=SpeakingGroup, no_args_is_help=True,
                  help=MESSAGES.say(HELP, "supportmatch: match SMEs to the support measures they qualify for."))
keys_app = typer.Typer(cls=SpeakingGroup, help=MESSAGES.say(HELP, "API keys."), no_args_is_help=True)
app.add_typer(keys_app, name="keys")
outcomes_app = typer.Typer(cls=SpeakingGroup, no_args_is_help=True, help=MESSAGES.say(
    HELP, "Outcomes: what became of the measures firms on file were shown."))
app.add_typer(outcomes_app, name="outcomes")
console = Console()
err = Console(stderr=True)
CLI_ACTOR = "cli"


def _engine() -> Engine:
    return make_engine(get_policies_settings().database_url)


def _print_findings(findings: list[Finding], title: str, language: Language) -> None:
    table = Table(title=title)
    for column in (N_("code"), N_("where"), N_("rule")):
        table.add_column(MESSAGES.say(language, column), no_wrap=True)
    table.add_column(MESSAGES.say(language, "finding"), overflow="fold")
    for finding in findings:
        said = finding.message_zh if language is Language.zh else finding.message
        table.add_row(finding.code, finding.path, finding.rule, escape(said))
    err.print(table)


def _print_report(report: ImportReport, language: Language) -> None:
    if report.warnings:
        _print_findings(report.warnings, MESSAGES.say(
            language, "{count} lint warning(s) — they do not block the import", count=len(report.warnings)), language)
    if report.problems:
        table = Table(title=MESSAGES.say(language, "{count} problem(s) — nothing was changed",
                                         count=len(report.problems)))
        for column in (N_("record"), N_("code"), N_("field"), N_("problem")):
            table.add_column(MESSAGES.say(language, column))
        for problem in report.problems:
            table.add_row(str(problem.record), problem.code or "", problem.path,
                          in_reader_language(problem.message, language))
        err.print(table)
        return
    title = (MESSAGES.say(language, "dry run: nothing was changed") if report.dry_run
             else MESSAGES.say(language, "import done"))
    table = Table(title=title)
    table.add_column(MESSAGES.say(language, "result"))
    table.add_column(MESSAGES.say(language, "measures"), justify="right")
    table.add_row(MESSAGES.say(language, "created"), str(len(report.created)))
    table.add_row(MESSAGES.say(language, "updated"), str(len(report.updated)))
    table.add_row(MESSAGES.say(language, "unchanged"), str(len(report.unchanged)))
    console.print(table)


def _run_import(engine: Engine, raw: list[object], *, dry_run: bool, actor: str, language: Language) -> ImportReport:
    with Progress(console=err, transient=True) as progress, session_scope(engine) as session:
        task = progress.add_task(MESSAGES.say(language, "importing"), total=len(raw))
        try:
            return import_records(
                session=session, raw=raw, actor=actor, dry_run=dry_run,
                progress=lambda n: progress.advance(task, n),
            )
        except ImportRejected as exc:
            return ImportReport(dry_run=dry_run, problems=exc.problems)


@app.command(cls=SpeakingCommand, help=MESSAGES.say(HELP, "Create or upgrade the database schema."))
def migrate() -> None:
    """A database that cannot be opened (a mistyped path, a server that does not answer) is said in one line:
    a traceback would bury the one fact the operator needs."""
    language = get_api_settings().language
    url = get_policies_settings().database_url
    try:
        upgrade_database(url)
    except OperationalError as exc:
        err.print(MESSAGES.say(language, "[red]cannot open or migrate the database[/red] {url}: {error}",
                               url=escape(_shown(url)), error=escape(in_reader_language(str(exc.orig), language))))
        raise typer.Exit(1) from None
    console.print(MESSAGES.say(language, "database is at the newest schema"))


@app.command("load-sample", cls=SpeakingCommand, help=MESSAGES.say(
    HELP, "Load the bundled sample catalogue (only into an empty catalogue unless --force)."))
def load_sample(force: Annotated[bool, typer.Option(
        help=MESSAGES.say(HELP, "load even if the catalogue is not empty"))] = False) -> None:
    """Only --force upserts into a catalogue that has measures: they are curators' work, which sample measures
    of the same codes would overwrite."""
    settings = get_api_settings()
    language = settings.language
    engine = _engine()
    with session_scope(engine) as session:
        if repository.count_measures(session) and not force:
            console.print(MESSAGES.say(
                language, "catalogue is not empty; sample not loaded (use --force to upsert it)"))
            return
    report = _run_import(engine, read_directory(settings.sample_dir), dry_run=False, actor="sample", language=language)
    _print_report(report, language)
    if report.problems:
        raise typer.Exit(1)


@app.command("import", cls=SpeakingCommand, help=MESSAGES.say(HELP, "Import measures, all or nothing, upserting by code."))
def import_file(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help=MESSAGES.say(HELP, "a .json, .yaml or .csv file"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=MESSAGES.say(HELP, "report problems and change nothing"))
                       ] = False,
    actor: Annotated[str, typer.Option(help=MESSAGES.say(HELP, "name recorded in revisions"))] = CLI_ACTOR,
) -> None:
    """All or nothing, so that a file with one bad record never leaves the catalogue half updated."""
    language = get_api_settings().language
    raw = read_records(path.read_text(encoding="utf-8-sig"), format_for_filename(path.name))
    report = _run_import(_engine(), raw, dry_run=dry_run, actor=actor, language=language)
    _print_report(report, language)
    if report.problems:
        raise typer.Exit(1)


@app.command("lint", cls=SpeakingCommand, help=MESSAGES.say(
    HELP, "Check a catalogue file for rules written as prose and other slips; exit 1 when anything is found."))
def lint_file(
    path: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False, help=MESSAGES.say(
        HELP, "a .json, .yaml or .csv file; default: the bundled sample catalogue"))] = None,
) -> None:
    """Exit status 1 on any finding, so that a CI job can keep prose rules out of a catalogue before it is imported."""
    settings = get_api_settings()
    language = settings.language
    if path is None:
        raw = read_directory(settings.sample_dir)
    else:
        raw = read_records(path.read_text(encoding="utf-8-sig"), format_for_filename(path.name))
    records, problems = validate_records(raw)
    if problems:
        _print_report(ImportReport(dry_run=True, problems=problems), language)
        raise typer.Exit(1)
    findings = lint(records)
    if findings:
        _print_findings(findings, MESSAGES.say(language, "{count} finding(s) in {measures} measure(s)",
                                               count=len(findings), measures=len(records)), language)
        raise typer.Exit(1)
    console.print(MESSAGES.say(language, "{count} measure(s): no findings", count=len(records)))


@app.command("export", cls=SpeakingCommand, help=MESSAGES.say(
    HELP, "Export the whole catalogue (every status) in a format import reads back."))
def export_file(
    path: Annotated[str, typer.Argument(help=MESSAGES.say(HELP, "output file, or - for standard output"))],
    fmt: Annotated[Format | None, typer.Option("--format", help=MESSAGES.say(HELP, "default: from the file name"))
                   ] = None,
) -> None:
    """Every status, in a format `import` reads back, so that a catalogue moves between servers, or out to be
    edited and back, as one file."""
    language = get_api_settings().language
    chosen = fmt or (Format.json if path == "-" else format_for_filename(path))
    with session_scope(_engine()) as session:
        text = write_records([curation.document_of(row) for row in repository.list_all(session)], chosen)
    if path == "-":
        sys.stdout.write(text)
    else:
        Path(path).write_text(text, encoding="utf-8")
        err.print(MESSAGES.say(language, "wrote {path}", path=path))


@keys_app.command("create", cls=SpeakingCommand, help=MESSAGES.say(HELP, "Create an API key and print it. It is shown this once."))
def keys_create(
    role: Annotated[Role, typer.Option(help=MESSAGES.say(HELP, "portal, curator or admin"))],
    label: Annotated[str, typer.Option(
        help=MESSAGES.say(HELP, "who or what will use the key"))] = MESSAGES.say(HELP, "created from the CLI"),
    tenant: Annotated[str | None, typer.Option(help=MESSAGES.say(
        HELP, "owner of the firms a portal stores; default: the key alone"))] = None,
    rate_limit: Annotated[int | None, typer.Option(min=1, max=1_000_000, help=MESSAGES.say(
        HELP, "requests a minute; default: API_RATE_LIMIT_PER_MINUTE"))] = None,
) -> None:
    """The key alone goes to standard output, so that a script can capture it; the database keeps only its hash,
    so it cannot be shown again."""
    language = get_api_settings().language
    with session_scope(_engine()) as session:
        key, plain = keys.create_key(session=session, role=role, label=label, actor=CLI_ACTOR, tenant=tenant,
                                     rate_limit_per_minute=rate_limit)
        err.print(MESSAGES.say(language, "key {prefix} ({role}, {label}); store it now, it is not shown again:",
                               prefix=key.prefix, role=key.role, label=key.label))
    print(plain)


@keys_app.command("list", cls=SpeakingCommand, help=MESSAGES.say(HELP, "List keys (never the keys themselves)."))
def keys_list() -> None:
    """Only a key's hash is stored: its prefix is what tells keys apart, its id what `keys revoke` takes."""
    language = get_api_settings().language
    table = Table()
    for column in (N_("id"), N_("prefix"), N_("role"), N_("label"), N_("created"), N_("revoked")):
        table.add_column(MESSAGES.say(language, column))
    with session_scope(_engine()) as session:
        for key in repository.list_keys(session):
            revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else ""
            table.add_row(str(key.id), key.prefix, key.role, key.label,
                          key.created_at.isoformat(timespec="seconds"), revoked)
    console.print(table)


@keys_app.command("revoke", cls=SpeakingCommand, help=MESSAGES.say(HELP, "Revoke a key by id."))
def keys_revoke(key_id: int) -> None:
    """By id, as `keys list` shows it: the key itself is not stored, and who revokes it may not hold it."""
    language = get_api_settings().language
    with session_scope(_engine()) as session:
        try:
            key = keys.revoke_key(session=session, key_id=key_id, actor=CLI_ACTOR)
        except ApiKeyNotFound as exc:
            err.print(MESSAGES.say(language, "[red]not revoked:[/red] {error} (`supportmatch keys list` shows the ids)",
                                   error=escape(in_reader_language(str(exc), language))))
            raise typer.Exit(1) from None
        console.print(MESSAGES.say(language, "key {prefix} revoked", prefix=key.prefix))


@outcomes_app.command("import", cls=SpeakingCommand, help=MESSAGES.say(
    HELP, "Import a bureau's published list (award recipients, recognised firms) as outcomes of the firms on file, "
    "matched by unified social credit code; all or nothing."))
def outcomes_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=MESSAGES.say(
        HELP, "a .csv, .json or .yaml list; columns: uscc, name, measure_code, event, occurred_on, amount_yuan, "
        "reason"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=MESSAGES.say(HELP, "report problems and change nothing"))
                       ] = False,
    actor: Annotated[str, typer.Option(help=MESSAGES.say(HELP, "name recorded in revisions"))] = CLI_ACTOR,
) -> None:
    """Every row is accounted for: recorded (for how many firms), not matched to any firm on file, or a problem;
    exit 1 on any problem (then nothing changed)."""
    language = get_api_settings().language
    rows = read_rows(path.read_text(encoding="utf-8-sig"), format_for_filename(path.name))
    with session_scope(_engine()) as session:
        report = import_list(session, rows, actor=actor, dry_run=dry_run)
    if report.problems:
        table = Table(title=MESSAGES.say(language, "{count} problem(s) — nothing was changed",
                                         count=len(report.problems)))
        for column in (N_("line"), N_("field"), N_("problem")):
            table.add_column(MESSAGES.say(language, column))
        for problem in report.problems:
            table.add_row(str(problem.line), problem.field, escape(in_reader_language(problem.message, language)))
        err.print(table)
        raise typer.Exit(1)
    if report.unmatched:
        table = Table(title=MESSAGES.say(language, "{count} row(s) match no firm on file: not recorded",
                                         count=len(report.unmatched)))
        for column in (N_("line"), N_("credit code"), N_("name")):
            table.add_column(MESSAGES.say(language, column))
        for line, code, name in report.unmatched:
            table.add_row(str(line), code, escape(name))
        console.print(table)
    done = (MESSAGES.say(language, "dry run: nothing was changed") if report.dry_run
            else MESSAGES.say(language, "import done"))
    console.print(MESSAGES.say(language, "{done}: {rows} row(s) recorded as {outcomes} outcome(s); {unmatched} "
                               "row(s) matched no firm", done=done, rows=len(report.recorded),
                               outcomes=sum(count for *_, count in report.recorded), unmatched=len(report.unmatched)))


def _print_summary(title: str, summary: Summary, *, caption: str, language: Language) -> None:
    table = Table(title=title, caption=escape(caption))
    table.add_column(MESSAGES.say(language, "what"))
    table.add_column(MESSAGES.say(language, "rows"), justify="right")
    revision = summary.revision or MESSAGES.say(language, "none")
    if summary.revision == summary.head:
        revision = MESSAGES.say(language, "{revision} (head)", revision=revision)
    if summary.upgraded_from:
        revision = f"{summary.upgraded_from} → {revision}"
    table.add_row(MESSAGES.say(language, "schema revision"), revision)
    for label, count in summary.counts.items():
        table.add_row(in_reader_language(label, language), f"{count:,}")
    console.print(table)


@app.command("backup", cls=SpeakingCommand, help="\n\n".join((
    MESSAGES.say(HELP, "Back up the whole database to one file, consistently, while the server runs."),
    MESSAGES.say(
        HELP, "SQLite: a SQLite file made with the online backup API. PostgreSQL: a pg_dump custom-format archive."),
)))
def backup_command(
    path: Annotated[Path, typer.Argument(dir_okay=False, help=MESSAGES.say(
        HELP, "backup file to write (replaced if it exists)"))],
) -> None:
    """While the server runs, so it must be one consistent state: SQLite's online backup API for SQLite, a pg_dump
    custom-format archive (one snapshot) for PostgreSQL."""
    language = get_api_settings().language
    url = get_policies_settings().database_url
    summary = _or_exit(N_("[red]backup failed:[/red] {error}"), backup_database, url, path, language)
    _print_summary(MESSAGES.say(language, "backup written to {path}", path=escape(str(path))), summary,
                   caption=MESSAGES.say(language, "from {url}", url=_shown(url)), language=language)


@app.command("restore", cls=SpeakingCommand, help="\n\n".join((
    MESSAGES.say(HELP, "Replace everything in the database with a backup, then migrate it to the newest schema."),
    MESSAGES.say(HELP, "Refuses a backup made by a newer version (a schema revision this code does not know)."),
)))
def restore_command(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=MESSAGES.say(
        HELP, "a file `supportmatch backup` wrote"))],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=MESSAGES.say(HELP, "do not ask for confirmation"))] = False,
) -> None:
    """Migrations only go forward: this code could neither serve nor upgrade a backup at a revision it does not
    know, so such a backup is refused before anything is replaced."""
    language = get_api_settings().language
    url = get_policies_settings().database_url
    if not yes:
        typer.confirm(MESSAGES.say(language, "Replace everything in {url} with {path}?", url=_shown(url), path=path),
                      abort=True, err=True)
    summary = _or_exit(N_("[red]restore refused or failed:[/red] {error}"), restore_database, url, path, language)
    _print_summary(MESSAGES.say(language, "restored from {path}", path=escape(str(path))), summary,
                   caption=MESSAGES.say(language, "into {url}", url=_shown(url)), language=language)


def _or_exit(failure: str, run: Callable[[str, Path], Summary], url: str, path: Path, language: Language) -> Summary:
    """Run a backup or a restore; a BackupError is said in one red line (`failure`, a message with {error}) and
    exits 1."""
    try:
        return run(url, path)
    except BackupError as exc:
        err.print(MESSAGES.say(language, failure, error=escape(in_reader_language(str(exc), language))))
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


@app.command(cls=SpeakingCommand, help=MESSAGES.say(HELP, "Migrate, load the sample catalogue on first start, and serve the API."))
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[int | None, typer.Option(min=1, help=MESSAGES.say(
        HELP, "worker processes (default API_WORKERS, 1)"))] = None,
) -> None:
    """Migrates and loads the sample first, so that one command starts a working service on a new machine; a
    catalogue on file is never touched."""
    settings = get_api_settings()
    url = make_url(get_policies_settings().database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        # Not silent: a file deleted or moved while the service ran would otherwise come back empty unnoticed.
        shown = escape(str(Path(url.database).resolve()))
        err.print(MESSAGES.say(settings.language,
                               "[yellow]no database at {path}: creating a new one with the sample catalogue[/yellow]",
                               path=shown) if settings.load_sample else
                  MESSAGES.say(settings.language, "[yellow]no database at {path}: creating a new one[/yellow]",
                               path=shown))
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

"""All-or-nothing import: validate every record, then upsert by code in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from policies import curation, repository
from policies.errors import ImportRejected, Problem
from policies.importing.formats import format_for_filename, read_records
from policies.lint import Finding, lint
from policies.messages import MESSAGES
from policies.schemas import MeasureRecord
from policies.validation import problems_of


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Lint findings on the records that validated: shown to the curator, never a reason to refuse the import.
    warnings: list[Finding] = field(default_factory=list)


def validate_records(raw: list[Any]) -> tuple[list[MeasureRecord], list[Problem]]:
    """Every problem in every record, not just the first: a curator fixes a file in one pass."""
    records: list[MeasureRecord] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.append(Problem(index, None, "(record)",
                                    MESSAGES.say("en", "each record must be a mapping of fields")))
            continue
        code = item.get("code") if isinstance(item.get("code"), str) else None
        if code is not None and code in first_seen:
            problems.append(Problem(index, code, "code", MESSAGES.say("en", "duplicate of record {record}",
                                                                      record=first_seen[code])))
        elif code is not None:
            first_seen[code] = index
        try:
            records.append(MeasureRecord.model_validate(item))
        except ValidationError as exc:
            problems += problems_of(exc, record=index, code=code)
    return records, problems


def import_records(
    *,
    session: Session,
    raw: list[Any],
    actor: str,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert measures by code. With problems nothing is written; a dry run never writes.

    Raises:
        ImportRejected: a real (not dry) run found problems; the report's problems are on it.
    """
    records, problems = validate_records(raw)
    report = ImportReport(dry_run=dry_run, problems=problems, warnings=lint(records))
    if problems:
        if dry_run:
            return report
        raise ImportRejected(problems)
    existing = repository.get_many_by_codes(session, [record.code for record in records])
    for record in records:
        measure = existing.get(record.code)
        if measure is None:
            report.created.append(record.code)
            if not dry_run:
                curation.add_measure(session=session, record=record, actor=actor, action="import")
        elif record.model_dump(mode="json", exclude_none=True) == curation.document_of(measure):
            report.unchanged.append(record.code)
        else:
            report.updated.append(record.code)
            if not dry_run:
                curation.replace_measure(session=session, measure=measure, record=record, actor=actor, action="import")
        if progress:
            progress(1)
    if not dry_run:
        session.commit()
    return report


def read_directory(folder: Path) -> list[Any]:
    """Raw records of every catalogue file in a folder, in file-name order."""
    raw: list[Any] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in (".json", ".yaml", ".yml", ".csv"):
            raw += read_records(path.read_text(encoding="utf-8"), format_for_filename(path.name))
    return raw

"""A bureau's published list (award recipients, recognised firms) turned into outcomes of the firms on file.

Bureaus publish every year who was recognised and who received what, by name and unified social credit
code. Each row is matched to the stored firms by credit code, across portals (each portal's firm gets its
own outcome, and each portal sees only its own); a row no stored firm carries is reported, never dropped in
silence, and a file with any invalid row changes nothing, as a measure import does.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, ValidationError
from sqlmodel import Session, col, select

from matching.errors import MeasureNotOnFile
from matching.firm.profile import USCC
from matching.messages import MESSAGES
from matching.store import outcomes
from matching.store.models import Firm
from matching.store.outcomes import OutcomeSource, OutcomeWrite
from policies.importing.formats import MAX_FILE_CHARS, EmptyFile, Format, UnreadableFile
from policies.importing.parsing import load_json, load_yaml
from policies.importing.spreadsheet import BOM, read_cell
from policies.validation import field_path


class ListedOutcome(OutcomeWrite):
    """One row of a published list: who (credit code, and the name as printed) and what became of which measure."""

    uscc: USCC
    name: str = Field(min_length=1, max_length=200, description="the firm's name as the list prints it")


COLUMNS = tuple(ListedOutcome.model_fields)


@dataclass
class Problem:
    line: int
    field: str
    message: str


@dataclass
class ListReport:
    """What an import did, row by row: nothing is left out of it."""

    dry_run: bool
    recorded: list[tuple[int, str, int]] = field(default_factory=list)  # (line, credit code, outcomes recorded)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (line, credit code, name)
    problems: list[Problem] = field(default_factory=list)


def read_rows(text: str, fmt: Format) -> list[tuple[int, Any]]:
    """(line or position, raw row) of a CSV, JSON or YAML list: unvalidated."""
    if len(text) > MAX_FILE_CHARS:
        raise UnreadableFile(MESSAGES.say("en", "import files are limited to {limit} characters",
                                          limit=f"{MAX_FILE_CHARS:,}"))
    if not text.strip():
        raise EmptyFile(MESSAGES.say("en", "the file is empty: there is nothing to import"))
    if fmt is Format.csv:
        reader = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""))
        header = [read_cell(name) for name in next(reader, [])]
        unknown = sorted(set(header) - set(COLUMNS))
        if unknown:
            raise UnreadableFile(MESSAGES.say("en", "unknown CSV columns: {columns}", columns=", ".join(unknown)))
        rows = [(reader.line_num, _csv_row(header, cells)) for cells in reader if cells]
    else:
        data = load_json(text) if fmt is Format.json else load_yaml(text)
        if not isinstance(data, list):
            raise UnreadableFile(MESSAGES.say("en", "expected a list of rows"))
        rows = list(enumerate(data, start=1))
    if not rows:
        raise EmptyFile(MESSAGES.say("en", "the file holds no rows: there is nothing to import"))
    return rows


def _csv_row(header: list[str], cells: list[str]) -> dict[str, str]:
    """A row by column; cells past the header keep a name of their own, so validation refuses them by name."""
    named = [*header, *(f"column {number}" for number in range(len(header) + 1, len(cells) + 1))]
    return {name: cell for name, raw in zip(named, cells, strict=False) if (cell := read_cell(raw)) != ""}


def import_list(session: Session, rows: list[tuple[int, Any]], *, actor: str, dry_run: bool) -> ListReport:
    """Record every matched row's outcome for every stored firm with its credit code, all or nothing."""
    report = ListReport(dry_run=dry_run)
    listed: list[tuple[int, ListedOutcome]] = []
    for line, raw in rows:
        try:
            row = ListedOutcome.model_validate(raw)
        except ValidationError as exc:
            report.problems += [Problem(line, field_path(error["loc"]), error["msg"]) for error in exc.errors()]
            continue
        try:
            outcomes.check_measure(session, row.measure_code)
        except MeasureNotOnFile as exc:
            report.problems.append(Problem(line, "measure_code", str(exc)))
            continue
        listed.append((line, row))
    if report.problems:
        return report
    holders = _firms_by_credit_code(session, {row.uscc for _, row in listed})
    for line, row in listed:
        found = holders.get(row.uscc, [])
        if not found:
            report.unmatched.append((line, row.uscc, row.name))
            continue
        data = OutcomeWrite.model_validate(row.model_dump(exclude={"uscc", "name"}))
        for firm in found:
            assert firm.id is not None
            outcomes.add(session, firm.tenant, firm.id, data, actor, OutcomeSource.bureau_list)
        report.recorded.append((line, row.uscc, len(found)))
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return report


def _firms_by_credit_code(session: Session, codes: set[str]) -> dict[str, list[Firm]]:
    """Live firms of every portal whose profile carries one of these codes."""
    found: dict[str, list[Firm]] = {}
    if not codes:
        return found
    credit_code = Firm.profile["uscc"].as_string()
    statement = (select(Firm).where(credit_code.in_(sorted(codes)), col(Firm.deleted_at).is_(None))
                 .order_by(col(Firm.id)))
    for firm in session.exec(statement).all():
        found.setdefault(str(firm.profile["uscc"]), []).append(firm)
    return found

"""Reading and writing catalogue files. No database here: records in, records out.

JSON and YAML hold a list of measures, or a mapping with a `measures` list. CSV has
one row per measure; list fields (jurisdiction, industries) are joined with `;`
and structured fields (criteria, benefit, window) are JSON text in their cell.

A file comes from outside, so reading it is bounded: MAX_FILE_CHARS of text, parsing.MAX_DEPTH levels
of nesting, no YAML anchors or aliases, no duplicate keys or columns, and every parser fault (whatever
exception the parser raises) becomes UnreadableFile with the line at fault. CSV cells go through
spreadsheet.safe_cell on the way out and spreadsheet.read_cell on the way in.
"""

import csv
import io
import json
from enum import StrEnum
from typing import Any

import yaml

from policies.importing.parsing import load_json, load_yaml
from policies.importing.spreadsheet import BOM, read_cell, write_csv
from policies.messages import MESSAGES
from policies.schemas import MeasureRecord


class Format(StrEnum):
    json = "json"
    yaml = "yaml"
    csv = "csv"


class UnreadableFile(ValueError):
    """The file is not valid JSON, YAML or CSV of the expected shape."""


class EmptyFile(UnreadableFile):
    """The file holds no measure: an import of it would do nothing, so it is refused, not answered "ok"."""


MAX_FILE_CHARS = 20 * 1024 * 1024
"""The longest file read (the HTTP route refuses more bytes than this before decoding)."""
# Every parser fault, whatever its type: a RecursionError cannot happen past the depth checks, but
# a parser fault must never surface as a 500.
_PARSER_ERRORS = (ValueError, TypeError, RecursionError, yaml.YAMLError, csv.Error)


CSV_COLUMNS: tuple[str, ...] = tuple(MeasureRecord.model_fields)
_LIST_COLUMNS = ("jurisdiction", "industries")
_JSON_COLUMNS = ("criteria", "benefit", "window")


def format_for_filename(name: str) -> Format:
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix in ("yml", "yaml"):
        return Format.yaml
    if suffix in ("json", "csv"):
        return Format(suffix)
    raise UnreadableFile(MESSAGES.say("en", "cannot tell the format of {name}: use .json, .yaml, .yml or .csv",
                                      name=repr(name)))


def read_records(text: str, fmt: Format) -> list[Any]:
    """Parse a file into raw records (unvalidated).

    Raises:
        EmptyFile: no text, or no record in it.
        UnreadableFile: too long, not valid JSON, YAML or CSV (see the module's limits), or the wrong shape.
    """
    if len(text) > MAX_FILE_CHARS:
        raise UnreadableFile(MESSAGES.say("en", "import files are limited to {limit} characters",
                                          limit=f"{MAX_FILE_CHARS:,}"))
    if not text.strip():
        raise EmptyFile(MESSAGES.say("en", "the file is empty: there is nothing to import"))
    if fmt is Format.csv:
        records = _read_csv(text)
    else:
        try:
            data = load_json(text) if fmt is Format.json else load_yaml(text)
        except _PARSER_ERRORS as exc:
            raise UnreadableFile(MESSAGES.say("en", "not valid {format}: {error}", format=fmt.value,
                                              error=exc)) from exc
        if isinstance(data, dict) and isinstance(data.get("measures"), list):
            data = data["measures"]
        if not isinstance(data, list):
            raise UnreadableFile(MESSAGES.say("en", "expected a list of measures, or a mapping with a 'measures' list"))
        records = data
    if not records:
        raise EmptyFile(MESSAGES.say("en", "the file holds no measures: there is nothing to import"))
    return records


def _read_csv(text: str) -> list[Any]:
    """Rows as records. newline="" lets the csv module see the line endings (LF, CRLF or a bare CR).

    A byte-order mark (which our exports and Excel's "CSV UTF-8" write) is not part of the first column's name.
    """
    reader = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""))
    try:
        header = [read_cell(name) for name in next(reader, [])]
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise UnreadableFile(MESSAGES.say("en", "line {line}: CSV column {column} appears more than once",
                                              line=reader.line_num, column=repr(repeated[0])))
        unknown = sorted(set(header) - set(CSV_COLUMNS))
        if unknown:
            raise UnreadableFile(MESSAGES.say("en", "unknown CSV columns: {columns}", columns=", ".join(unknown)))
        records: list[Any] = []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if cells:  # a blank line is skipped
                records.append(_csv_record(header, cells, line))
    except csv.Error as exc:  # e.g. a cell over the csv module's 131,072-character limit
        raise UnreadableFile(MESSAGES.say("en", "line {line}: not valid CSV: {error}", line=reader.line_num,
                                          error=exc)) from exc
    return records


def _csv_record(header: list[str], cells: list[str], line: int) -> dict[str | None, Any]:
    """One row as a record; cells past the header go under None, which validation reports as a problem."""
    record: dict[str | None, Any] = {}
    for column, raw in zip(header, cells, strict=False):
        cell = read_cell(raw)
        if cell == "":
            continue
        if column in _LIST_COLUMNS:
            record[column] = [part.strip() for part in cell.split(";") if part.strip()]
        elif column in _JSON_COLUMNS:
            try:
                record[column] = load_json(cell)
            except _PARSER_ERRORS as exc:
                raise UnreadableFile(MESSAGES.say("en", "line {line}, column {column}: not valid JSON: {error}",
                                                  line=line, column=column, error=exc)) from exc
        else:
            record[column] = cell
    if len(cells) > len(header):
        record[None] = cells[len(header):]
    return record


def write_records(documents: list[dict[str, Any]], fmt: Format) -> str:
    """Serialise measure documents (as curation.document_of gives them)."""
    if fmt is Format.json:
        return json.dumps({"measures": documents}, ensure_ascii=False, indent=2) + "\n"
    if fmt is Format.yaml:
        return yaml.safe_dump({"measures": documents}, allow_unicode=True, sort_keys=False)
    rows: list[list[str | None]] = []
    for document in documents:
        row: list[str | None] = []
        for column in CSV_COLUMNS:
            value = document.get(column)
            if value is None:
                row.append(None)
            elif column in _LIST_COLUMNS:
                row.append(";".join(value))
            elif column in _JSON_COLUMNS:
                row.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
            else:
                row.append(str(value))
        rows.append(row)
    return write_csv(CSV_COLUMNS, rows)  # formula-looking text is quoted; read_cell undoes it on import

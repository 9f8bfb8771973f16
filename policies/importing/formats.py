"""Reading and writing catalogue files. No database here: records in, records out.

JSON and YAML hold a list of measures, or a mapping with a `measures` list. CSV has
one row per measure; list fields (jurisdiction, industries) are joined with `;`
and structured fields (criteria, benefit, window) are JSON text in their cell.
"""

import csv
import io
import json
from enum import StrEnum
from typing import Any

import yaml

from policies.schemas import MeasureRecord


class Format(StrEnum):
    json = "json"
    yaml = "yaml"
    csv = "csv"


class UnreadableFile(ValueError):
    """The file is not valid JSON, YAML or CSV of the expected shape."""


CSV_COLUMNS: tuple[str, ...] = tuple(MeasureRecord.model_fields)
_LIST_COLUMNS = ("jurisdiction", "industries")
_JSON_COLUMNS = ("criteria", "benefit", "window")


def format_for_filename(name: str) -> Format:
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix in ("yml", "yaml"):
        return Format.yaml
    if suffix in ("json", "csv"):
        return Format(suffix)
    raise UnreadableFile(f"cannot tell the format of {name!r}: use .json, .yaml, .yml or .csv")


def read_records(text: str, fmt: Format) -> list[Any]:
    """Parse a file into raw records (unvalidated)."""
    if fmt is Format.csv:
        return _read_csv(text)
    try:
        data = json.loads(text) if fmt is Format.json else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise UnreadableFile(f"not valid {fmt.value}: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("measures"), list):
        data = data["measures"]
    if not isinstance(data, list):
        raise UnreadableFile("expected a list of measures, or a mapping with a 'measures' list")
    return data


def _read_csv(text: str) -> list[Any]:
    reader = csv.DictReader(io.StringIO(text))
    unknown = sorted(set(reader.fieldnames or []) - set(CSV_COLUMNS))
    if unknown:
        raise UnreadableFile(f"unknown CSV columns: {', '.join(unknown)}")
    records: list[Any] = []
    for line, row in enumerate(reader, start=2):
        record: dict[str, Any] = {}
        for column, cell in row.items():
            if cell is None or cell == "":
                continue
            if column in _LIST_COLUMNS:
                record[column] = [part.strip() for part in cell.split(";") if part.strip()]
            elif column in _JSON_COLUMNS:
                try:
                    record[column] = json.loads(cell)
                except json.JSONDecodeError as exc:
                    raise UnreadableFile(f"line {line}, column {column}: not valid JSON: {exc}") from exc
            else:
                record[column] = cell
        records.append(record)
    return records


def write_records(documents: list[dict[str, Any]], fmt: Format) -> str:
    """Serialise measure documents (as curation.document_of gives them)."""
    if fmt is Format.json:
        return json.dumps({"measures": documents}, ensure_ascii=False, indent=2) + "\n"
    if fmt is Format.yaml:
        return yaml.safe_dump({"measures": documents}, allow_unicode=True, sort_keys=False)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for document in documents:
        row: dict[str, str] = {}
        for column in CSV_COLUMNS:
            value = document.get(column)
            if value is None:
                row[column] = ""
            elif column in _LIST_COLUMNS:
                row[column] = ";".join(value)
            elif column in _JSON_COLUMNS:
                row[column] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            else:
                row[column] = str(value)
        writer.writerow(row)
    return out.getvalue()

"""Reading catalogue files: every malformed file is an UnreadableFile naming the fault, never another error."""

import csv
import io

import pytest

from policies.importing.formats import (
    CSV_COLUMNS,
    MAX_FILE_CHARS,
    EmptyFile,
    Format,
    UnreadableFile,
    read_records,
    write_records,
)
from policies.importing.parsing import MAX_DEPTH

DEEP = "[" * 2_000 + "]" * 2_000


@pytest.mark.parametrize(("text", "fmt", "message"), [
    (DEEP, Format.json, f"line 1: nested deeper than {MAX_DEPTH} levels"),
    (DEEP, Format.yaml, f"line 1: nested deeper than {MAX_DEPTH} levels"),
    ("".join(" " * n + "a:\n" for n in range(3_000)), Format.yaml, "nested deeper"),
    ('code,criteria\nX-1,"' + DEEP + '"\n', Format.csv, "line 2, column criteria: not valid JSON: line 1: nested deeper"),
    ("code,body\nX-1," + "a" * 131_073 + "\n", Format.csv, "line 2: not valid CSV: field larger than field limit"),
    ("code,title_en,code\nX-1,a,X-2\n", Format.csv, "line 1: CSV column 'code' appears more than once"),
    ('[{"code": "A", "code": "B"}]', Format.json, "line 1: key 'code' appears twice"),
    ("- code: A\n  code: B\n", Format.yaml, "line 2: key 'code' appears twice"),
    ("a: &x [1]\nb: *x\n", Format.yaml, "line 1: YAML anchors (&x) are not read"),
    ('[{"x": ' + "9" * 5_000 + "}]", Format.json, "Exceeds the limit (4300 digits)"),
    ("- effective_from: 2026-02-30\n", Format.yaml, "line 1: day is out of range for month"),
    ("- ? [a]\n  : 1\n", Format.yaml, "line 1: a mapping key must be a plain value"),
    ('code,criteria\nX-1,"[{""type"": ""a"", ""type"": ""b""}]"\n', Format.csv,
     "line 2, column criteria: not valid JSON: line 1: key 'type' appears twice"),
])
def test_malformed_files_are_unreadable_and_say_why(text: str, fmt: Format, message: str) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_records(text, fmt)
    assert message in str(caught.value)
    assert not isinstance(caught.value, EmptyFile)


def test_an_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(UnreadableFile, match="limited to"):
        read_records(" " * (MAX_FILE_CHARS + 1), Format.json)


@pytest.mark.parametrize(("text", "fmt"), [
    ("", Format.json), (" \n", Format.yaml), ("\r\n", Format.csv),
    ("[]", Format.json), ('{"measures": []}', Format.json), ("measures: []\n", Format.yaml),
    (",".join(CSV_COLUMNS) + "\n", Format.csv), ("code\n\n\n", Format.csv),
])
def test_a_file_with_nothing_to_import_is_refused(text: str, fmt: Format) -> None:
    with pytest.raises(EmptyFile):
        read_records(text, fmt)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_csv_line_endings_lf_crlf_and_bare_cr(ending: str) -> None:
    text = ending.join(["code,body", 'X-1,"two\rlines"', "", "X-2,plain", ""])
    assert read_records(text, Format.csv) == [{"code": "X-1", "body": "two\rlines"}, {"code": "X-2", "body": "plain"}]


def test_csv_line_numbers_count_lines_not_rows() -> None:
    text = 'code,body,window\nX-1,"a\nb\nc",\n\nX-2,,{broken\n'
    with pytest.raises(UnreadableFile, match="line 6, column window"):
        read_records(text, Format.csv)


def test_one_leading_quote_is_removed_from_every_csv_cell() -> None:
    text = "code,title_en,body,jurisdiction,benefit\n'X-1,'=1+1,''quoted,'330300;000000,'{}\n"
    assert read_records(text, Format.csv) == [{
        "code": "X-1", "title_en": "=1+1", "body": "'quoted", "jurisdiction": ["330300", "000000"], "benefit": {},
    }]


def test_csv_cells_past_the_header_are_kept_for_validation_to_report() -> None:
    assert read_records("code\nX-1,extra\n", Format.csv) == [{"code": "X-1", None: ["extra"]}]


def test_csv_export_quotes_formula_text_and_reads_back_unchanged() -> None:
    starts = ["=", "+", "-", "@", "\t", "\r", "'"]
    documents = [{"code": f"X-{n}", "title_en": f"{start}SUM(A1:A9)", "body": f"{start}{start}body\rwith CR",
                  "criteria": [{"type": "manual", "text": f"{start}cmd|' /C calc'!A0"}]}
                 for n, start in enumerate(starts)]
    text = write_records(documents, Format.csv)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    for row, start in zip(rows, starts, strict=True):
        assert row["title_en"] == f"'{start}SUM(A1:A9)"
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
    assert read_records(text, Format.csv) == documents

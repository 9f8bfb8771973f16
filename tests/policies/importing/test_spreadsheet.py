"""CSV cells a spreadsheet will not run as formulas, and the exact inverse for reading exports back."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from policies.importing.spreadsheet import FORMULA_STARTS, read_cell, safe_cell, write_csv


def test_formula_cells_get_one_quote() -> None:
    for start in FORMULA_STARTS:
        assert safe_cell(f"{start}HYPERLINK(\"http://x\")") == f"'{start}HYPERLINK(\"http://x\")"
    assert safe_cell("'already quoted") == "''already quoted"  # so that reading it back is exact
    assert safe_cell("温州 award") == "温州 award"
    assert safe_cell(None) == ""


def test_numbers_are_data_and_stay_numbers() -> None:
    assert safe_cell(-0.25) == "-0.25"
    assert safe_cell(-3) == "-3"
    assert safe_cell("-3") == "'-3"  # the same characters as text could be anything: quoted
    assert safe_cell(float("-inf")) == "'-inf"


@given(st.text())
def test_reading_undoes_writing_exactly(value: str) -> None:
    written = safe_cell(value)
    assert read_cell(written) == value
    assert not written.startswith(FORMULA_STARTS)


def test_every_cell_of_a_written_file_is_safe_and_cr_stays_in_its_cell() -> None:
    text = write_csv(["name", "score"], [["=1+1", -1.5], ["a\rb", 2], ["\rtrap", None]])
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows == [["name", "score"], ["'=1+1", "-1.5"], ["a\rb", "2"], ["'\rtrap", ""]]

"""Every CSV the service writes, made safe to open in a spreadsheet, and the rule for reading it back.

Bureau staff open CSV exports in Excel, WPS or LibreOffice, which run a cell that starts with `=`, `+`,
`-` or `@` (and, in some, tab or CR) as a formula: a firm name typed into a portal as
`=HYPERLINK("http://…", "click")`, or a measure title, would run on a curator's machine ("CSV
injection"). OWASP's remedy is to put a single quote `'` in front of such a cell: spreadsheets read it
as "this cell is text" and do not show it.

The rule, in both directions, so that an export imports back unchanged:

- **writing** (`safe_cell`): a text cell that starts with a formula character *or with `'`* gets one
  `'` in front;
- **reading** (`read_cell`): a cell that starts with `'` loses exactly that one character.

A value that really starts with `'` is therefore written `''…` and read back as `'…`. A hand-written
file follows the same rule: to start a value with a quote, write two.

Numbers are data, not formulas: a number the service computes (a firm id, a benefit, a relevance
score) is written as the number it is, so `-0.25` stays a negative number a spreadsheet can sum and
sort. Only text can carry a formula, and every text cell is checked, whatever its column.

Rows end in CRLF (RFC 4180): Python's csv writer quotes a cell only for the characters of the line
terminator, so with LF alone a lone CR inside a cell would be written bare and split the row.
"""

import csv
import io
import math
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
"""First characters that make a spreadsheet read a cell as a formula (OWASP; NUL from ASVS 1.2.10)."""
QUOTE = "'"

Cell = str | int | float | None


def safe_cell(value: Cell) -> str:
    """The cell as written: empty for None, numbers as they are, text quoted if it could run as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)
    text = str(value)
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def read_cell(cell: str) -> str:
    """The value of a cell as `safe_cell` wrote it: one leading quote, if any, removed."""
    return cell[len(QUOTE):] if cell.startswith(QUOTE) else cell


BOM = "\ufeff"


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A whole CSV file, every cell through `safe_cell`: the one way the service writes CSV.

    It starts with a UTF-8 byte-order mark: without one, Excel reads UTF-8 as the
    system's ANSI code page and bureau staff see mojibake where the Chinese was.
    """
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()

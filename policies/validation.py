"""Turning pydantic's error locations into the field paths people read."""

from collections.abc import Sequence

from pydantic import ValidationError

from policies.criteria import CRITERION_TYPES
from policies.errors import Problem

# Discriminated unions put the chosen tag into the location
# (criteria → 0 → numeric → value); the tag says nothing about where the fault is.
_UNION_TAGS = frozenset(CRITERION_TYPES) | {"fixed", "percentage", "interest_subsidy", "financing", "in_kind"}


def field_path(loc: Sequence[int | str]) -> str:
    """`("criteria", 0, "numeric", "value")` → `criteria[0].value`."""
    path = ""
    previous: int | str | None = None
    for part in loc:
        is_tag = part in _UNION_TAGS and (isinstance(previous, int) or previous == "benefit")
        if isinstance(part, int):
            path += f"[{part}]"
        elif not is_tag:
            path += f".{part}" if path else str(part)
        previous = part
    return path


def problems_of(error: ValidationError, *, record: int = 0, code: str | None = None) -> list[Problem]:
    return [
        Problem(record=record, code=code, path=field_path(item["loc"]) or "(record)", message=item["msg"])
        for item in error.errors()
    ]

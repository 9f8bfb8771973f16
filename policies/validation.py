"""Turning pydantic's error locations into the field paths people read, and rules across a measure's fields."""

from collections.abc import Sequence

from pydantic import ValidationError

from policies import reference
from policies.criteria import CRITERION_TYPES, Criterion, IndustryCriterion
from policies.errors import Problem
from policies.messages import MESSAGES

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


def _covers(outer: Sequence[str], inner: Sequence[str]) -> bool:
    """Every code of `inner` lies within (or is) a code of `outer`."""
    return all(any(reference.industry_within(code, wide) for wide in outer) for code in inner)


def industries_problem(industries: Sequence[str], criteria: Sequence[Criterion]) -> str | None:
    """Why a measure's `industries` would mislead, or None.

    `industries` names the trades a measure is for, and ranking reads it, but only an
    `industry_in` criterion decides who qualifies: a measure listing industries without
    one is open to every trade while looking restricted. So a non-empty list needs a
    top-level, non-excluding `industry_in` criterion over the same trades (each code of
    either within a code of the other, so C3491 beside C34 is fine).
    """
    if not industries:
        return None
    for criterion in criteria:
        if (isinstance(criterion, IndustryCriterion) and not criterion.exclude
                and _covers(criterion.codes, industries) and _covers(industries, criterion.codes)):
            return None
    codes = ", ".join(industries)
    # The codes are said twice under two names: a message naming one placeholder twice cannot be read back.
    return MESSAGES.say("en", "industries: [{codes}] does not restrict who qualifies; add an industry_in criterion "
                        "with the same codes ([{same_codes}]) to criteria, or leave industries empty",
                        codes=codes, same_codes=codes)

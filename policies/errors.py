"""Catalogue errors, written for the person who will read them. HTTP statuses live in api/errors.py."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One fault in an import file: which record, which field, what is wrong."""

    record: int  # 0-based position in the file
    code: str | None
    path: str
    message: str


class PoliciesError(Exception):
    """Base of every catalogue error."""


class MeasureNotFound(PoliciesError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no measure with code {code!r}")
        self.code = code


class RevisionNotFound(PoliciesError):
    def __init__(self, code: str, revision: int) -> None:
        super().__init__(f"measure {code!r} has no revision {revision}")


class DuplicateMeasure(PoliciesError):
    def __init__(self, code: str) -> None:
        super().__init__(f"a measure with code {code!r} already exists")
        self.code = code


class StaleRevision(PoliciesError):
    """The writer's copy is older than the stored one: someone else changed it first."""

    def __init__(self, code: str, expected: int, current: int | None) -> None:
        where = f"is at revision {current}" if current is not None else "has changed"
        super().__init__(
            f"measure {code!r} {where}, not revision {expected}: reload it and apply your change again"
        )
        self.current = current


class InvalidTransition(PoliciesError):
    def __init__(self, code: str, current: str, target: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) or "none"
        super().__init__(
            f"measure {code!r} is {current}; it cannot move to {target} (allowed: {allowed_text})"
        )


class IncompleteMeasure(PoliciesError):
    """An update would leave a measure invalid as a whole (e.g. dates out of order)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


class ImportRejected(PoliciesError):
    """An import with problems: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"import rejected: {len(problems)} problem(s); nothing was changed")
        self.problems = problems


class ApiKeyNotFound(PoliciesError):
    def __init__(self, key_id: int) -> None:
        super().__init__(f"no API key with id {key_id}")


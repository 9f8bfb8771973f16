"""Catalogue errors, written for the person who will read them. HTTP statuses live in api/errors.py.

Each says one message of the catalogue (policies/locale) in English, values quoted as Python quotes them:
the API reads the message back from that text and answers a Chinese reader in Chinese.
"""

from dataclasses import dataclass

from policies.messages import MESSAGES


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
        super().__init__(MESSAGES.say("en", "no measure with code {code}", code=repr(code)))
        self.code = code


class RevisionNotFound(PoliciesError):
    def __init__(self, code: str, revision: int) -> None:
        super().__init__(MESSAGES.say("en", "measure {code} has no revision {revision}", code=repr(code),
                                      revision=revision))


class DuplicateMeasure(PoliciesError):
    def __init__(self, code: str) -> None:
        super().__init__(MESSAGES.say("en", "a measure with code {code} already exists", code=repr(code)))
        self.code = code


class StaleRevision(PoliciesError):
    """The writer's copy is older than the stored one: someone else changed it first."""

    def __init__(self, code: str, expected: int, current: int | None) -> None:
        if current is None:
            message = MESSAGES.say("en", "measure {code} has changed, not revision {expected}: reload it and apply "
                                   "your change again", code=repr(code), expected=expected)
        else:
            message = MESSAGES.say("en", "measure {code} is at revision {current}, not revision {expected}: reload it "
                                   "and apply your change again", code=repr(code), current=current, expected=expected)
        super().__init__(message)
        self.current = current


class InvalidTransition(PoliciesError):
    def __init__(self, code: str, current: str, target: str, allowed: list[str]) -> None:
        if allowed:
            message = MESSAGES.say("en", "measure {code} is {current}; it cannot move to {target} (allowed: {allowed})",
                                   code=repr(code), current=current, target=target, allowed=", ".join(allowed))
        else:
            message = MESSAGES.say("en", "measure {code} is {current}; it cannot move to {target} (allowed: none)",
                                   code=repr(code), current=current, target=target)
        super().__init__(message)


class IncompleteMeasure(PoliciesError):
    """An update would leave a measure invalid as a whole (e.g. dates out of order)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


class ImportRejected(PoliciesError):
    """An import with problems: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(MESSAGES.say("en", "import rejected: {count} problem(s); nothing was changed",
                                      count=len(problems)))
        self.problems = problems


class ApiKeyNotFound(PoliciesError):
    def __init__(self, key_id: int) -> None:
        super().__init__(MESSAGES.say("en", "no API key with id {key_id}", key_id=key_id))


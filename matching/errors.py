"""Matching errors, written for the reader. HTTP statuses live in api/errors.py."""


class MatchingError(Exception):
    """Base of every matching error."""


class UnknownMeasures(MatchingError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"not published measures: {', '.join(codes)}")
        self.codes = codes


class FirmNotFound(MatchingError):
    """No such firm for this portal (another portal's firm is not found either)."""

    def __init__(self, firm_id: int) -> None:
        super().__init__(f"no firm with id {firm_id}")


class StaleFirm(MatchingError):
    def __init__(self, firm_id: int, current: int | None = None) -> None:
        where = f"is at revision {current}" if current is not None else "has changed"
        super().__init__(f"firm {firm_id} {where}: reload it and apply your change again")


class InvalidSweep(MatchingError):
    """A threshold sweep that names no numeric criterion of the draft."""


class DuplicateFirm(MatchingError):
    def __init__(self, external_ref: str) -> None:
        super().__init__(f"this portal already has a firm with external_ref {external_ref!r}")


class WebhookNotFound(MatchingError):
    def __init__(self, webhook_id: int) -> None:
        super().__init__(f"no webhook with id {webhook_id}")

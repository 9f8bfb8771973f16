"""Matching errors, written for the reader. HTTP statuses live in api/errors.py."""


class MatchingError(Exception):
    """Base of every matching error."""


class UnknownMeasures(MatchingError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"not published measures: {', '.join(codes)}")
        self.codes = codes

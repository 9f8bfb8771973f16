"""Matching errors, written for the reader. HTTP statuses live in api/errors.py.

Each says one message of the catalogue (matching/locale) in English, values quoted as Python quotes them:
the API reads the message back from that text and answers a Chinese reader in Chinese.
"""

from matching.messages import MESSAGES


class MatchingError(Exception):
    """Base of every matching error."""


class UnknownMeasures(MatchingError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(MESSAGES.say("en", "not published measures: {codes}", codes=", ".join(codes)))
        self.codes = codes


class FirmNotFound(MatchingError):
    """No such firm for this portal (another portal's firm is not found either)."""

    def __init__(self, firm_id: int) -> None:
        super().__init__(MESSAGES.say("en", "no firm with id {firm_id}", firm_id=firm_id))


class StaleFirm(MatchingError):
    def __init__(self, firm_id: int, current: int | None = None) -> None:
        if current is None:
            message = MESSAGES.say("en", "firm {firm_id} has changed: reload it and apply your change again",
                                   firm_id=firm_id)
        else:
            message = MESSAGES.say("en", "firm {firm_id} is at revision {current}: reload it and apply your change "
                                   "again", firm_id=firm_id, current=current)
        super().__init__(message)


class InvalidSweep(MatchingError):
    """A threshold sweep that names no numeric criterion of the draft."""


class DuplicateFirm(MatchingError):
    def __init__(self, external_ref: str) -> None:
        super().__init__(MESSAGES.say("en", "this portal already has a firm with external_ref {external_ref}",
                                      external_ref=repr(external_ref)))


class WebhookNotFound(MatchingError):
    def __init__(self, webhook_id: int) -> None:
        super().__init__(MESSAGES.say("en", "no webhook with id {webhook_id}", webhook_id=webhook_id))


class OutcomeNotFound(MatchingError):
    """No such outcome of this firm for this portal (another firm's or portal's is not found either)."""

    def __init__(self, firm_id: int, outcome_id: int) -> None:
        super().__init__(MESSAGES.say("en", "firm {firm_id} has no outcome with id {outcome_id}", firm_id=firm_id,
                                      outcome_id=outcome_id))


class StaleOutcome(MatchingError):
    def __init__(self, outcome_id: int, current: int | None = None) -> None:
        if current is None:
            message = MESSAGES.say("en", "outcome {outcome_id} has changed: reload it and apply your correction again",
                                   outcome_id=outcome_id)
        else:
            message = MESSAGES.say("en", "outcome {outcome_id} is at revision {current}: reload it and apply your "
                                   "correction again", outcome_id=outcome_id, current=current)
        super().__init__(message)


class MeasureNotOnFile(MatchingError):
    """An outcome names a measure the catalogue has never held, in any status (an archived one is on file)."""

    def __init__(self, code: str) -> None:
        super().__init__(MESSAGES.say("en", "{code} is not the code of any measure the catalogue holds or has held",
                                      code=repr(code)))
        self.code = code

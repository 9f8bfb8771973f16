"""A measure's revision number is its ETag; writes must name the one they read."""

import re

from fastapi import HTTPException

from api.messages import MESSAGES
from policies.i18n import N_


def etag_of(revision: int) -> str:
    return f'"{revision}"'


def parse_if_match(value: str | None, *, required: bool) -> int | None:
    """The revision named by an If-Match header (`"3"` or `W/"3"`).

    Raises:
        HTTPException: 428 when required and absent; 400 when it names no revision.
    """
    if value is None or not value.strip():
        if required:
            raise HTTPException(428, N_('send If-Match with the ETag you read, e.g. If-Match: "3"'))
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    if not re.fullmatch(r"[0-9]{1,9}", tag):
        raise HTTPException(400, MESSAGES.say("en", 'If-Match must name one revision, like "3"; got {value}',
                                               value=repr(value)))
    return int(tag)

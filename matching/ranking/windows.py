"""Where a measure's application window stands on a date."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from policies.terms import Window
from policies.vocabulary import WindowMode

WindowStatus = Literal["open", "closing_soon", "not_yet_open", "closed", "automatic"]


class WindowState(BaseModel):
    status: WindowStatus
    mode: WindowMode
    opens: dt.date | None
    closes: dt.date | None
    days_left: int | None


def window_state(
    window: Window, effective_from: dt.date | None, effective_to: dt.date | None, as_of: dt.date, soon_days: int
) -> WindowState:
    """Open, closing within `soon_days`, not yet open, closed, or automatic (免申即享: nothing to apply for)."""
    opens = window.opens or effective_from
    closes = min((d for d in (window.closes, effective_to) if d is not None), default=None)
    days_left = None if closes is None else (closes - as_of).days
    status: WindowStatus
    if closes is not None and closes < as_of:
        status = "closed"
    elif opens is not None and opens > as_of:
        status = "not_yet_open"
    elif window.mode is WindowMode.automatic:
        status = "automatic"
    elif days_left is not None and days_left <= soon_days:
        status = "closing_soon"
    else:
        status = "open"
    return WindowState(status=status, mode=window.mode, opens=opens, closes=closes, days_left=days_left)


TIMELINESS: dict[WindowStatus, float] = {
    "closing_soon": 1.0,  # act now, or lose it this round
    "open": 0.8,
    "automatic": 0.7,  # granted without applying: worth knowing, nothing to rush
    "not_yet_open": 0.4,
    "closed": 0.0,
}

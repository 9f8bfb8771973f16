"""Who a rate limit counts, and how fast: keys proven genuine, each at its own rate; everyone else by address.

The limiter runs before authentication, on every request. It used to trust the key's public
prefix as written in the header, so forged keys sharing a victim's prefix spent the victim's
budget (650 requests locked a portal out), and each new prefix added a bucket that was never
freed. Now a key counts as itself only once the auth dependency has verified it; until then,
and for anything forged, the caller is its address. Both maps are bounded.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

REMEMBERED_KEYS = 10_000  # verified keys kept (a deployment has far fewer)
BUCKETS = 100_000  # callers tracked; the least recently seen is forgotten (it starts again with a full bucket)


def _digest(plain: str) -> bytes:
    return hashlib.sha256(plain.encode("utf-8", "replace")).digest()


class VerifiedKeys:
    """Keys the auth dependency has verified: their public part and their own rate limit, by a hash of the key."""

    def __init__(self, size: int = REMEMBERED_KEYS) -> None:
        self._size = size
        self._known: OrderedDict[bytes, tuple[str, int | None]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, plain: str, prefix: str, per_minute: int | None) -> None:
        digest = _digest(plain)
        with self._lock:
            self._known[digest] = (prefix, per_minute)
            self._known.move_to_end(digest)
            while len(self._known) > self._size:
                self._known.popitem(last=False)

    def lookup(self, plain: str) -> tuple[str, int | None] | None:
        with self._lock:
            return self._known.get(_digest(plain))


class TokenBuckets:
    """Per-caller token buckets, refilled continuously: `per_minute` requests a minute, bursts up to that."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, size: int = BUCKETS) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._size = size
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, caller: str, per_minute: int | None = None) -> float:
        """0 when the request may go ahead, else the seconds until it may; `per_minute` overrides the default."""
        capacity = float(per_minute or self.per_minute)
        rate = capacity / 60.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(caller, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / rate
            self._buckets[caller] = (tokens - 1 if tokens >= 1 else tokens, now)
            while len(self._buckets) > self._size:
                self._buckets.popitem(last=False)
            return wait

    def __len__(self) -> int:
        return len(self._buckets)

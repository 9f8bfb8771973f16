"""Signed deliveries: what a receiver checks.

Receivers check `X-Supportmatch-Signature: sha256=<hex>`, an HMAC-SHA256 with the
webhook's secret over `<X-Supportmatch-Timestamp>.<raw body>` (see `verify`).
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Supportmatch-Signature"
TIMESTAMP_HEADER = "X-Supportmatch-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
           tolerance: int = 300) -> bool:
    """What a receiver runs: the signature matches and the timestamp is recent (no replays)."""
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)

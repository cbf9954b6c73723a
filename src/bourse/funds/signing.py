"""Webhook signatures, as Stripe signs them: HMAC-SHA256 over ``"<timestamp>." + raw body``.

The header is ``t=<unix seconds>,v1=<hex digest>``. A delivery is refused when the header is
missing or malformed, when its timestamp is more than ``tolerance`` seconds from now (either
way: a replay of an old delivery, or a forged future one), or when no ``v1`` digest matches;
digests are compared in constant time. The raw body is signed, never a re-encoding of it.
"""

import hashlib
import hmac

from bourse.funds.errors import WebhookRefusedError

SIGNATURE_HEADER = "X-Bourse-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str | None,
    body: bytes,
    now_seconds: int,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Return if ``header`` signs ``body`` with ``secret`` recently enough; else refuse."""
    if not header:
        raise WebhookRefusedError(f"{SIGNATURE_HEADER} header is missing")
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and value:
            digests.append(value)
    if timestamp is None or not digests:
        raise WebhookRefusedError(f"{SIGNATURE_HEADER} header {header[:80]!r} is malformed")
    if abs(now_seconds - timestamp) > tolerance:
        raise WebhookRefusedError(
            f"{SIGNATURE_HEADER} timestamp {timestamp} is more than {tolerance} s from now"
        )
    expected = signature(secret, timestamp, body)
    # Every candidate is compared, each in constant time: no early exit to time.
    matched = False
    for digest in digests:
        matched |= hmac.compare_digest(expected, digest)
    if not matched:
        raise WebhookRefusedError(f"{SIGNATURE_HEADER} signature does not match the body")

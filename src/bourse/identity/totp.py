"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), and their single use.

Defaults match every authenticator app: HMAC-SHA1, 6 digits, 30-second steps, a base32
secret of 160 bits. A code is accepted for the current step or one step either side (clock
skew), and only once: ``verify_once`` asks the store to move the last used step forward
atomically, so the same code (or an older one) is refused afterwards in any process.
"""

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import quote, urlencode

from bourse.identity.errors import InvalidTotpCodeError, TotpCodeReusedError

STEP_SECONDS = 30
DIGITS = 6
SKEW_STEPS = 1
SECRET_BYTES = 20  # RFC 4226 recommends 160 bits

# RFC 6238 allows these three HMAC hashes; authenticator apps only implement SHA-1 reliably.
ALGORITHMS = frozenset({"sha1", "sha256", "sha512"})


def new_secret() -> str:
    """A fresh random secret, base32 without padding, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def decode_secret(secret_base32: str) -> bytes:
    """Key bytes of a base32 secret; tolerates lower case, spaces and missing padding."""
    cleaned = secret_base32.replace(" ", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(cleaned)
    except binascii.Error as error:
        raise ValueError("TOTP secret is not valid base32") from error


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226 HOTP value of ``counter`` with dynamic truncation, zero-padded to ``digits``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm {algorithm!r} is not one of {sorted(ALGORITHMS)}")
    digest = hmac.new(key, counter.to_bytes(8, "big"), algorithm).digest()
    offset = digest[-1] & 0x0F
    binary = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFF_FFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(unix_seconds: int, *, step_seconds: int = STEP_SECONDS) -> int:
    """The RFC 6238 counter T = floor(unix time / step) (T0 = 0)."""
    return unix_seconds // step_seconds


def totp_at(key: bytes, unix_seconds: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """The code valid at ``unix_seconds``."""
    return hotp(key, time_step(unix_seconds), digits=digits, algorithm=algorithm)


def matching_step(
    key: bytes, code: str, unix_seconds: int, *, skew_steps: int = SKEW_STEPS
) -> int | None:
    """The step within ±``skew_steps`` of now whose code equals ``code``, or None.

    Every candidate is compared in constant time, and all of them are compared, so the
    time taken does not tell which step matched.
    """
    code = code.strip()
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    now_step = time_step(unix_seconds)
    found: int | None = None
    for step in range(now_step - skew_steps, now_step + skew_steps + 1):
        if hmac.compare_digest(hotp(key, step), code) and found is None:
            found = step
    return found


def verify_once(
    key: bytes, code: str, unix_seconds: int, consume_step: Callable[[int], bool]
) -> int:
    """Accept ``code`` once: find its step, then let ``consume_step`` claim it atomically.

    ``consume_step(step)`` must return True only if ``step`` is later than every step used
    before for this secret, recording it in the same atomic operation (in Bourse, a
    conditional UPDATE of ``totp_enrolments.last_used_step``). Returns the accepted step.
    """
    step = matching_step(key, code, unix_seconds)
    if step is None:
        raise InvalidTotpCodeError()
    if not consume_step(step):
        raise TotpCodeReusedError()
    return step


def provisioning_uri(secret_base32: str, *, account_name: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account_name}", safe="")
    query = urlencode(
        {
            "secret": secret_base32,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"

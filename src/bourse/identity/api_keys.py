"""Kite Connect style API keys: key/secret generation and the login-flow checksum.

Flow (Kite Connect v3): the user logs in on our page for an ``api_key``; we redirect to the
app with a short-lived, single-use ``request_token``; the app's backend posts ``api_key``,
``request_token`` and ``checksum = sha256(api_key + request_token + api_secret)`` (hex) and
gets an ``access_token``. The secret never travels, only proof of knowing it.
"""

import hashlib
import hmac
import secrets
import string

API_KEY_LENGTH = 16
API_SECRET_LENGTH = 32
_LOWER_ALNUM = string.ascii_lowercase + string.digits


def new_api_key() -> str:
    """A public app identifier, 16 lower-case letters and digits (Kite's shape)."""
    return "".join(secrets.choice(_LOWER_ALNUM) for _ in range(API_KEY_LENGTH))


def new_api_secret() -> str:
    """A 32-character secret (about 165 bits), shown to the user once."""
    return "".join(secrets.choice(_LOWER_ALNUM) for _ in range(API_SECRET_LENGTH))


def new_request_token() -> str:
    """32 hex characters (128 bits); only its SHA-256 is stored."""
    return secrets.token_hex(16)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a high-entropy bearer token: how such tokens are stored.

    A fast hash is right here (unlike passwords): the tokens are random, so there is nothing
    to brute-force, and lookups need a deterministic digest.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def kite_checksum(api_key: str, request_token: str, api_secret: str) -> str:
    """``sha256(api_key + request_token + api_secret)`` as lower-case hex, as kiteconnect sends."""
    return hashlib.sha256(f"{api_key}{request_token}{api_secret}".encode()).hexdigest()


def checksum_matches(expected: str, provided: str) -> bool:
    """Constant-time comparison of a provided checksum (hex, any case) with the expected one."""
    return hmac.compare_digest(expected.encode("ascii"), provided.strip().lower().encode("utf-8"))

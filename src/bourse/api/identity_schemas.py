"""Wire types of the identity routes (msgspec Structs; requests refuse unknown fields).

The constraints here are the whole contract of a field: anything that passes them is accepted
by the identity service, and anything the service would refuse fails them (so a client, and
the OpenAPI document, can tell a valid request from an invalid one without a round trip).
Patterns are written with explicit character ranges, which mean the same in Python's ``re``
(msgspec checks requests) and in ECMA-262 (what JSON Schema tools read); ``\\s`` does not.

Times are integer nanoseconds since the Unix epoch, UTC (``*_ns``), as everywhere in Bourse.
Kite-shaped responses (session token, profile) spell the user id as a string, as Kite does.
"""

import re
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from bourse.identity.api_keys import API_KEY_LENGTH
from bourse.identity.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from bourse.identity.totp import DIGITS

# Characters Python's str.isspace() calls white space (str.strip() removes them).
_SPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Printable ASCII without '@' (and without the dot, for the top-level domain).
_ATOM = r"\x21-\x3f\x41-\x7e"
_LABEL = r"\x21-\x2d\x2f-\x3f\x41-\x7e"

EMAIL_PATTERN = rf"^[{_ATOM}]+@[{_ATOM}]+\.[{_LABEL}]+$"
API_KEY_PATTERN = rf"^[a-z0-9]{{{API_KEY_LENGTH}}}$"
SESSION_ID_PATTERN = r"^[0-9a-f]{32}$"
API_KEY_RE = re.compile(API_KEY_PATTERN)
SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)

Email = Annotated[
    str,
    Meta(
        max_length=254,
        pattern=EMAIL_PATTERN,
        description="Email address (ASCII); compared case-insensitively.",
        examples=["trader@example.com"],
    ),
]
NewPassword = Annotated[
    str,
    Meta(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        pattern=f"[^{_SPACE}]",
        description="At least one character that is not white space; not the email itself.",
    ),
]
Password = Annotated[str, Meta(min_length=1, max_length=1024)]
TotpCode = Annotated[
    str,
    Meta(pattern=rf"^[0-9]{{{DIGITS}}}$", description="The current code of the authenticator app."),
]
RefreshToken = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{16,128}$")]
ApiKey = Annotated[str, Meta(pattern=API_KEY_PATTERN, examples=["a1b2c3d4e5f6g7h8"])]
SessionId = Annotated[str, Meta(pattern=SESSION_ID_PATTERN)]
ApiKeyName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=100,
        # No control characters; at least one character that is not white space.
        pattern=rf"^[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f{_SPACE}][^\x00-\x1f\x7f]*$",
        examples=["my trading bot"],
    ),
]
RedirectUrl = Annotated[str, Meta(max_length=2048, pattern=r"^https?://[\x21-\x7e]+$")]
RequestToken = Annotated[str, Meta(pattern=r"^[0-9a-f]{32}$")]
Checksum = Annotated[
    str,
    Meta(
        pattern=r"^[0-9a-fA-F]{64}$",
        description="Hex SHA-256 of api_key + request_token + api_secret.",
    ),
]
AccessToken = Annotated[str, Meta(max_length=4096, pattern=r"^[A-Za-z0-9_.-]+$")]


# -- requests ----------------------------------------------------------------------------------


class SignUpRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    email: Email
    password: NewPassword


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    email: Email
    password: Password
    totp_code: TotpCode | None = None
    """Required once TOTP is enabled (the login answers 401 with code TOTP_REQUIRED)."""


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    refresh_token: RefreshToken


class TotpConfirmRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    code: TotpCode


class ApiKeyCreateRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    name: ApiKeyName
    redirect_url: RedirectUrl | None = None
    """Where the Kite login flow sends the user back with a request_token."""


class SessionTokenRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Kite Connect ``POST /session/token`` (form-encoded or JSON)."""

    api_key: ApiKey
    request_token: RequestToken
    checksum: Checksum


class SessionTokenQuery(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Kite Connect ``DELETE /session/token``: which access token to end (default: the
    caller's own)."""

    api_key: ApiKey | None = None
    access_token: AccessToken | None = None


# -- responses ---------------------------------------------------------------------------------


class UserResponse(msgspec.Struct, frozen=True):
    user_id: int
    account_id: int
    email: str
    created_at_ns: int
    totp_enabled: bool


class TokenPairResponse(msgspec.Struct, frozen=True):
    user_id: int
    session_id: str
    token_type: Literal["Bearer"]
    access_token: str
    expires_in: int
    """Seconds the access token stays valid."""
    access_expires_at_ns: int
    refresh_token: str
    """Shown once; each refresh returns a new one and spends the old."""
    refresh_expires_at_ns: int


class SessionResponse(msgspec.Struct, frozen=True):
    session_id: str
    kind: str
    """``password`` (a login) or ``api_key`` (a Kite Connect session)."""
    current: bool
    """This is the session of the access token making the request."""
    created_at_ns: int
    last_used_at_ns: int
    expires_at_ns: int
    ip: str | None
    user_agent: str | None


class TotpEnrolmentResponse(msgspec.Struct, frozen=True):
    secret: str
    """Base32 secret, for typing into an authenticator app."""
    provisioning_uri: str
    """``otpauth://`` URI, for showing as a QR code."""


class ApiKeyResponse(msgspec.Struct, frozen=True):
    api_key: str
    name: str
    redirect_url: str | None
    created_at_ns: int
    last_used_at_ns: int | None
    revoked_at_ns: int | None


class NewApiKeyResponse(msgspec.Struct, frozen=True):
    api_key: str
    api_secret: str
    """Shown this once; it cannot be retrieved again."""
    name: str
    redirect_url: str | None
    created_at_ns: int


class RequestTokenResponse(msgspec.Struct, frozen=True):
    api_key: str
    request_token: str
    """Single use; exchange it with ``POST /session/token`` within a few minutes."""
    redirect_to: str | None
    """The key's redirect_url with ``request_token``, ``action`` and ``status`` added."""


class KiteProfile(msgspec.Struct, frozen=True):
    """Kite Connect's user profile."""

    user_id: str
    user_type: str
    email: str
    user_name: str
    user_shortname: str
    broker: str
    exchanges: list[str]
    products: list[str]
    order_types: list[str]
    avatar_url: str | None
    meta: dict[str, str]


class KiteSession(msgspec.Struct, frozen=True):
    """Kite Connect's ``POST /session/token`` answer: the profile plus the access token."""

    user_id: str
    user_type: str
    email: str
    user_name: str
    user_shortname: str
    broker: str
    exchanges: list[str]
    products: list[str]
    order_types: list[str]
    avatar_url: str | None
    meta: dict[str, str]
    api_key: str
    access_token: str
    public_token: str
    refresh_token: str
    login_time: str
    """``YYYY-MM-DD HH:MM:SS`` in IST, as Kite sends it."""

"""Rows of the identity tables as immutable values, so callers never hold a live ``Row``."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    email: str
    created_at_ns: int
    disabled_at_ns: int | None

    @property
    def account_id(self) -> int:
        """The trading account number used by the core; one account per user, same number."""
        return self.id


@dataclass(frozen=True, slots=True)
class TotpEnrolmentRecord:
    user_id: int
    secret_sealed: bytes
    created_at_ns: int
    confirmed_at_ns: int | None
    last_used_step: int


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    id: int
    user_id: int
    api_key: str
    name: str
    redirect_url: str | None
    secret_sealed: bytes
    created_at_ns: int
    last_used_at_ns: int | None
    revoked_at_ns: int | None


@dataclass(frozen=True, slots=True)
class RequestTokenRecord:
    token_hash: str
    api_key_id: int
    user_id: int
    created_at_ns: int
    expires_at_ns: int
    used_at_ns: int | None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    user_id: int
    kind: str
    api_key_id: int | None
    created_at_ns: int
    last_used_at_ns: int
    expires_at_ns: int
    ip: str | None
    user_agent: str | None
    revoked_at_ns: int | None
    revoked_reason: str | None

    def is_active(self, now_ns: int) -> bool:
        return self.revoked_at_ns is None and now_ns < self.expires_at_ns


@dataclass(frozen=True, slots=True)
class RefreshTokenRecord:
    id: int
    session_id: str
    token_hash: str
    issued_at_ns: int
    expires_at_ns: int
    used_at_ns: int | None
    revoked_at_ns: int | None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at_ns: int
    event: str
    user_id: int | None
    email: str | None
    session_id: str | None
    ip: str | None
    detail: dict[str, Any] | None

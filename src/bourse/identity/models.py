"""Values the identity service takes and returns (no secrets kept beyond what is shown once)."""

from dataclasses import dataclass

from bourse.store.records import ApiKeyRecord, SessionRecord


@dataclass(frozen=True, slots=True)
class IdentityPolicy:
    """Lifetimes and names the service applies (built from Settings by the factory)."""

    access_token_ttl_seconds: int = 15 * 60
    api_access_token_ttl_seconds: int = 12 * 3600
    request_token_ttl_seconds: int = 5 * 60
    totp_issuer: str = "Bourse"


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Who is calling, as the gateway sees it: used for throttling and the audit log."""

    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    account_id: int
    """The trading account number used by the core (one per user; equal to the user id)."""
    email: str
    created_at_ns: int
    totp_enabled: bool = False


@dataclass(frozen=True, slots=True)
class TokenPair:
    """Result of a login or a refresh. The refresh token is shown once; only its hash is kept."""

    user_id: int
    session_id: str
    access_token: str
    access_expires_at_ns: int
    refresh_token: str
    refresh_expires_at_ns: int


@dataclass(frozen=True, slots=True)
class ApiSession:
    """Result of the Kite request-token exchange: a longer-lived access token, no refresh."""

    user_id: int
    session_id: str
    api_key: str
    access_token: str
    access_expires_at_ns: int


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller, from a verified access token of a live session."""

    user_id: int
    account_id: int
    session_id: str
    token_id: str
    expires_at_ns: int
    api_key: str | None = None


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """A started TOTP enrolment: show the URI as a QR code; confirm with a first code."""

    secret: str
    provisioning_uri: str


@dataclass(frozen=True, slots=True)
class SessionInfo:
    session_id: str
    kind: str
    created_at_ns: int
    last_used_at_ns: int
    expires_at_ns: int
    ip: str | None
    user_agent: str | None
    api_key_id: int | None

    @classmethod
    def from_record(cls, record: SessionRecord) -> "SessionInfo":
        return cls(
            session_id=record.id,
            kind=record.kind,
            created_at_ns=record.created_at_ns,
            last_used_at_ns=record.last_used_at_ns,
            expires_at_ns=record.expires_at_ns,
            ip=record.ip,
            user_agent=record.user_agent,
            api_key_id=record.api_key_id,
        )


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    api_key: str
    name: str
    redirect_url: str | None
    created_at_ns: int
    last_used_at_ns: int | None
    revoked_at_ns: int | None

    @classmethod
    def from_record(cls, record: ApiKeyRecord) -> "ApiKeyInfo":
        return cls(
            api_key=record.api_key,
            name=record.name,
            redirect_url=record.redirect_url,
            created_at_ns=record.created_at_ns,
            last_used_at_ns=record.last_used_at_ns,
            revoked_at_ns=record.revoked_at_ns,
        )


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A created key: ``api_secret`` is shown this once and cannot be retrieved again."""

    info: ApiKeyInfo
    api_secret: str

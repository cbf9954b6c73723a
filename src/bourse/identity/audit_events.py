"""Names of the security events written to the audit log (stable strings: queries use them)."""

from enum import StrEnum


class AuditEvent(StrEnum):
    USER_SIGNED_UP = "user_signed_up"
    USER_DISABLED = "user_disabled"
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_THROTTLED = "login_throttled"
    PASSWORD_REHASHED = "password_rehashed"
    TOTP_ENROLMENT_STARTED = "totp_enrolment_started"
    TOTP_ENABLED = "totp_enabled"
    TOTP_REJECTED = "totp_rejected"
    TOTP_REPLAY_REJECTED = "totp_replay_rejected"
    TOKEN_REFRESHED = "token_refreshed"
    REFRESH_TOKEN_REJECTED = "refresh_token_rejected"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"
    LOGGED_OUT = "logged_out"
    SESSION_REVOKED = "session_revoked"
    API_KEY_CREATED = "api_key_created"
    API_KEY_REVOKED = "api_key_revoked"
    API_KEY_REJECTED = "api_key_rejected"
    REQUEST_TOKEN_ISSUED = "request_token_issued"
    REQUEST_TOKEN_EXCHANGED = "request_token_exchanged"
    REQUEST_TOKEN_REJECTED = "request_token_rejected"
    CHECKSUM_REJECTED = "checksum_rejected"

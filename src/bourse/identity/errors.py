"""Errors of the identity service, each with a stable ``code``.

The HTTP layer maps the families to statuses (and to the Kite envelope's ``error_type``);
messages are for people, codes are for programs::

    IdentityError
     ├── InvalidInputError (400)   InvalidEmailError, WeakPasswordError, InvalidApiKeyNameError
     ├── AuthError (401)           InvalidCredentialsError, TotpRequiredError,
     │                             InvalidTotpCodeError, TotpCodeReusedError,
     │                             InvalidAccessTokenError, ExpiredAccessTokenError,
     │                             SessionRevokedError, InvalidRefreshTokenError,
     │                             RefreshTokenReusedError, InvalidApiKeyError,
     │                             InvalidRequestTokenError, InvalidChecksumError
     ├── ForbiddenError (403)      AccountDisabledError
     ├── NotFoundError (404)       SessionNotFoundError, ApiKeyNotFoundError, TotpNotEnrolledError
     ├── ConflictError (409)       EmailAlreadyRegisteredError, TotpAlreadyEnrolledError
     └── ThrottledError (429)      LoginThrottledError  (carries retry_after_seconds)

Authentication failures deliberately say little: ``InvalidCredentialsError`` does not reveal
whether the email exists.
"""

from typing import ClassVar


class IdentityError(Exception):
    code: ClassVar[str] = "IDENTITY_ERROR"
    default_message: ClassVar[str] = "identity error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


# 400


class InvalidInputError(IdentityError):
    code = "INVALID_INPUT"
    default_message = "invalid input"


class InvalidEmailError(InvalidInputError):
    code = "INVALID_EMAIL"
    default_message = "email is not a valid address"


class WeakPasswordError(InvalidInputError):
    code = "WEAK_PASSWORD"
    default_message = "password does not meet the password policy"


class InvalidApiKeyNameError(InvalidInputError):
    code = "INVALID_API_KEY_NAME"
    default_message = "api key name must be 1 to 100 characters"


# 401


class AuthError(IdentityError):
    code = "AUTH_ERROR"
    default_message = "authentication failed"


class InvalidCredentialsError(AuthError):
    code = "INVALID_CREDENTIALS"
    default_message = "invalid email or password"


class TotpRequiredError(AuthError):
    code = "TOTP_REQUIRED"
    default_message = "a TOTP code is required for this account"


class InvalidTotpCodeError(AuthError):
    code = "INVALID_TOTP_CODE"
    default_message = "invalid TOTP code"


class TotpCodeReusedError(AuthError):
    code = "TOTP_CODE_REUSED"
    default_message = "this TOTP code was already used; wait for the next one"


class InvalidAccessTokenError(AuthError):
    code = "INVALID_ACCESS_TOKEN"
    default_message = "invalid access token"


class ExpiredAccessTokenError(InvalidAccessTokenError):
    code = "EXPIRED_ACCESS_TOKEN"
    default_message = "access token has expired"


class SessionRevokedError(AuthError):
    code = "SESSION_REVOKED"
    default_message = "session has ended; log in again"


class InvalidRefreshTokenError(AuthError):
    code = "INVALID_REFRESH_TOKEN"
    default_message = "invalid or expired refresh token"


class RefreshTokenReusedError(AuthError):
    code = "REFRESH_TOKEN_REUSED"
    default_message = "refresh token was already used; the session has been revoked"


class InvalidApiKeyError(AuthError):
    code = "INVALID_API_KEY"
    default_message = "invalid api_key"


class InvalidRequestTokenError(AuthError):
    code = "INVALID_REQUEST_TOKEN"
    default_message = "invalid or expired request_token"


class InvalidChecksumError(AuthError):
    code = "INVALID_CHECKSUM"
    default_message = "invalid checksum"


# 403


class ForbiddenError(IdentityError):
    code = "FORBIDDEN"
    default_message = "forbidden"


class AccountDisabledError(ForbiddenError):
    code = "ACCOUNT_DISABLED"
    default_message = "this account is disabled"


# 404


class NotFoundError(IdentityError):
    code = "NOT_FOUND"
    default_message = "not found"


class SessionNotFoundError(NotFoundError):
    code = "SESSION_NOT_FOUND"
    default_message = "no such session"


class ApiKeyNotFoundError(NotFoundError):
    code = "API_KEY_NOT_FOUND"
    default_message = "no such api key"


class TotpNotEnrolledError(NotFoundError):
    code = "TOTP_NOT_ENROLLED"
    default_message = "no TOTP enrolment is waiting for confirmation"


# 409


class ConflictError(IdentityError):
    code = "CONFLICT"
    default_message = "conflict"


class EmailAlreadyRegisteredError(ConflictError):
    code = "EMAIL_ALREADY_REGISTERED"
    default_message = "an account with this email already exists"


class TotpAlreadyEnrolledError(ConflictError):
    code = "TOTP_ALREADY_ENROLLED"
    default_message = "TOTP is already enabled for this account"


# 429


class ThrottledError(IdentityError):
    code = "THROTTLED"
    default_message = "too many requests"

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class LoginThrottledError(ThrottledError):
    code = "LOGIN_THROTTLED"
    default_message = "too many failed logins; try again later"

"""Identity: users, password hashing, TOTP, access and refresh tokens, API keys, sessions.

Public surface::

    build_identity_service(settings, engine)   the wired service (composition root)
    IdentityService                            sign_up, login, enrol_totp/confirm_totp,
                                               refresh, authenticate, logout,
                                               list_sessions/revoke_session,
                                               create/list/revoke_api_key,
                                               issue_request_token, exchange_request_token
    TokenBucketLimiter                         per-user / per-IP request rate limits
    errors                                     IdentityError and its families (see there)
"""

from bourse.identity.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    IdentityError,
    InvalidInputError,
    NotFoundError,
    ThrottledError,
)
from bourse.identity.factory import build_identity_service
from bourse.identity.models import (
    ApiKeyInfo,
    ApiSession,
    ClientInfo,
    IdentityPolicy,
    NewApiKey,
    Principal,
    SessionInfo,
    TokenPair,
    TotpEnrolment,
    User,
)
from bourse.identity.rate_limit import RateDecision, TokenBucketLimiter
from bourse.identity.service import IdentityService

__all__ = [
    "ApiKeyInfo",
    "ApiSession",
    "AuthError",
    "ClientInfo",
    "ConflictError",
    "ForbiddenError",
    "IdentityError",
    "IdentityPolicy",
    "IdentityService",
    "InvalidInputError",
    "NewApiKey",
    "NotFoundError",
    "Principal",
    "RateDecision",
    "SessionInfo",
    "ThrottledError",
    "TokenBucketLimiter",
    "TokenPair",
    "TotpEnrolment",
    "User",
    "build_identity_service",
]

"""Accounts over HTTP: sign-up, login (with TOTP), refresh, logout, sessions, TOTP enrolment.

Unauthenticated routes are rate limited per IP (``Gateway.guest``), the others per user
(``Gateway.caller``). Account settings (sessions, TOTP, API keys) need a login session: an
access token obtained through an API key (handed to a third-party app) cannot manage the
account that issued it (403). Identity calls are synchronous and run in a worker thread.
"""

import asyncio

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from bourse.api.bodies import json_body, path_identifier
from bourse.api.envelope import success
from bourse.api.errors import ApiError
from bourse.api.gateway import Gateway
from bourse.api.identity_schemas import (
    SESSION_ID_RE,
    LoginRequest,
    RefreshRequest,
    SessionId,
    SessionResponse,
    SignUpRequest,
    TokenPairResponse,
    TotpConfirmRequest,
    TotpEnrolmentResponse,
    UserResponse,
)
from bourse.api.operations import Operation, Parameter
from bourse.identity.errors import (
    InvalidTotpCodeError,
    RefreshTokenReusedError,
    TotpCodeReusedError,
)
from bourse.identity.models import ClientInfo, Principal, SessionInfo, TokenPair, User

TAG = "auth"
_BODY_ERRORS = (400, 413, 422, 429)


def client_info(connection: HTTPConnection) -> ClientInfo:
    """The caller's address and user agent, for the audit log and session list."""
    ip = connection.client.host if connection.client else None
    return ClientInfo(ip=ip, user_agent=connection.headers.get("user-agent"))


def require_login_session(principal: Principal) -> None:
    if principal.api_key is not None:
        raise ApiError(
            403,
            "PermissionException",
            "account settings need a login session; an API key's access token cannot change them",
        )


def user_response(user: User) -> UserResponse:
    return UserResponse(
        user_id=user.user_id,
        account_id=user.account_id,
        email=user.email,
        created_at_ns=user.created_at_ns,
        totp_enabled=user.totp_enabled,
    )


def session_response(session: SessionInfo, current_session_id: str) -> SessionResponse:
    return SessionResponse(
        session_id=session.session_id,
        kind=session.kind,
        current=session.session_id == current_session_id,
        created_at_ns=session.created_at_ns,
        last_used_at_ns=session.last_used_at_ns,
        expires_at_ns=session.expires_at_ns,
        ip=session.ip,
        user_agent=session.user_agent,
    )


def operations(gateway: Gateway) -> list[Operation]:
    identity = gateway.identity
    access_ttl_seconds = gateway.settings.tokens.access_token_ttl_seconds

    def token_pair(pair: TokenPair) -> TokenPairResponse:
        return TokenPairResponse(
            user_id=pair.user_id,
            session_id=pair.session_id,
            token_type="Bearer",
            access_token=pair.access_token,
            expires_in=access_ttl_seconds,
            access_expires_at_ns=pair.access_expires_at_ns,
            refresh_token=pair.refresh_token,
            refresh_expires_at_ns=pair.refresh_expires_at_ns,
        )

    async def sign_up(request: Request) -> Response:
        client = gateway.guest(request)
        body = await json_body(request, SignUpRequest)
        user = await asyncio.to_thread(identity.sign_up, body.email, body.password, client)
        return success(user_response(user), status_code=201)

    async def login(request: Request) -> Response:
        """Open a session. With TOTP enabled and no ``totp_code``: 401, ``data.code`` =
        ``TOTP_REQUIRED`` (ask the user for a code and log in again with it)."""
        client = gateway.guest(request)
        body = await json_body(request, LoginRequest)
        pair = await asyncio.to_thread(
            lambda: identity.login(
                body.email, body.password, totp_code=body.totp_code, client=client
            )
        )
        return success(token_pair(pair))

    async def refresh(request: Request) -> Response:
        """Exchange a refresh token for a new pair. A refresh token used twice ends its
        session (someone holds a copy): 401 with ``data.code`` = ``REFRESH_TOKEN_REUSED``."""
        client = gateway.guest(request)
        body = await json_body(request, RefreshRequest)
        try:
            pair = await asyncio.to_thread(identity.refresh, body.refresh_token, client)
        except RefreshTokenReusedError:
            # The revoked session is not named by the error: drop every cached principal so
            # that its access tokens stop at once in this process too.
            gateway.auth.forget_all()
            raise
        return success(token_pair(pair))

    async def logout(request: Request) -> Response:
        principal = await gateway.caller(request)
        await asyncio.to_thread(
            identity.logout, principal.user_id, principal.session_id, client_info(request)
        )
        gateway.auth.forget_session(principal.session_id)
        return success(True)

    async def list_sessions(request: Request) -> Response:
        principal = await gateway.caller(request)
        require_login_session(principal)
        sessions = await asyncio.to_thread(identity.list_sessions, principal.user_id)
        return success([session_response(s, principal.session_id) for s in sessions])

    async def revoke_session(request: Request) -> Response:
        principal = await gateway.caller(request)
        require_login_session(principal)
        session_id = path_identifier(request, "session_id", SESSION_ID_RE, "session")
        await asyncio.to_thread(
            identity.revoke_session, principal.user_id, session_id, client_info(request)
        )
        gateway.auth.forget_session(session_id)
        return success(True)

    async def enrol_totp(request: Request) -> Response:
        """Start (or restart) TOTP enrolment; enforced once confirmed with a first code."""
        principal = await gateway.caller(request)
        require_login_session(principal)
        enrolment = await asyncio.to_thread(identity.enrol_totp, principal.user_id)
        return success(
            TotpEnrolmentResponse(
                secret=enrolment.secret, provisioning_uri=enrolment.provisioning_uri
            )
        )

    async def confirm_totp(request: Request) -> Response:
        principal = await gateway.caller(request)
        require_login_session(principal)
        body = await json_body(request, TotpConfirmRequest)
        try:
            await asyncio.to_thread(identity.confirm_totp, principal.user_id, body.code)
        except (InvalidTotpCodeError, TotpCodeReusedError) as error:
            # A wrong code here is bad input, not bad credentials: the session is fine.
            raise ApiError(400, "InputException", error.message, {"code": error.code}) from None
        user = await asyncio.to_thread(identity.get_user, principal.user_id)
        return success(user_response(user))

    session_id = Parameter("session_id", "path", SessionId)
    return [
        Operation(
            "POST",
            "/api/v1/auth/signup",
            sign_up,
            summary="Create an account",
            tag=TAG,
            body=SignUpRequest,
            response=UserResponse,
            status=201,
            authenticated=False,
            errors=(*_BODY_ERRORS, 409),
        ),
        Operation(
            "POST",
            "/api/v1/auth/login",
            login,
            summary="Log in with email, password and (once enabled) a TOTP code",
            tag=TAG,
            body=LoginRequest,
            response=TokenPairResponse,
            authenticated=False,
            errors=(*_BODY_ERRORS, 401, 403),
        ),
        Operation(
            "POST",
            "/api/v1/auth/refresh",
            refresh,
            summary="Exchange a refresh token for a new access and refresh token",
            tag=TAG,
            body=RefreshRequest,
            response=TokenPairResponse,
            authenticated=False,
            errors=(*_BODY_ERRORS, 401),
        ),
        Operation(
            "POST",
            "/api/v1/auth/logout",
            logout,
            summary="End the current session",
            tag=TAG,
            response=bool,
            errors=(401, 429),
        ),
        Operation(
            "GET",
            "/api/v1/auth/sessions",
            list_sessions,
            summary="The caller's live sessions",
            tag=TAG,
            response=list[SessionResponse],
            errors=(401, 403, 429),
        ),
        Operation(
            "DELETE",
            "/api/v1/auth/sessions/{session_id}",
            revoke_session,
            summary="End one of the caller's sessions",
            tag=TAG,
            response=bool,
            parameters=(session_id,),
            errors=(401, 403, 404, 429),
        ),
        Operation(
            "POST",
            "/api/v1/auth/totp",
            enrol_totp,
            summary="Start TOTP enrolment: a secret and its otpauth:// URI",
            tag=TAG,
            response=TotpEnrolmentResponse,
            errors=(401, 403, 409, 429),
        ),
        Operation(
            "POST",
            "/api/v1/auth/totp/confirm",
            confirm_totp,
            summary="Enable TOTP with a first code from the authenticator app",
            tag=TAG,
            body=TotpConfirmRequest,
            response=UserResponse,
            errors=(*_BODY_ERRORS, 401, 403, 404, 409),
        ),
    ]

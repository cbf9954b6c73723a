"""API keys and the Kite Connect login flow over HTTP, and Kite's user profile.

1. A logged-in user creates a key (``POST /api-keys``): ``api_key`` and ``api_secret``, the
   secret shown once.
2. The user authorises an app: ``POST /api-keys/{api_key}/request-token`` gives a single-use
   ``request_token`` (and the app's redirect URL carrying it, as Kite redirects).
3. The app posts ``api_key``, ``request_token`` and ``checksum`` to ``POST /session/token``
   (form-encoded, as ``kiteconnect`` does, or JSON) and gets an ``access_token`` that it sends
   as ``Authorization: token api_key:access_token``; ``DELETE /session/token`` ends it.

A key of another user, or a revoked one, is "not found" (404) on every route that names it.
"""

import asyncio
import datetime
from urllib.parse import urlencode

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.bodies import form_or_json, json_body, path_identifier, query
from bourse.api.envelope import success
from bourse.api.errors import not_found
from bourse.api.gateway import Gateway
from bourse.api.identity_routes import client_info, require_login_session
from bourse.api.identity_schemas import (
    API_KEY_RE,
    AccessToken,
    ApiKey,
    ApiKeyCreateRequest,
    ApiKeyResponse,
    KiteProfile,
    KiteSession,
    NewApiKeyResponse,
    RequestTokenResponse,
    SessionTokenQuery,
    SessionTokenRequest,
)
from bourse.api.operations import Operation, Parameter
from bourse.domain.enums import OrderType, Product
from bourse.domain.instrument import Segment
from bourse.identity.errors import InvalidApiKeyError
from bourse.identity.models import ApiKeyInfo, User

TAG = "api-keys"
KITE_TAG = "kite-session"
BROKER = "BOURSE"
EXCHANGES = [segment.name for segment in Segment if segment is not Segment.INDICES]
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30), "IST")
_NS_PER_SECOND = 1_000_000_000


def api_key_response(info: ApiKeyInfo) -> ApiKeyResponse:
    return ApiKeyResponse(
        api_key=info.api_key,
        name=info.name,
        redirect_url=info.redirect_url,
        created_at_ns=info.created_at_ns,
        last_used_at_ns=info.last_used_at_ns,
        revoked_at_ns=info.revoked_at_ns,
    )


def kite_profile(user: User) -> KiteProfile:
    name = user.email.partition("@")[0]
    return KiteProfile(
        user_id=str(user.user_id),
        user_type="individual",
        email=user.email,
        user_name=name,
        user_shortname=name,
        broker=BROKER,
        exchanges=list(EXCHANGES),
        products=[product.value for product in Product],
        order_types=[order_type.value for order_type in OrderType],
        avatar_url=None,
        meta={},
    )


def kite_time(ns: int) -> str:
    """Kite's timestamp format: local (IST) time without a zone."""
    moment = datetime.datetime.fromtimestamp(ns / _NS_PER_SECOND, tz=IST)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def redirect_with_token(redirect_url: str | None, request_token: str) -> str | None:
    if redirect_url is None:
        return None
    separator = "&" if "?" in redirect_url else "?"
    fields = {"action": "login", "type": "login", "status": "success"}
    return f"{redirect_url}{separator}{urlencode({**fields, 'request_token': request_token})}"


def operations(gateway: Gateway) -> list[Operation]:
    identity = gateway.identity

    async def create_api_key(request: Request) -> Response:
        """The ``api_secret`` is in this answer only; it cannot be retrieved again."""
        principal = await gateway.caller(request)
        require_login_session(principal)
        body = await json_body(request, ApiKeyCreateRequest)
        created = await asyncio.to_thread(
            lambda: identity.create_api_key(
                principal.user_id,
                body.name,
                redirect_url=body.redirect_url,
                client=client_info(request),
            )
        )
        info = created.info
        return success(
            NewApiKeyResponse(
                api_key=info.api_key,
                api_secret=created.api_secret,
                name=info.name,
                redirect_url=info.redirect_url,
                created_at_ns=info.created_at_ns,
            ),
            status_code=201,
        )

    async def list_api_keys(request: Request) -> Response:
        principal = await gateway.caller(request)
        require_login_session(principal)
        keys = await asyncio.to_thread(identity.list_api_keys, principal.user_id)
        return success([api_key_response(key) for key in keys])

    async def revoke_api_key(request: Request) -> Response:
        """Revoke the key and end every session opened through it."""
        principal = await gateway.caller(request)
        require_login_session(principal)
        api_key = path_identifier(request, "api_key", API_KEY_RE, "api key")
        await asyncio.to_thread(
            identity.revoke_api_key, principal.user_id, api_key, client_info(request)
        )
        # The ended sessions are not named: forget the user's cached principals.
        gateway.auth.forget_user(principal.user_id)
        return success(True)

    async def issue_request_token(request: Request) -> Response:
        principal = await gateway.caller(request)
        require_login_session(principal)
        api_key = path_identifier(request, "api_key", API_KEY_RE, "api key")
        try:
            token = await asyncio.to_thread(
                identity.issue_request_token, principal.user_id, api_key, client_info(request)
            )
        except InvalidApiKeyError:
            raise not_found("api key") from None
        keys = await asyncio.to_thread(identity.list_api_keys, principal.user_id)
        redirect_url = next((k.redirect_url for k in keys if k.api_key == api_key), None)
        return success(
            RequestTokenResponse(
                api_key=api_key,
                request_token=token,
                redirect_to=redirect_with_token(redirect_url, token),
            ),
            status_code=201,
        )

    async def create_session(request: Request) -> Response:
        """Kite Connect: exchange a request token (and the checksum proving the app knows
        the key's secret) for an access token."""
        client = gateway.guest(request)
        body = await form_or_json(request, SessionTokenRequest)
        session = await asyncio.to_thread(
            identity.exchange_request_token,
            body.api_key,
            body.request_token,
            body.checksum,
            client,
        )
        user = await asyncio.to_thread(identity.get_user, session.user_id)
        return success(
            KiteSession(
                **msgspec.structs.asdict(kite_profile(user)),
                api_key=session.api_key,
                access_token=session.access_token,
                public_token="",
                refresh_token="",
                login_time=kite_time(gateway.clock()),
            )
        )

    async def delete_session(request: Request) -> Response:
        """Kite Connect: end the session of ``access_token`` (default: the caller's own)."""
        principal = await gateway.caller(request)
        params = query(request, SessionTokenQuery)
        session_id = principal.session_id
        if params.access_token is not None:
            target = await asyncio.to_thread(identity.authenticate, params.access_token)
            if target.user_id != principal.user_id:
                raise not_found("session")
            session_id = target.session_id
        await asyncio.to_thread(
            identity.logout, principal.user_id, session_id, client_info(request)
        )
        gateway.auth.forget_session(session_id)
        return success(True)

    async def profile(request: Request) -> Response:
        principal = await gateway.caller(request)
        user = await asyncio.to_thread(identity.get_user, principal.user_id)
        return success(kite_profile(user))

    api_key = Parameter("api_key", "path", ApiKey)
    return [
        Operation(
            "POST",
            "/api/v1/api-keys",
            create_api_key,
            summary="Create an API key (Kite Connect app); the secret is shown once",
            tag=TAG,
            body=ApiKeyCreateRequest,
            response=NewApiKeyResponse,
            status=201,
            errors=(400, 401, 403, 413, 422, 429),
        ),
        Operation(
            "GET",
            "/api/v1/api-keys",
            list_api_keys,
            summary="The caller's API keys, revoked ones included",
            tag=TAG,
            response=list[ApiKeyResponse],
            errors=(401, 403, 429),
        ),
        Operation(
            "DELETE",
            "/api/v1/api-keys/{api_key}",
            revoke_api_key,
            summary="Revoke an API key and end its sessions",
            tag=TAG,
            response=bool,
            parameters=(api_key,),
            errors=(401, 403, 404, 429),
        ),
        Operation(
            "POST",
            "/api/v1/api-keys/{api_key}/request-token",
            issue_request_token,
            summary="Authorise the key's app: a single-use request_token for its redirect",
            tag=TAG,
            response=RequestTokenResponse,
            status=201,
            parameters=(api_key,),
            errors=(401, 403, 404, 429),
        ),
        Operation(
            "POST",
            "/api/v1/session/token",
            create_session,
            summary="Kite Connect: exchange a request_token and checksum for an access_token",
            tag=KITE_TAG,
            body=SessionTokenRequest,
            response=KiteSession,
            authenticated=False,
            form=True,
            errors=(400, 401, 403, 413, 422, 429),
        ),
        Operation(
            "DELETE",
            "/api/v1/session/token",
            delete_session,
            summary="Kite Connect: end an API session (invalidate its access_token)",
            tag=KITE_TAG,
            response=bool,
            parameters=(
                Parameter("api_key", "query", ApiKey, required=False),
                Parameter(
                    "access_token",
                    "query",
                    AccessToken,
                    required=False,
                    description="The access token to end; the caller's own by default.",
                ),
            ),
            errors=(400, 401, 404, 422, 429),
        ),
        Operation(
            "GET",
            "/api/v1/user/profile",
            profile,
            summary="Kite Connect: the user's profile",
            tag=KITE_TAG,
            response=KiteProfile,
            errors=(401, 429),
        ),
    ]

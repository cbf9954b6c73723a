"""Who is calling: the ``Authorization`` header turned into a verified Principal.

Accepted forms:

* ``Bearer <access token>`` — the web terminal and native clients;
* ``token <api_key>:<access_token>`` — Kite Connect clients; the api_key must be the one the
  access token was issued to.

Verifying a token reads the session row (so logout and revocation bite at once), which is too
slow for the order path at full rate; a verified principal is therefore cached for a short
time (``cache_ttl_ns``, 2 s by default) and dropped at once by this process's logouts and
revocations (``forget_session``). Another gateway process sees a revocation within the TTL.
"""

import asyncio
import time
from collections.abc import Callable

from starlette.requests import HTTPConnection

from bourse.api.errors import ApiError
from bourse.identity.models import Principal
from bourse.identity.service import IdentityService

NS_PER_SECOND = 1_000_000_000
_MAX_CACHED = 100_000


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "TokenException", message)


class Authenticator:
    def __init__(
        self,
        identity: IdentityService,
        *,
        cache_ttl_ns: int = 2 * NS_PER_SECOND,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self._identity = identity
        self._ttl = cache_ttl_ns
        self._clock = clock
        self._cache: dict[str, tuple[Principal, int]] = {}

    async def principal(self, connection: HTTPConnection) -> Principal:
        header = connection.headers.get("authorization")
        if header is None:
            # Browsers cannot set headers on a WebSocket: the token may come as a parameter.
            token = connection.query_params.get("access_token")
            if token is None or connection.scope["type"] != "websocket":
                raise unauthorized("missing Authorization header")
            header = f"Bearer {token}"
        now = self._clock()
        cached = self._cache.get(header)
        if cached is not None and cached[1] > now:
            return cached[0]
        principal = await self._verify(header)
        if len(self._cache) >= _MAX_CACHED:
            self._cache.clear()
        valid_until = min(now + self._ttl, principal.expires_at_ns)
        self._cache[header] = (principal, valid_until)
        return principal

    async def _verify(self, header: str) -> Principal:
        scheme, _, credentials = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer" and credentials:
            return await asyncio.to_thread(self._identity.authenticate, credentials)
        if scheme == "token" and ":" in credentials:
            api_key, _, access_token = credentials.partition(":")
            principal = await asyncio.to_thread(self._identity.authenticate, access_token)
            if principal.api_key != api_key:
                raise unauthorized("the access token was not issued to this api_key")
            return principal
        raise unauthorized("Authorization must be 'Bearer <token>' or 'token <api_key>:<token>'")

    def forget_session(self, session_id: str) -> None:
        """Drop cached principals of a session this process just ended."""
        stale = [key for key, (p, _) in self._cache.items() if p.session_id == session_id]
        for key in stale:
            del self._cache[key]

    def forget_user(self, user_id: int) -> None:
        stale = [key for key, (p, _) in self._cache.items() if p.user_id == user_id]
        for key in stale:
            del self._cache[key]

    def forget_all(self) -> None:
        """Drop every cached principal (when a session ended that cannot be named)."""
        self._cache.clear()

"""Who is calling: the ``Authorization`` header turned into a verified Principal.

Accepted forms:

* ``Bearer <access token>`` — the web terminal and native clients;
* ``token <api_key>:<access_token>`` — Kite Connect clients; the api_key must be the one the
  access token was issued to.

Verifying a token reads the session row (so logout and revocation bite at once), which is too
slow for the order path at full rate; a verified principal is therefore cached for a short
time (``cache_ttl_ns``, 2 s by default) and dropped at once by this process's logouts and
revocations (``forget_*``). Another gateway process sees a revocation within the TTL.

A cached principal in use is verified again in the background once it is past a random point
between 70 and 90 % of its TTL (``refresh_at_ns``), so an active client never waits for the
verification (a thread and a read, ~0.3 ms of CPU) and the clients' entries, mostly cached
together at start, do not all fall due in the same instant (refreshing earlier would only
verify each active token more often). A refresh that fails drops the entry: the next request
verifies in line and gets the 401. An entry is never used past its TTL.

A verification that was under way when a ``forget_*`` ran may have read the session before
the revocation, so its result is not cached (``_forgets`` counts them).
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable
from typing import NamedTuple

from starlette.requests import HTTPConnection

from bourse.api.errors import ApiError
from bourse.identity.errors import IdentityError
from bourse.identity.models import Principal
from bourse.identity.service import IdentityService

logger = logging.getLogger(__name__)

NS_PER_SECOND = 1_000_000_000
_MAX_CACHED = 100_000


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "TokenException", message)


class _Verified(NamedTuple):
    principal: Principal
    valid_until_ns: int
    refresh_at_ns: int


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
        self._cache: dict[str, _Verified] = {}
        self._refreshing: dict[str, asyncio.Future[None]] = {}
        self._forgets = 0
        # Its own generator: the jitter must not draw from (or disturb) the global one.
        self._jitter = random.Random()

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
        if cached is not None and cached.valid_until_ns > now:
            if now >= cached.refresh_at_ns and header not in self._refreshing:
                self._refreshing[header] = asyncio.ensure_future(self._refresh(header))
            return cached.principal
        forgets = self._forgets
        principal = await self._verify(header)
        self._remember(header, principal, now, forgets)
        return principal

    async def _refresh(self, header: str) -> None:
        started, forgets = self._clock(), self._forgets
        try:
            principal = await self._verify(header)
        except Exception as error:
            if not isinstance(error, (ApiError, IdentityError)):
                logger.exception("refreshing a cached principal failed")
            self._cache.pop(header, None)
        else:
            self._remember(header, principal, started, forgets)
        finally:
            del self._refreshing[header]

    def _remember(self, header: str, principal: Principal, verified_ns: int, forgets: int) -> None:
        """Cache what a verification that started at ``verified_ns`` found, unless a
        ``forget_*`` ran since (it may have read the session before the revocation)."""
        if forgets != self._forgets:
            return
        if len(self._cache) >= _MAX_CACHED:
            self._cache.clear()
        valid_until = min(verified_ns + self._ttl, principal.expires_at_ns)
        refresh_at = verified_ns + int(self._ttl * (0.7 + self._jitter.random() / 5))
        self._cache[header] = _Verified(principal, valid_until, refresh_at)

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
        self._forgets += 1
        stale = [key for key, v in self._cache.items() if v.principal.session_id == session_id]
        for key in stale:
            del self._cache[key]

    def forget_user(self, user_id: int) -> None:
        self._forgets += 1
        stale = [key for key, v in self._cache.items() if v.principal.user_id == user_id]
        for key in stale:
            del self._cache[key]

    def forget_all(self) -> None:
        """Drop every cached principal (when a session ended that cannot be named)."""
        self._forgets += 1
        self._cache.clear()

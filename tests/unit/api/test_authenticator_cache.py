"""The authenticator's cache of verified principals: served within the TTL, refreshed in the
background before it runs out, dropped when a refresh or a ``forget_*`` says the session ended."""

import asyncio
import threading

import pytest
from starlette.requests import HTTPConnection

from bourse.api.auth import NS_PER_SECOND, Authenticator
from bourse.api.errors import ApiError
from bourse.identity.errors import SessionRevokedError
from bourse.identity.models import Principal
from bourse.identity.service import IdentityService

TTL = 2 * NS_PER_SECOND
TOKEN = "token-1"
CALLER = Principal(
    user_id=7, account_id=7, session_id="s1", token_id="t1", expires_at_ns=10**6 * NS_PER_SECOND
)


class Sessions:
    """Stands in for the identity service: counts verifications, can revoke, can hold one."""

    def __init__(self) -> None:
        self.verifications = 0
        self.revoked = False
        self.hold: threading.Event | None = None

    def authenticate(self, access_token: str) -> Principal:
        self.verifications += 1
        revoked = self.revoked  # the session row as this verification reads it
        if self.hold is not None:
            self.hold.wait(5)
        if revoked or access_token != TOKEN:
            raise SessionRevokedError()
        return CALLER


class Clock:
    def __init__(self) -> None:
        self.now = 1_000 * NS_PER_SECOND

    def __call__(self) -> int:
        return self.now


def connection(token: str = TOKEN) -> HTTPConnection:
    headers = [(b"authorization", f"Bearer {token}".encode())]
    return HTTPConnection({"type": "http", "headers": headers, "query_string": b""})


def authenticator(sessions: Sessions, clock: Clock) -> Authenticator:
    identity: IdentityService = sessions  # type: ignore[assignment]  # a stand-in
    return Authenticator(identity, cache_ttl_ns=TTL, clock=clock)


async def settle() -> None:
    """Let background refreshes (a thread each) finish."""
    for _ in range(100):
        await asyncio.sleep(0.005)


def test_a_principal_is_verified_once_within_the_first_70_percent_of_its_ttl() -> None:
    sessions, clock = Sessions(), Clock()
    auth = authenticator(sessions, clock)

    async def scenario() -> None:
        await auth.principal(connection())
        clock.now += TTL * 7 // 10 - 1
        assert await auth.principal(connection()) == CALLER
        await settle()

    asyncio.run(scenario())

    assert sessions.verifications == 1


def test_a_principal_in_use_late_in_its_ttl_is_answered_at_once_and_refreshed_behind() -> None:
    sessions, clock = Sessions(), Clock()
    auth = authenticator(sessions, clock)

    async def scenario() -> None:
        await auth.principal(connection())
        clock.now += TTL * 9 // 10
        assert await auth.principal(connection()) == CALLER
        assert sessions.verifications == 1  # answered from the cache, before the refresh
        await settle()
        assert sessions.verifications == 2
        clock.now += TTL * 7 // 10 - 1  # past the first TTL, before the next refresh is due
        assert await auth.principal(connection()) == CALLER

    asyncio.run(scenario())

    assert sessions.verifications == 2


def test_a_refresh_that_finds_the_session_revoked_drops_the_principal() -> None:
    sessions, clock = Sessions(), Clock()
    auth = authenticator(sessions, clock)

    async def scenario() -> None:
        await auth.principal(connection())
        sessions.revoked = True
        clock.now += TTL * 9 // 10
        await auth.principal(connection())
        await settle()
        with pytest.raises(SessionRevokedError):
            await auth.principal(connection())

    asyncio.run(scenario())


def test_a_principal_is_never_served_past_its_ttl() -> None:
    sessions, clock = Sessions(), Clock()
    auth = authenticator(sessions, clock)

    async def scenario() -> None:
        await auth.principal(connection())
        sessions.revoked = True
        clock.now += TTL
        with pytest.raises(SessionRevokedError):
            await auth.principal(connection())

    asyncio.run(scenario())


def test_a_verification_under_way_across_a_logout_is_not_cached() -> None:
    sessions, clock = Sessions(), Clock()
    auth = authenticator(sessions, clock)
    sessions.hold = threading.Event()

    async def scenario() -> None:
        verifying = asyncio.ensure_future(auth.principal(connection()))
        await asyncio.sleep(0.02)  # the session row is read before the logout commits
        auth.forget_session(CALLER.session_id)
        sessions.revoked = True
        assert sessions.hold is not None
        sessions.hold.set()
        assert await verifying == CALLER  # it read the session before the logout
        with pytest.raises(SessionRevokedError):
            await auth.principal(connection())

    asyncio.run(scenario())


def test_a_malformed_header_is_refused_without_a_verification() -> None:
    sessions, clock = Sessions(), Clock()
    auth = authenticator(sessions, clock)
    scope = {"type": "http", "headers": [(b"authorization", b"Basic abc")], "query_string": b""}

    with pytest.raises(ApiError) as refused:
        asyncio.run(auth.principal(HTTPConnection(scope)))

    assert refused.value.status == 401
    assert sessions.verifications == 0

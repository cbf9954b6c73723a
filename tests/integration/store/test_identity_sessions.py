"""Refresh-token rotation, family revocation on reuse, logout and the session list."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from bourse.identity import ClientInfo, IdentityService
from bourse.identity.clock import ManualClock
from bourse.identity.errors import (
    ExpiredAccessTokenError,
    InvalidAccessTokenError,
    InvalidRefreshTokenError,
    RefreshTokenReusedError,
    SessionNotFoundError,
    SessionRevokedError,
)
from bourse.store import IdentityStore
from bourse.store.tables import refresh_tokens

EMAIL = "trader@example.com"
PASSWORD = "correct horse battery"
LAPTOP = ClientInfo(ip="203.0.113.1", user_agent="Firefox")
PHONE = ClientInfo(ip="203.0.113.2", user_agent="Kite-like app")


@pytest.fixture
def user_id(identity_service: IdentityService) -> int:
    return identity_service.sign_up(EMAIL, PASSWORD).user_id


def test_refresh_rotates_both_tokens_in_the_same_session(
    identity_service: IdentityService, user_id: int, clock: ManualClock
) -> None:
    first = identity_service.login(EMAIL, PASSWORD)
    clock.advance(60)

    second = identity_service.refresh(first.refresh_token)

    assert second.session_id == first.session_id
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    assert identity_service.authenticate(second.access_token).user_id == user_id


def test_refresh_tokens_are_stored_hashed(
    identity_service: IdentityService, user_id: int, migrated_engine: Engine
) -> None:
    pair = identity_service.login(EMAIL, PASSWORD)

    with migrated_engine.connect() as connection:
        stored = connection.execute(sa.select(refresh_tokens.c.token_hash)).scalars().all()

    assert len(stored) == 1 and pair.refresh_token not in stored[0]
    assert len(stored[0]) == 64


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    identity_service: IdentityService, user_id: int
) -> None:
    first = identity_service.login(EMAIL, PASSWORD)
    second = identity_service.refresh(first.refresh_token)

    with pytest.raises(RefreshTokenReusedError):
        identity_service.refresh(first.refresh_token)

    # The legitimate holder's newer tokens are dead too: the family is revoked.
    with pytest.raises(InvalidRefreshTokenError):
        identity_service.refresh(second.refresh_token)
    with pytest.raises(SessionRevokedError):
        identity_service.authenticate(second.access_token)
    assert identity_service.list_sessions(user_id) == []


def test_reuse_revokes_only_that_family(identity_service: IdentityService, user_id: int) -> None:
    stolen = identity_service.login(EMAIL, PASSWORD, client=LAPTOP)
    other = identity_service.login(EMAIL, PASSWORD, client=PHONE)
    identity_service.refresh(stolen.refresh_token)

    with pytest.raises(RefreshTokenReusedError):
        identity_service.refresh(stolen.refresh_token)

    assert identity_service.refresh(other.refresh_token).session_id == other.session_id


def test_reuse_is_audited(
    identity_service: IdentityService, user_id: int, migrated_engine: Engine
) -> None:
    first = identity_service.login(EMAIL, PASSWORD)
    identity_service.refresh(first.refresh_token)
    with pytest.raises(RefreshTokenReusedError):
        identity_service.refresh(first.refresh_token, ClientInfo(ip="192.0.2.99"))

    with IdentityStore(migrated_engine).read() as tx:
        reused = tx.audit.recent(event="refresh_token_reused")

    assert len(reused) == 1
    assert (reused[0].user_id, reused[0].session_id) == (user_id, first.session_id)
    assert reused[0].ip == "192.0.2.99"


def test_unknown_refresh_token_is_rejected(identity_service: IdentityService) -> None:
    with pytest.raises(InvalidRefreshTokenError):
        identity_service.refresh("not-a-token")


def test_expired_refresh_token_is_rejected(
    identity_service: IdentityService,
    user_id: int,
    clock: ManualClock,
) -> None:
    pair = identity_service.login(EMAIL, PASSWORD)
    clock.advance(30 * 24 * 3600)

    with pytest.raises(InvalidRefreshTokenError):
        identity_service.refresh(pair.refresh_token)


def test_access_token_expires_but_refresh_gets_a_new_one(
    identity_service: IdentityService, user_id: int, clock: ManualClock
) -> None:
    pair = identity_service.login(EMAIL, PASSWORD)
    clock.advance(15 * 60 + 10)

    with pytest.raises(ExpiredAccessTokenError):
        identity_service.authenticate(pair.access_token)
    fresh = identity_service.refresh(pair.refresh_token)
    assert identity_service.authenticate(fresh.access_token).user_id == user_id


def test_logout_ends_the_session_and_its_tokens(
    identity_service: IdentityService, user_id: int
) -> None:
    pair = identity_service.login(EMAIL, PASSWORD)

    identity_service.logout(user_id, pair.session_id)

    with pytest.raises(SessionRevokedError):
        identity_service.authenticate(pair.access_token)
    with pytest.raises(InvalidRefreshTokenError):
        identity_service.refresh(pair.refresh_token)


def test_list_sessions_shows_each_login_with_its_client(
    identity_service: IdentityService, user_id: int, clock: ManualClock
) -> None:
    laptop = identity_service.login(EMAIL, PASSWORD, client=LAPTOP)
    clock.advance(1)
    phone = identity_service.login(EMAIL, PASSWORD, client=PHONE)

    sessions = identity_service.list_sessions(user_id)

    assert [s.session_id for s in sessions] == [laptop.session_id, phone.session_id]
    assert [(s.ip, s.user_agent, s.kind) for s in sessions] == [
        ("203.0.113.1", "Firefox", "password"),
        ("203.0.113.2", "Kite-like app", "password"),
    ]


def test_revoking_one_session_leaves_the_others(
    identity_service: IdentityService, user_id: int
) -> None:
    laptop = identity_service.login(EMAIL, PASSWORD, client=LAPTOP)
    phone = identity_service.login(EMAIL, PASSWORD, client=PHONE)

    identity_service.revoke_session(user_id, laptop.session_id)

    assert [s.session_id for s in identity_service.list_sessions(user_id)] == [phone.session_id]
    assert identity_service.authenticate(phone.access_token).session_id == phone.session_id
    with pytest.raises(SessionRevokedError):
        identity_service.authenticate(laptop.access_token)


def test_another_users_session_cannot_be_revoked(
    identity_service: IdentityService, user_id: int
) -> None:
    victim = identity_service.login(EMAIL, PASSWORD)
    mallory = identity_service.sign_up("mallory@example.com", PASSWORD)

    with pytest.raises(SessionNotFoundError):
        identity_service.revoke_session(mallory.user_id, victim.session_id)
    with pytest.raises(SessionNotFoundError):
        identity_service.revoke_session(user_id, "no-such-session")
    assert identity_service.authenticate(victim.access_token).user_id == user_id


def test_revoking_twice_is_harmless(identity_service: IdentityService, user_id: int) -> None:
    pair = identity_service.login(EMAIL, PASSWORD)

    identity_service.revoke_session(user_id, pair.session_id)
    identity_service.revoke_session(user_id, pair.session_id)

    assert identity_service.list_sessions(user_id) == []


def test_access_token_signed_with_another_secret_is_rejected(
    identity_service: IdentityService,
    make_identity_service: Callable[..., IdentityService],
    user_id: int,
) -> None:
    other = make_identity_service(BOURSE_JWT_SECRET="another-secret-that-is-32-characters-long")
    pair = other.login(EMAIL, PASSWORD)

    with pytest.raises(InvalidAccessTokenError):
        identity_service.authenticate(pair.access_token)

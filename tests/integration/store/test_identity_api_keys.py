"""API keys and the Kite Connect request-token exchange."""

import hashlib
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from bourse.identity import ClientInfo, IdentityService
from bourse.identity.api_keys import kite_checksum
from bourse.identity.clock import ManualClock
from bourse.identity.errors import (
    ApiKeyNotFoundError,
    InvalidApiKeyError,
    InvalidApiKeyNameError,
    InvalidChecksumError,
    InvalidInputError,
    InvalidRequestTokenError,
    SessionRevokedError,
)
from bourse.identity.models import NewApiKey
from bourse.store import IdentityStore
from bourse.store.tables import api_keys

EMAIL = "algo@example.com"
PASSWORD = "correct horse battery"
APP = ClientInfo(ip="198.51.100.20", user_agent="kiteconnect-python")


@pytest.fixture
def user_id(identity_service: IdentityService) -> int:
    return identity_service.sign_up(EMAIL, PASSWORD).user_id


@pytest.fixture
def app_key(identity_service: IdentityService, user_id: int) -> NewApiKey:
    return identity_service.create_api_key(
        user_id, "my bot", redirect_url="https://bot.example.com/callback"
    )


def test_create_shows_the_secret_once_and_lists_without_it(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey
) -> None:
    listed = identity_service.list_api_keys(user_id)

    assert listed == [app_key.info]
    assert app_key.info.name == "my bot"
    assert app_key.info.redirect_url == "https://bot.example.com/callback"
    assert len(app_key.api_secret) == 32
    assert not hasattr(listed[0], "api_secret")


def test_secret_is_not_stored_in_clear(
    migrated_engine: Engine, app_key: NewApiKey, user_id: int
) -> None:
    with migrated_engine.connect() as connection:
        row = connection.execute(sa.select(api_keys)).one()

    assert app_key.api_secret.encode() not in row.secret_sealed
    assert app_key.api_secret not in {str(value) for value in row}


def test_kite_exchange_with_the_right_checksum_gives_an_api_session(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey
) -> None:
    api_key = app_key.info.api_key
    request_token = identity_service.issue_request_token(user_id, api_key)
    # Exactly what kiteconnect's generate_session() sends.
    checksum = hashlib.sha256(
        (api_key + request_token + app_key.api_secret).encode("utf-8")
    ).hexdigest()

    session = identity_service.exchange_request_token(api_key, request_token, checksum, APP)
    principal = identity_service.authenticate(session.access_token)

    assert (principal.user_id, principal.api_key) == (user_id, api_key)
    assert principal.session_id == session.session_id
    [listed] = identity_service.list_sessions(user_id)
    assert (listed.session_id, listed.kind, listed.ip) == (session.session_id, "api_key", APP.ip)
    assert listed.api_key_id is not None


def test_api_access_token_lasts_a_trading_day(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey, clock: ManualClock
) -> None:
    session = exchange(identity_service, user_id, app_key)
    clock.advance(8 * 3600)

    assert identity_service.authenticate(session).user_id == user_id


def test_request_token_is_single_use(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey
) -> None:
    api_key = app_key.info.api_key
    request_token = identity_service.issue_request_token(user_id, api_key)
    checksum = kite_checksum(api_key, request_token, app_key.api_secret)
    identity_service.exchange_request_token(api_key, request_token, checksum)

    with pytest.raises(InvalidRequestTokenError):
        identity_service.exchange_request_token(api_key, request_token, checksum)


def test_wrong_checksum_is_rejected_and_does_not_burn_the_token(
    identity_service: IdentityService,
    user_id: int,
    app_key: NewApiKey,
    migrated_engine: Engine,
) -> None:
    api_key = app_key.info.api_key
    request_token = identity_service.issue_request_token(user_id, api_key)
    wrong = kite_checksum(api_key, request_token, "not-the-secret")

    with pytest.raises(InvalidChecksumError):
        identity_service.exchange_request_token(api_key, request_token, wrong, APP)

    right = kite_checksum(api_key, request_token, app_key.api_secret)
    assert identity_service.exchange_request_token(api_key, request_token, right).access_token
    with IdentityStore(migrated_engine).read() as tx:
        assert [r.ip for r in tx.audit.recent(event="checksum_rejected")] == [APP.ip]


def test_request_token_expires(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey, clock: ManualClock
) -> None:
    api_key = app_key.info.api_key
    request_token = identity_service.issue_request_token(user_id, api_key)
    clock.advance(5 * 60)

    with pytest.raises(InvalidRequestTokenError):
        identity_service.exchange_request_token(
            api_key, request_token, kite_checksum(api_key, request_token, app_key.api_secret)
        )


def test_request_token_of_another_key_is_rejected(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey
) -> None:
    other = identity_service.create_api_key(user_id, "other bot")
    request_token = identity_service.issue_request_token(user_id, other.info.api_key)
    api_key = app_key.info.api_key

    with pytest.raises(InvalidRequestTokenError):
        identity_service.exchange_request_token(
            api_key, request_token, kite_checksum(api_key, request_token, app_key.api_secret)
        )


def test_unknown_api_key_is_rejected(identity_service: IdentityService) -> None:
    with pytest.raises(InvalidApiKeyError):
        identity_service.exchange_request_token("nosuchkey", "token", "checksum")


def test_another_user_cannot_log_in_through_my_key(
    identity_service: IdentityService, app_key: NewApiKey
) -> None:
    mallory = identity_service.sign_up("mallory@example.com", PASSWORD)

    with pytest.raises(InvalidApiKeyError):
        identity_service.issue_request_token(mallory.user_id, app_key.info.api_key)


def test_revoking_a_key_ends_its_sessions_and_refuses_new_ones(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey
) -> None:
    access_token = exchange(identity_service, user_id, app_key)
    web = identity_service.login(EMAIL, PASSWORD)

    identity_service.revoke_api_key(user_id, app_key.info.api_key)

    with pytest.raises(SessionRevokedError):
        identity_service.authenticate(access_token)
    assert identity_service.authenticate(web.access_token).user_id == user_id
    with pytest.raises(InvalidApiKeyError):
        identity_service.issue_request_token(user_id, app_key.info.api_key)
    with pytest.raises(InvalidApiKeyError):
        identity_service.exchange_request_token(app_key.info.api_key, "t", "c")
    assert identity_service.list_api_keys(user_id)[0].revoked_at_ns is not None


def test_only_the_owner_can_revoke_a_key(
    identity_service: IdentityService, user_id: int, app_key: NewApiKey
) -> None:
    mallory = identity_service.sign_up("mallory@example.com", PASSWORD)

    with pytest.raises(ApiKeyNotFoundError):
        identity_service.revoke_api_key(mallory.user_id, app_key.info.api_key)
    assert identity_service.list_api_keys(user_id)[0].revoked_at_ns is None


def test_key_name_and_redirect_url_are_validated(
    identity_service: IdentityService, user_id: int
) -> None:
    with pytest.raises(InvalidApiKeyNameError):
        identity_service.create_api_key(user_id, "   ")
    with pytest.raises(InvalidInputError, match="redirect_url"):
        identity_service.create_api_key(user_id, "bot", redirect_url="javascript:alert(1)")


def test_api_key_events_are_audited(
    identity_service: IdentityService,
    user_id: int,
    app_key: NewApiKey,
    migrated_engine: Engine,
) -> None:
    exchange(identity_service, user_id, app_key)
    identity_service.revoke_api_key(user_id, app_key.info.api_key)

    with IdentityStore(migrated_engine).read() as tx:
        events = [record.event for record in reversed(tx.audit.recent(user_id=user_id))]

    assert events == [
        "user_signed_up",
        "api_key_created",
        "request_token_issued",
        "request_token_exchanged",
        "api_key_revoked",
    ]


def exchange(service: IdentityService, user_id: int, key: NewApiKey) -> str:
    """Run the Kite login for ``key``; return the access token."""
    api_key = key.info.api_key
    request_token = service.issue_request_token(user_id, api_key)
    checksum = kite_checksum(api_key, request_token, key.api_secret)
    return service.exchange_request_token(api_key, request_token, checksum).access_token


def test_a_second_process_exchanges_a_token_issued_by_the_first(
    identity_service: IdentityService,
    make_identity_service: Callable[..., IdentityService],
    user_id: int,
    app_key: NewApiKey,
) -> None:
    """Sealed secrets open in any process configured with the same encryption key."""
    other = make_identity_service()
    api_key = app_key.info.api_key
    request_token = identity_service.issue_request_token(user_id, api_key)

    session = other.exchange_request_token(
        api_key, request_token, kite_checksum(api_key, request_token, app_key.api_secret)
    )

    assert identity_service.authenticate(session.access_token).api_key == api_key

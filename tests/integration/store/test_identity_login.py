"""Sign-up, login, throttling and the audit trail, on SQLite and PostgreSQL."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from bourse.identity import ClientInfo, IdentityService
from bourse.identity.clock import ManualClock
from bourse.identity.errors import (
    AccountDisabledError,
    EmailAlreadyRegisteredError,
    InvalidCredentialsError,
    InvalidEmailError,
    InvalidRefreshTokenError,
    LoginThrottledError,
    SessionRevokedError,
    WeakPasswordError,
)
from bourse.settings import Settings
from bourse.store import IdentityStore
from bourse.store.tables import credentials

PASSWORD = "correct horse battery"
ALICE = ClientInfo(ip="203.0.113.7", user_agent="pytest")


def audit_events(engine: Engine, user_id: int | None = None) -> list[str]:
    with IdentityStore(engine).read() as tx:
        return [record.event for record in reversed(tx.audit.recent(user_id=user_id))]


def test_sign_up_normalises_email_and_gives_an_account(identity_service: IdentityService) -> None:
    user = identity_service.sign_up("  Alice@Example.COM ", PASSWORD, ALICE)

    assert user.email == "alice@example.com"
    assert user.account_id == user.user_id > 0
    assert not user.totp_enabled
    assert identity_service.get_user(user.user_id) == user


def test_sign_up_twice_with_the_same_email_in_another_case_conflicts(
    identity_service: IdentityService,
) -> None:
    identity_service.sign_up("alice@example.com", PASSWORD)

    with pytest.raises(EmailAlreadyRegisteredError):
        identity_service.sign_up("ALICE@example.com", "another password")


def test_sign_up_refuses_bad_email_and_weak_password(identity_service: IdentityService) -> None:
    with pytest.raises(InvalidEmailError):
        identity_service.sign_up("alice", PASSWORD)
    with pytest.raises(WeakPasswordError):
        identity_service.sign_up("alice@example.com", "short")


def test_password_is_stored_as_an_argon2id_hash(
    identity_service: IdentityService, migrated_engine: Engine
) -> None:
    user = identity_service.sign_up("alice@example.com", PASSWORD)

    with migrated_engine.connect() as connection:
        stored = connection.execute(
            sa.select(credentials.c.password_hash).where(credentials.c.user_id == user.user_id)
        ).scalar_one()

    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_returns_tokens_that_authenticate(identity_service: IdentityService) -> None:
    user = identity_service.sign_up("alice@example.com", PASSWORD)

    pair = identity_service.login("ALICE@example.com", PASSWORD, client=ALICE)
    principal = identity_service.authenticate(pair.access_token)

    assert (principal.user_id, principal.account_id) == (user.user_id, user.user_id)
    assert principal.session_id == pair.session_id
    assert principal.api_key is None
    assert pair.refresh_token and pair.access_expires_at_ns < pair.refresh_expires_at_ns


def test_wrong_password_and_unknown_email_fail_the_same_way(
    identity_service: IdentityService,
) -> None:
    identity_service.sign_up("alice@example.com", PASSWORD)

    with pytest.raises(InvalidCredentialsError) as wrong_password:
        identity_service.login("alice@example.com", "wrong password")
    with pytest.raises(InvalidCredentialsError) as unknown_email:
        identity_service.login("bob@example.com", PASSWORD)

    assert wrong_password.value.message == unknown_email.value.message


def test_security_actions_are_audited(
    identity_service: IdentityService, migrated_engine: Engine
) -> None:
    user = identity_service.sign_up("alice@example.com", PASSWORD, ALICE)
    with pytest.raises(InvalidCredentialsError):
        identity_service.login("alice@example.com", "wrong password", client=ALICE)
    identity_service.login("alice@example.com", PASSWORD, client=ALICE)

    assert audit_events(migrated_engine, user.user_id) == [
        "user_signed_up",
        "login_failed",
        "login_succeeded",
    ]
    with IdentityStore(migrated_engine).read() as tx:
        failed = tx.audit.recent(event="login_failed")[0]
    assert failed.ip == ALICE.ip
    assert failed.detail == {"reason": "wrong_password"}


def test_failed_logins_per_email_are_throttled_with_retry_after(
    identity_service: IdentityService,
    identity_settings: Settings,
    clock: ManualClock,
    migrated_engine: Engine,
) -> None:
    identity_service.sign_up("alice@example.com", PASSWORD)
    limit = identity_settings.rate_limits.login_failures_per_email
    for index in range(limit):
        with pytest.raises(InvalidCredentialsError):
            identity_service.login(
                "alice@example.com", "wrong", client=ClientInfo(ip=f"198.51.100.{index}")
            )

    # Even the right password is refused while throttled, from any IP.
    with pytest.raises(LoginThrottledError) as throttled:
        identity_service.login("alice@example.com", PASSWORD, client=ClientInfo(ip="192.0.2.1"))

    window = identity_settings.rate_limits.login_failure_window_seconds
    assert throttled.value.retry_after_seconds == window // limit
    assert "login_throttled" in audit_events(migrated_engine)
    clock.advance(throttled.value.retry_after_seconds)
    assert identity_service.login("alice@example.com", PASSWORD).access_token


def test_failed_logins_per_ip_are_throttled_across_emails(
    make_identity_service: Callable[..., IdentityService],
) -> None:
    service = make_identity_service(BOURSE_LOGIN_FAILURES_PER_IP="3")
    attacker = ClientInfo(ip="192.0.2.66")
    for index in range(3):
        with pytest.raises(InvalidCredentialsError):
            service.login(f"victim{index}@example.com", "guess", client=attacker)

    with pytest.raises(LoginThrottledError):
        service.login("someone.else@example.com", "guess", client=attacker)
    # Another IP is not affected.
    with pytest.raises(InvalidCredentialsError):
        service.login("someone.else@example.com", "guess", client=ClientInfo(ip="192.0.2.67"))


def test_login_rehashes_a_password_hashed_with_old_parameters(
    identity_service: IdentityService,
    make_identity_service: Callable[..., IdentityService],
    migrated_engine: Engine,
) -> None:
    user = identity_service.sign_up("alice@example.com", PASSWORD)
    new = make_identity_service(BOURSE_ARGON2_MEMORY_KIB="16")

    new.login("alice@example.com", PASSWORD)

    with migrated_engine.connect() as connection:
        stored = connection.execute(
            sa.select(credentials.c.password_hash).where(credentials.c.user_id == user.user_id)
        ).scalar_one()
    assert "$m=16,t=1,p=1$" in stored
    assert "password_rehashed" in audit_events(migrated_engine, user.user_id)
    assert new.login("alice@example.com", PASSWORD).access_token


def test_disabled_user_cannot_log_in_and_loses_every_session(
    identity_service: IdentityService, migrated_engine: Engine
) -> None:
    user = identity_service.sign_up("alice@example.com", PASSWORD)
    pair = identity_service.login("alice@example.com", PASSWORD)

    identity_service.disable_user(user.user_id, "fraud review")

    with pytest.raises(SessionRevokedError):
        identity_service.authenticate(pair.access_token)
    with pytest.raises(InvalidRefreshTokenError):
        identity_service.refresh(pair.refresh_token)
    with pytest.raises(AccountDisabledError):
        identity_service.login("alice@example.com", PASSWORD)
    # A wrong password still says only "invalid credentials".
    with pytest.raises(InvalidCredentialsError):
        identity_service.login("alice@example.com", "wrong password")
    assert "user_disabled" in audit_events(migrated_engine, user.user_id)

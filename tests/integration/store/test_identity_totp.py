"""TOTP enrolment and login: codes are single use, also across processes sharing the DB."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from bourse.identity import IdentityError, IdentityService, TokenPair
from bourse.identity import totp as totp_codes
from bourse.identity.clock import ManualClock
from bourse.identity.errors import (
    InvalidCredentialsError,
    InvalidTotpCodeError,
    LoginThrottledError,
    TotpAlreadyEnrolledError,
    TotpCodeReusedError,
    TotpNotEnrolledError,
    TotpRequiredError,
)
from bourse.store import IdentityStore, create_store_engine
from bourse.store.tables import totp_enrolments

EMAIL = "trader@example.com"
PASSWORD = "correct horse battery"


def code_at(secret: str, clock: ManualClock, offset_seconds: int = 0) -> str:
    return totp_codes.totp_at(totp_codes.decode_secret(secret), clock.unix_seconds + offset_seconds)


def enrolled_user(service: IdentityService, clock: ManualClock) -> tuple[int, str]:
    """A user with confirmed TOTP; the clock is moved past the confirming code's step."""
    user = service.sign_up(EMAIL, PASSWORD)
    enrolment = service.enrol_totp(user.user_id)
    service.confirm_totp(user.user_id, code_at(enrolment.secret, clock))
    clock.advance(30)
    return user.user_id, enrolment.secret


def test_enrolment_gives_a_secret_and_an_otpauth_uri(identity_service: IdentityService) -> None:
    user = identity_service.sign_up(EMAIL, PASSWORD)

    enrolment = identity_service.enrol_totp(user.user_id)

    assert len(enrolment.secret) == 32
    assert enrolment.provisioning_uri.startswith("otpauth://totp/Bourse%3Atrader%40example.com?")
    assert f"secret={enrolment.secret}" in enrolment.provisioning_uri


def test_unconfirmed_enrolment_does_not_require_a_code(identity_service: IdentityService) -> None:
    user = identity_service.sign_up(EMAIL, PASSWORD)
    identity_service.enrol_totp(user.user_id)

    assert identity_service.login(EMAIL, PASSWORD).access_token
    assert not identity_service.get_user(user.user_id).totp_enabled


def test_confirm_needs_a_valid_code(identity_service: IdentityService) -> None:
    user = identity_service.sign_up(EMAIL, PASSWORD)
    identity_service.enrol_totp(user.user_id)

    with pytest.raises(InvalidTotpCodeError):
        identity_service.confirm_totp(user.user_id, "000000")
    assert not identity_service.get_user(user.user_id).totp_enabled


def test_confirm_without_enrolment_is_refused(identity_service: IdentityService) -> None:
    user = identity_service.sign_up(EMAIL, PASSWORD)

    with pytest.raises(TotpNotEnrolledError):
        identity_service.confirm_totp(user.user_id, "123456")


def test_secret_is_sealed_at_rest(
    identity_service: IdentityService, migrated_engine: Engine
) -> None:
    user = identity_service.sign_up(EMAIL, PASSWORD)
    enrolment = identity_service.enrol_totp(user.user_id)

    with migrated_engine.connect() as connection:
        stored = connection.execute(sa.select(totp_enrolments.c.secret_sealed)).scalar_one()

    assert enrolment.secret.encode() not in stored
    assert totp_codes.decode_secret(enrolment.secret) not in stored


def test_login_with_totp_enabled_requires_a_code(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    user_id, _secret = enrolled_user(identity_service, clock)

    assert identity_service.get_user(user_id).totp_enabled
    with pytest.raises(TotpRequiredError):
        identity_service.login(EMAIL, PASSWORD)


def test_login_with_a_valid_code_succeeds(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    user_id, secret = enrolled_user(identity_service, clock)

    pair = identity_service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock))

    assert identity_service.authenticate(pair.access_token).user_id == user_id


def test_code_from_the_previous_step_is_accepted_for_clock_skew(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    clock.advance(30)

    assert identity_service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock, -30))


def test_code_two_steps_old_is_rejected(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    clock.advance(90)

    with pytest.raises(InvalidTotpCodeError):
        identity_service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock, -60))


def test_a_code_cannot_be_used_twice(identity_service: IdentityService, clock: ManualClock) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    code = code_at(secret, clock)
    identity_service.login(EMAIL, PASSWORD, totp_code=code)

    with pytest.raises(TotpCodeReusedError):
        identity_service.login(EMAIL, PASSWORD, totp_code=code)


def test_the_confirming_code_cannot_be_used_to_log_in(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    user = identity_service.sign_up(EMAIL, PASSWORD)
    enrolment = identity_service.enrol_totp(user.user_id)
    code = code_at(enrolment.secret, clock)
    identity_service.confirm_totp(user.user_id, code)

    with pytest.raises(TotpCodeReusedError):
        identity_service.login(EMAIL, PASSWORD, totp_code=code)


def test_an_older_code_is_rejected_once_a_newer_one_was_used(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    identity_service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock))

    with pytest.raises(TotpCodeReusedError):
        identity_service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock, -30))


def test_the_next_step_code_works_after_a_used_one(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    identity_service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock))
    clock.advance(30)

    assert identity_service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock)).access_token


def test_a_code_used_in_one_process_is_rejected_in_another(
    identity_service: IdentityService,
    make_identity_service: Callable[..., IdentityService],
    database_url: str,
    clock: ManualClock,
) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    code = code_at(secret, clock)
    other_engine = create_store_engine(database_url)
    try:
        other_process = make_identity_service(other_engine)
        identity_service.login(EMAIL, PASSWORD, totp_code=code)

        with pytest.raises(TotpCodeReusedError):
            other_process.login(EMAIL, PASSWORD, totp_code=code)
    finally:
        other_engine.dispose()


def test_concurrent_logins_with_one_code_let_exactly_one_through(
    make_identity_service: Callable[..., IdentityService],
    identity_service: IdentityService,
    database_url: str,
    clock: ManualClock,
) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    code = code_at(secret, clock)
    engines = [create_store_engine(database_url) for _ in range(4)]
    services = [make_identity_service(engine) for engine in engines]

    def attempt(service: IdentityService) -> TokenPair | IdentityError:
        try:
            return service.login(EMAIL, PASSWORD, totp_code=code)
        except IdentityError as error:
            return error

    try:
        with ThreadPoolExecutor(max_workers=len(services)) as pool:
            results = list(pool.map(attempt, services))
    finally:
        for engine in engines:
            engine.dispose()

    assert sum(isinstance(result, TokenPair) for result in results) == 1
    assert sum(isinstance(result, TotpCodeReusedError) for result in results) == 3


def test_wrong_and_replayed_codes_count_as_failed_logins(
    make_identity_service: Callable[..., IdentityService], clock: ManualClock
) -> None:
    service = make_identity_service(BOURSE_LOGIN_FAILURES_PER_EMAIL="2")
    _user_id, secret = enrolled_user(service, clock)
    code = code_at(secret, clock)
    service.login(EMAIL, PASSWORD, totp_code=code)
    with pytest.raises(TotpCodeReusedError):
        service.login(EMAIL, PASSWORD, totp_code=code)
    with pytest.raises(InvalidTotpCodeError):
        service.login(EMAIL, PASSWORD, totp_code="000000" if code != "000000" else "111111")

    with pytest.raises(LoginThrottledError):
        service.login(EMAIL, PASSWORD, totp_code=code_at(secret, clock, 30))


def test_wrong_password_with_a_valid_code_does_not_spend_the_code(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    _user_id, secret = enrolled_user(identity_service, clock)
    code = code_at(secret, clock)

    with pytest.raises(InvalidCredentialsError):
        identity_service.login(EMAIL, "wrong password", totp_code=code)
    assert identity_service.login(EMAIL, PASSWORD, totp_code=code).access_token


def test_enrolling_again_once_enabled_conflicts(
    identity_service: IdentityService, clock: ManualClock
) -> None:
    user_id, _secret = enrolled_user(identity_service, clock)

    with pytest.raises(TotpAlreadyEnrolledError):
        identity_service.enrol_totp(user_id)


def test_totp_events_are_audited(
    identity_service: IdentityService, clock: ManualClock, migrated_engine: Engine
) -> None:
    user_id, secret = enrolled_user(identity_service, clock)
    code = code_at(secret, clock)
    identity_service.login(EMAIL, PASSWORD, totp_code=code)
    with pytest.raises(TotpCodeReusedError):
        identity_service.login(EMAIL, PASSWORD, totp_code=code)

    with IdentityStore(migrated_engine).read() as tx:
        events = [record.event for record in reversed(tx.audit.recent(user_id=user_id))]

    assert events == [
        "user_signed_up",
        "totp_enrolment_started",
        "totp_enabled",
        "login_succeeded",
        "totp_replay_rejected",
    ]

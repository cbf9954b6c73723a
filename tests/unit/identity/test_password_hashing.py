"""argon2id hashing: production strength by default, verify, rehash, and the password policy."""

import pytest

from bourse import settings
from bourse.identity.errors import WeakPasswordError
from bourse.identity.passwords import (
    PRODUCTION_MINIMUM,
    Argon2Parameters,
    Argon2PasswordHasher,
    check_new_password,
)

# Argon2's own floor (8 KiB per lane, one pass): for tests that are not about strength.
CHEAP = Argon2Parameters(memory_cost_kib=8, time_cost=1, parallelism=1)


@pytest.fixture(scope="module")
def cheap_hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(CHEAP)


def test_default_parameters_are_the_owasp_minimum_for_argon2id() -> None:
    assert Argon2PasswordHasher.__init__.__defaults__ == (PRODUCTION_MINIMUM,)
    assert PRODUCTION_MINIMUM.memory_cost_kib >= 19 * 1024
    assert PRODUCTION_MINIMUM.time_cost >= 2
    assert PRODUCTION_MINIMUM.parallelism == 1


def test_settings_minimum_agrees_with_the_hasher_minimum() -> None:
    assert (
        PRODUCTION_MINIMUM.memory_cost_kib,
        PRODUCTION_MINIMUM.time_cost,
        PRODUCTION_MINIMUM.parallelism,
    ) == (
        settings.ARGON2_MIN_MEMORY_KIB,
        settings.ARGON2_MIN_TIME_COST,
        settings.ARGON2_MIN_PARALLELISM,
    )


def test_default_hasher_produces_argon2id_at_19_mib_2_passes_1_lane() -> None:
    password_hash = Argon2PasswordHasher().hash("correct horse battery staple")

    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_verify_accepts_the_right_password(cheap_hasher: Argon2PasswordHasher) -> None:
    password_hash = cheap_hasher.hash("correct horse")

    assert cheap_hasher.verify(password_hash, "correct horse")


def test_verify_rejects_a_wrong_password(cheap_hasher: Argon2PasswordHasher) -> None:
    password_hash = cheap_hasher.hash("correct horse")

    assert not cheap_hasher.verify(password_hash, "correct horsf")


def test_verify_rejects_a_malformed_hash(cheap_hasher: Argon2PasswordHasher) -> None:
    assert not cheap_hasher.verify("not-a-hash", "anything")


def test_same_password_hashes_differently_each_time(cheap_hasher: Argon2PasswordHasher) -> None:
    assert cheap_hasher.hash("same password") != cheap_hasher.hash("same password")


def test_needs_rehash_when_parameters_changed(cheap_hasher: Argon2PasswordHasher) -> None:
    stronger = Argon2PasswordHasher(Argon2Parameters(memory_cost_kib=16, time_cost=1))
    password_hash = cheap_hasher.hash("password123")

    assert not cheap_hasher.needs_rehash(password_hash)
    assert stronger.needs_rehash(password_hash)


def test_needs_rehash_for_a_malformed_hash(cheap_hasher: Argon2PasswordHasher) -> None:
    assert cheap_hasher.needs_rehash("garbage")


def test_parameters_meet_a_minimum() -> None:
    assert PRODUCTION_MINIMUM.meets(PRODUCTION_MINIMUM)
    assert not CHEAP.meets(PRODUCTION_MINIMUM)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 8"),
        ("x" * 257, "at most 256"),
        ("         ", "whitespace"),
        ("Me@Example.com", "email"),
    ],
)
def test_new_password_policy_refuses(password: str, reason: str) -> None:
    with pytest.raises(WeakPasswordError, match=reason):
        check_new_password(password, email="me@example.com")


def test_new_password_policy_accepts_a_passphrase() -> None:
    check_new_password("correct horse battery staple", email="me@example.com")

"""Password hashing with argon2id, and the password policy for new passwords.

Production parameters are the OWASP minimum for argon2id: 19 MiB of memory, 2 iterations,
parallelism 1. Hashes carry their own parameters, so raising them later only needs
``needs_rehash`` at the next successful login.
"""

from dataclasses import dataclass

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from bourse.identity.errors import WeakPasswordError

MIN_PASSWORD_LENGTH = 8
# Generous for passphrases, small enough that hashing one cannot be used to burn CPU.
MAX_PASSWORD_LENGTH = 256


@dataclass(frozen=True, slots=True)
class Argon2Parameters:
    memory_cost_kib: int = 19_456
    time_cost: int = 2
    parallelism: int = 1

    def meets(self, minimum: "Argon2Parameters") -> bool:
        return (
            self.memory_cost_kib >= minimum.memory_cost_kib
            and self.time_cost >= minimum.time_cost
            and self.parallelism >= minimum.parallelism
        )


PRODUCTION_MINIMUM = Argon2Parameters()
"""argon2id at 19 MiB / 2 iterations / parallelism 1 (OWASP password storage cheat sheet)."""


class Argon2PasswordHasher:
    """argon2id hashing; ``verify`` never raises for a wrong password, it returns False."""

    def __init__(self, parameters: Argon2Parameters = PRODUCTION_MINIMUM) -> None:
        self.parameters = parameters
        self._hasher = argon2.PasswordHasher(
            time_cost=parameters.time_cost,
            memory_cost=parameters.memory_cost_kib,
            parallelism=parameters.parallelism,
            hash_len=32,
            salt_len=16,
            type=argon2.Type.ID,
        )
        # Verified against when the email is unknown, so that a login for a missing account
        # costs the same time as one with a wrong password (no user enumeration by timing).
        self._dummy_hash = self._hasher.hash("not a password: equalises login timing")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_dummy(self, password: str) -> None:
        """Spend the time of one verification and learn nothing."""
        self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True if the hash was made with other parameters than this hasher's."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True


def check_new_password(password: str, *, email: str | None = None) -> None:
    """Apply the policy for a new password: length bounds and not the email itself.

    NIST SP 800-63B style: no composition rules, a minimum length, a sane maximum.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(f"password must be at most {MAX_PASSWORD_LENGTH} characters long")
    if not password.strip():
        raise WeakPasswordError("password must not be only whitespace")
    if email is not None and password.strip().lower() == email.lower():
        raise WeakPasswordError("password must not be the email address")

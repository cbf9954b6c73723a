"""Users and their password credentials."""

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from bourse.store.errors import DuplicateEmailError
from bourse.store.records import UserRecord
from bourse.store.tables import credentials, users


class UserRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, email: str, password_hash: str, now_ns: int) -> UserRecord:
        """Insert a user and its credential; ``email`` must already be normalised."""
        try:
            user_id = self._connection.execute(
                sa.insert(users).values(email=email, created_at_ns=now_ns).returning(users.c.id)
            ).scalar_one()
        except IntegrityError as error:
            # The only constraint an insert of a new row can break is the unique email.
            raise DuplicateEmailError(email) from error
        self._connection.execute(
            sa.insert(credentials).values(
                user_id=user_id, password_hash=password_hash, updated_at_ns=now_ns
            )
        )
        return UserRecord(id=user_id, email=email, created_at_ns=now_ns, disabled_at_ns=None)

    def by_id(self, user_id: int) -> UserRecord | None:
        row = self._connection.execute(sa.select(users).where(users.c.id == user_id)).first()
        return None if row is None else UserRecord(**row._mapping)

    def by_email(self, email: str) -> UserRecord | None:
        row = self._connection.execute(sa.select(users).where(users.c.email == email)).first()
        return None if row is None else UserRecord(**row._mapping)

    def password_hash(self, user_id: int) -> str | None:
        hash_ = self._connection.execute(
            sa.select(credentials.c.password_hash).where(credentials.c.user_id == user_id)
        ).scalar_one_or_none()
        return None if hash_ is None else str(hash_)

    def set_password_hash(self, user_id: int, password_hash: str, now_ns: int) -> None:
        self._connection.execute(
            sa.update(credentials)
            .where(credentials.c.user_id == user_id)
            .values(password_hash=password_hash, updated_at_ns=now_ns)
        )

    def disable(self, user_id: int, now_ns: int) -> bool:
        result = self._connection.execute(
            sa.update(users)
            .where(users.c.id == user_id, users.c.disabled_at_ns.is_(None))
            .values(disabled_at_ns=now_ns)
        )
        return result.rowcount == 1

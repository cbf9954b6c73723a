"""TOTP enrolments, including the last accepted time step that makes codes single-use."""

import sqlalchemy as sa
from sqlalchemy import Connection

from bourse.store.records import TotpEnrolmentRecord
from bourse.store.tables import totp_enrolments


class TotpEnrolmentRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, user_id: int) -> TotpEnrolmentRecord | None:
        row = self._connection.execute(
            sa.select(totp_enrolments).where(totp_enrolments.c.user_id == user_id)
        ).first()
        return None if row is None else TotpEnrolmentRecord(**row._mapping)

    def start(self, user_id: int, secret_sealed: bytes, now_ns: int) -> None:
        """Store a new unconfirmed enrolment, replacing an earlier unconfirmed one."""
        self._connection.execute(
            sa.delete(totp_enrolments).where(
                totp_enrolments.c.user_id == user_id,
                totp_enrolments.c.confirmed_at_ns.is_(None),
            )
        )
        self._connection.execute(
            sa.insert(totp_enrolments).values(
                user_id=user_id,
                secret_sealed=secret_sealed,
                created_at_ns=now_ns,
                confirmed_at_ns=None,
                last_used_step=0,
            )
        )

    def confirm(self, user_id: int, now_ns: int) -> bool:
        result = self._connection.execute(
            sa.update(totp_enrolments)
            .where(
                totp_enrolments.c.user_id == user_id,
                totp_enrolments.c.confirmed_at_ns.is_(None),
            )
            .values(confirmed_at_ns=now_ns)
        )
        return result.rowcount == 1

    def consume_step(self, user_id: int, step: int) -> bool:
        """Record ``step`` as used if it is later than every step used before.

        One conditional UPDATE, so it is atomic on both backends: of two processes accepting
        the same code, the database lets exactly one of them move ``last_used_step`` forward
        (PostgreSQL re-checks the WHERE clause after the row lock; SQLite serialises writers).
        """
        result = self._connection.execute(
            sa.update(totp_enrolments)
            .where(
                totp_enrolments.c.user_id == user_id,
                totp_enrolments.c.last_used_step < step,
            )
            .values(last_used_step=step)
        )
        return result.rowcount == 1

    def remove(self, user_id: int) -> bool:
        result = self._connection.execute(
            sa.delete(totp_enrolments).where(totp_enrolments.c.user_id == user_id)
        )
        return result.rowcount == 1

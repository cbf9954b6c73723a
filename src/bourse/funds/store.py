"""SQL rows of the funds flows: bank accounts, payments, payouts, handled webhook events."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from bourse.store.tables import (
    DEPOSIT_ENTRIES,
    bank_accounts,
    ledger_entries,
    payments,
    payouts,
    webhook_events,
)


def insert_payment(connection: Connection, row: dict[str, Any]) -> None:
    connection.execute(sa.insert(payments).values(**row))


def find_payment(connection: Connection, payment_id: str) -> Row[Any] | None:
    return connection.execute(sa.select(payments).where(payments.c.id == payment_id)).first()


def set_payment_status(connection: Connection, payment_id: str, status: str, now_ns: int) -> None:
    connection.execute(
        sa.update(payments)
        .where(payments.c.id == payment_id)
        .values(status=status, updated_at_ns=now_ns)
    )


def insert_payout(connection: Connection, row: dict[str, Any]) -> None:
    connection.execute(sa.insert(payouts).values(**row))


def find_payout(connection: Connection, payout_id: str) -> Row[Any] | None:
    return connection.execute(sa.select(payouts).where(payouts.c.id == payout_id)).first()


def set_payout_status(connection: Connection, payout_id: str, status: str, now_ns: int) -> None:
    connection.execute(
        sa.update(payouts)
        .where(payouts.c.id == payout_id)
        .values(status=status, updated_at_ns=now_ns)
    )


def user_payouts(connection: Connection, user_id: int) -> list[Row[Any]]:
    return list(
        connection.execute(
            sa.select(payouts).where(payouts.c.user_id == user_id).order_by(payouts.c.created_at_ns)
        )
    )


def insert_bank_account(connection: Connection, row: dict[str, Any]) -> int:
    inserted = connection.execute(
        sa.insert(bank_accounts).values(**row).returning(bank_accounts.c.id)
    ).scalar_one()
    return int(inserted)


def find_bank_account(
    connection: Connection, user_id: int, bank_account_id: int
) -> Row[Any] | None:
    """The caller's own, not removed, bank account (None for anyone else's)."""
    return connection.execute(
        sa.select(bank_accounts).where(
            bank_accounts.c.id == bank_account_id,
            bank_accounts.c.user_id == user_id,
            bank_accounts.c.removed_at_ns.is_(None),
        )
    ).first()


def user_bank_accounts(connection: Connection, user_id: int) -> list[Row[Any]]:
    return list(
        connection.execute(
            sa.select(bank_accounts)
            .where(bank_accounts.c.user_id == user_id, bank_accounts.c.removed_at_ns.is_(None))
            .order_by(bank_accounts.c.id)
        )
    )


def webhook_seen(connection: Connection, event_id: str) -> bool:
    found = connection.execute(
        sa.select(webhook_events.c.event_id).where(webhook_events.c.event_id == event_id)
    ).first()
    return found is not None


def record_webhook(connection: Connection, event_id: str, kind: str, now_ns: int) -> None:
    connection.execute(
        sa.insert(webhook_events).values(event_id=event_id, kind=kind, received_at_ns=now_ns)
    )


DEPOSIT_QUERY = sa.select(ledger_entries.c.seq).where(
    # Literal, so the planners see the partial index's own condition.
    sa.text(DEPOSIT_ENTRIES),
    ledger_entries.c.reference == sa.bindparam("reference"),
)
"""Deposit entries with the reference ``reference`` (read from the partial deposit index)."""


def deposit_booked(connection: Connection, reference: str) -> bool:
    """Whether the ledger holds a deposit with this reference (a payment id)."""
    return connection.execute(DEPOSIT_QUERY, {"reference": reference}).first() is not None

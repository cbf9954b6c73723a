"""Bulk writes of the ledger's rows, the same on SQLite and PostgreSQL."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from bourse.ledger.entries import Entry, TradeLeg
from bourse.store.tables import ledger_balances, ledger_entries, ledger_postings, ledger_trades

ENTRY_COLUMNS = ("seq", "ts_ns", "kind", "reference")
POSTING_COLUMNS = ("entry_seq", "line", "account", "asset", "amount")


def insert_rows(
    connection: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """One ``executemany`` straight on the driver (qmark parameters, SQLite): SQLAlchemy's
    per-row parameter processing cost several times SQLite's own insert."""
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(rows))


def insert_entries(connection: Connection, entries: Sequence[Entry]) -> dict[tuple[str, str], int]:
    """Insert entries and their postings (COPY on PostgreSQL, else one driver executemany per
    table); return the change of every (account, asset) balance they make."""
    if connection.dialect.name == "postgresql":
        return _copy_entries(connection, entries)
    entry_rows: list[tuple[int, int, str, str]] = []
    posting_rows: list[tuple[int, int, str, str, int]] = []
    changes: dict[tuple[str, str], int] = {}
    for entry in entries:
        entry_rows.append((entry.seq, entry.ts_ns, entry.kind, entry.reference))
        for line, (account, asset, amount) in enumerate(entry.postings):
            posting_rows.append((entry.seq, line, account, asset, amount))
            key = (account, asset)
            changes[key] = changes.get(key, 0) + amount
    if entry_rows:
        insert_rows(connection, ledger_entries, ENTRY_COLUMNS, entry_rows)
        insert_rows(connection, ledger_postings, POSTING_COLUMNS, posting_rows)
    return changes


def insert_trades(connection: Connection, legs: Sequence[TradeLeg]) -> None:
    if not legs:
        return
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        columns = ", ".join(TradeLeg._fields)
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY ledger_trades ({columns}) FROM STDIN") as copy,
        ):
            for leg in legs:
                copy.write_row(leg)
        return
    insert_rows(connection, ledger_trades, TradeLeg._fields, legs)


def add_to_balances(connection: Connection, changes: dict[tuple[str, str], int]) -> None:
    """``balance += change`` per (account, asset), creating rows as needed: one upsert."""
    rows = [
        {"account": account, "asset": asset, "balance": change}
        for (account, asset), change in sorted(changes.items())
        if change
    ]
    if not rows:
        return
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ledger_balances)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[ledger_balances.c.account, ledger_balances.c.asset],
            set_={"balance": ledger_balances.c.balance + statement.excluded.balance},
        ),
        rows,
    )


def read_balances(connection: Connection) -> dict[tuple[str, str], int]:
    """Every nonzero (account, asset) balance."""
    rows = connection.execute(
        sa.select(ledger_balances.c.account, ledger_balances.c.asset, ledger_balances.c.balance)
    )
    return {(account, asset): int(balance) for account, asset, balance in rows if balance}


def sum_postings(connection: Connection) -> dict[tuple[str, str], int]:
    """Balances recomputed from the postings themselves (the check on ``ledger_balances``)."""
    rows = connection.execute(
        sa.select(
            ledger_postings.c.account,
            ledger_postings.c.asset,
            sa.func.sum(ledger_postings.c.amount),
        ).group_by(ledger_postings.c.account, ledger_postings.c.asset)
    )
    return {(account, asset): int(total) for account, asset, total in rows if total}


def _copy_text(value: str) -> str:
    """A value in COPY's text format (references come from users: escape what COPY reads)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _copy_entries(connection: Connection, entries: Sequence[Entry]) -> dict[tuple[str, str], int]:
    """PostgreSQL's COPY, fed pre-formatted text: several times faster than inserts."""
    changes: dict[tuple[str, str], int] = {}
    if not entries:
        return changes
    entry_lines: list[str] = []
    posting_lines: list[str] = []
    for seq, ts_ns, kind, reference, postings in entries:
        entry_lines.append(f"{seq}\t{ts_ns}\t{kind}\t{_copy_text(reference)}\n")
        for line, (account, asset, amount) in enumerate(postings):
            # Account and asset names are ours (digits, letters, ':' and '_'): no escaping.
            posting_lines.append(f"{seq}\t{line}\t{account}\t{asset}\t{amount}\n")
            key = (account, asset)
            changes[key] = changes.get(key, 0) + amount
    raw = connection.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy("COPY ledger_entries (seq, ts_ns, kind, reference) FROM STDIN") as copy:
            copy.write("".join(entry_lines))
        with cursor.copy(
            "COPY ledger_postings (entry_seq, line, account, asset, amount) FROM STDIN"
        ) as copy:
            copy.write("".join(posting_lines))
    return changes

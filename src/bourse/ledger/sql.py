"""Bulk writes of the ledger's rows, the same on SQLite and PostgreSQL."""

import sqlite3
from collections.abc import Sequence
from contextlib import ExitStack
from functools import cache
from itertools import chain
from types import TracebackType
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import Copy
from sqlalchemy import Connection

from bourse.ledger.entries import Entry, TradeLeg
from bourse.ledger.rows import BalanceChanges, SqlValue, copy_lines, parameter_rows
from bourse.store.tables import ledger_balances, ledger_entries, ledger_postings, ledger_trades

ENTRY_COLUMNS = ("seq", "ts_ns", "kind", "reference")
POSTING_COLUMNS = ("entry_seq", "line", "account", "asset", "amount")
COPY_ENTRIES = f"COPY ledger_entries ({', '.join(ENTRY_COLUMNS)}) FROM STDIN"
COPY_POSTINGS = f"COPY ledger_postings ({', '.join(POSTING_COLUMNS)}) FROM STDIN"
_ADD_TO_BALANCE = (
    " ON CONFLICT (account, asset) DO UPDATE"
    " SET balance = ledger_balances.balance + excluded.balance"
)
INSERT_BALANCES = "INSERT INTO ledger_balances (account, asset, balance) VALUES "
UPSERT_BALANCES_FROM_ARRAYS = (
    "INSERT INTO ledger_balances (account, asset, balance)"
    " SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[])" + _ADD_TO_BALANCE
)


SQLITE_MAX_PARAMETERS = 999
"""The fewest parameters a SQLite statement may take (builds before 3.32 allow no more)."""


def insert_rows(
    connection: Connection, table: sa.Table, columns: Sequence[str], values: list[SqlValue]
) -> None:
    """Driver ``executemany``s on the SQLite connection itself, in the caller's transaction:
    SQLAlchemy's per-row parameter processing cost several times SQLite's own insert, and on
    the small batches of the embedded order path even its per-statement work counts.
    ``values`` holds the rows one after the other (``len(columns)`` values each)."""
    head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
    _execute_in_chunks(_sqlite_driver(connection), head, len(columns), values)


def _execute_in_chunks(
    driver: sqlite3.Connection,
    head: str,
    width: int,
    values: list[SqlValue],
    tail: str = "",
) -> None:
    """``head`` + VALUES tuples + ``tail`` for every row of ``values`` (flat: ``width`` values
    a row): as many rows per statement as the parameter limit allows, then what is left in
    statements of 128, 64, … 1 rows (at most one of each). Each execution of a statement costs
    SQLite (and the sqlite3 module, which releases and retakes the GIL around it) more than one
    more row in it: with multi-row statements the projection's SQLite write took a third fewer
    instructions per trade (callgrind, bench/ledger.py's stream); the projector's batches are
    small, and their leftovers, one row a statement, were a sixth of its CPU. Each statement's
    parameters are a slice of the flat list: no tuple per row."""
    rows = len(values) // width
    done = 0
    for size in _statement_sizes(width):
        count = (rows - done) // size
        if not count:
            continue
        step = size * width
        start = done * width
        done += count * size
        driver.executemany(
            _multi_row_statement(head, width, size, tail),
            [values[at : at + step] for at in range(start, done * width, step)],
        )


@cache
def _statement_sizes(width: int) -> tuple[int, ...]:
    """Rows a statement: the most the parameter limit allows, then powers of two below it."""
    most = SQLITE_MAX_PARAMETERS // width
    return (most, *(1 << bit for bit in reversed(range(most.bit_length())) if 1 << bit < most))


@cache
def _multi_row_statement(head: str, width: int, rows: int, tail: str) -> str:
    one = "(" + ", ".join("?" * width) + ")"
    return head + ", ".join([one] * rows) + tail


class LedgerBatchWriter:
    """Writes one batch's entries, postings, balance changes and trade legs in the caller's
    transaction: ``with LedgerBatchWriter(connection) as writer: writer.add(entries, legs)``,
    as many times as the bookkeeper hands over entries; the rest is written on leaving.

    On PostgreSQL the postings stream through one COPY as they are added, so the server
    inserts and indexes them (as much work as the bookkeeping) while the bookkeeper works out
    the next events; the entries and trade legs follow by COPY and the balances by one upsert.
    On SQLite every table gets its multi-row inserts (``_execute_in_chunks``) on leaving.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._postgres = connection.dialect.name == "postgresql"
        self._changes: BalanceChanges = {}
        self._legs: list[TradeLeg] = []
        self._entry_lines: list[str] = []
        self._entry_values: list[SqlValue] = []
        self._posting_values: list[SqlValue] = []
        self._streams = ExitStack()
        self._postings: Copy | None = None

    def __enter__(self) -> "LedgerBatchWriter":
        return self

    def add(self, entries: Sequence[Entry], legs: Sequence[TradeLeg]) -> None:
        self._legs.extend(legs)
        if not entries:
            return
        if not self._postgres:
            parameter_rows(entries, self._entry_values, self._posting_values, self._changes)
            return
        if self._postings is None:
            cursor = self._streams.enter_context(_driver(self._connection).cursor())
            self._postings = self._streams.enter_context(cursor.copy(COPY_POSTINGS))
        self._postings.write(copy_lines(entries, self._entry_lines, self._changes))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Ends the postings' COPY (waiting for the server to take the last rows), or, on an
        # error, aborts it; the caller's transaction rolls back either way.
        self._streams.__exit__(exc_type, exc, traceback)
        if exc_type is not None:
            return
        connection = self._connection
        if self._postgres:
            if self._entry_lines:
                with _driver(connection).cursor() as cursor, cursor.copy(COPY_ENTRIES) as copy:
                    copy.write("".join(self._entry_lines))
        elif self._entry_values:
            insert_rows(connection, ledger_entries, ENTRY_COLUMNS, self._entry_values)
            insert_rows(connection, ledger_postings, POSTING_COLUMNS, self._posting_values)
        add_to_balances(connection, self._changes)
        insert_trades(connection, self._legs)


def insert_trades(connection: Connection, legs: Sequence[TradeLeg]) -> None:
    if not legs:
        return
    if connection.dialect.name == "postgresql":
        columns = ", ".join(TradeLeg._fields)
        with (
            _driver(connection).cursor() as cursor,
            cursor.copy(f"COPY ledger_trades ({columns}) FROM STDIN") as copy,
        ):
            for leg in legs:
                copy.write_row(leg)
        return
    insert_rows(connection, ledger_trades, TradeLeg._fields, list(chain.from_iterable(legs)))


def add_to_balances(connection: Connection, changes: BalanceChanges) -> None:
    """``balance += change`` per (account, asset), creating rows as needed: on PostgreSQL one
    statement that takes the changes as three arrays (than SQLAlchemy's upsert per row, a
    quarter of the client's CPU and two thirds of the server's), on SQLite multi-row upserts
    (``_execute_in_chunks``)."""
    rows = [
        (account, asset, change) for (account, asset), change in sorted(changes.items()) if change
    ]
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        accounts, assets, amounts = (list(column) for column in zip(*rows, strict=True))
        connection.exec_driver_sql(UPSERT_BALANCES_FROM_ARRAYS, (accounts, assets, amounts))
    else:
        _execute_in_chunks(
            _sqlite_driver(connection),
            INSERT_BALANCES,
            3,
            list(chain.from_iterable(rows)),
            _ADD_TO_BALANCE,
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


def _driver(connection: Connection) -> psycopg.Connection[Any]:
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw


def _sqlite_driver(connection: Connection) -> sqlite3.Connection:
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw

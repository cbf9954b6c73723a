"""Ledger tables laid out for cheap inserts: the postings indexed only where the statement reads
them (users' cash postings, a partial index); on SQLite also ``ledger_entries`` keyed by the
rowid and ``ledger_postings`` / ``ledger_trades`` WITHOUT ROWID.

SQLite cannot change a table's key or rowid in place, so there the three tables are rebuilt:
created under a temporary name, filled from the old table in key order, the old one dropped
and the new one renamed, its indexes created last. The rows (and so every balance, statement
and tradebook) are the same before and after; PostgreSQL only swaps the postings' index.

Revision ID: 0005_ledger_layout
Revises: 0004_candles
Create Date: 2026-11-22
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_ledger_layout"
down_revision: str | None = "0004_candles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the definitions in tables.py: a migration never imports the live schema.
_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_USER_CASH = "asset = 'INR' AND account LIKE 'user:%'"
_OLD_INDEX = "ix_ledger_postings_account_entry_seq"
_NEW_INDEX = "ix_ledger_postings_user_cash"
_TRADES_INDEX = "ix_ledger_trades_account_ts_ns"


def _entries(name: str, seq_type: sa.types.TypeEngine[int]) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("seq", seq_type, autoincrement=False, nullable=False),
        sa.Column("ts_ns", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_ledger_entries"),
    )


def _postings(name: str, with_rowid: bool) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("entry_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("line", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("asset", sa.String(24), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entry_seq", "line", name="pk_ledger_postings"),
        sqlite_with_rowid=with_rowid,
    )


def _trades(name: str, with_rowid: bool) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("ts_ns", sa.BigInteger(), nullable=False),
        sa.Column("trade_id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("account", sa.BigInteger(), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("product", sa.String(8), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("brokerage", sa.BigInteger(), nullable=False),
        sa.Column("stt", sa.BigInteger(), nullable=False),
        sa.Column("exchange_charge", sa.BigInteger(), nullable=False),
        sa.Column("sebi_fee", sa.BigInteger(), nullable=False),
        sa.Column("gst", sa.BigInteger(), nullable=False),
        sa.Column("stamp_duty", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seq", "side", name="pk_ledger_trades"),
        sqlite_with_rowid=with_rowid,
    )


def _rebuild(table: str, key: str, create: Callable[[str], sa.Table]) -> None:
    """Replace SQLite ``table`` by one ``create`` makes, with the same rows (copied in key
    order, so a WITHOUT ROWID table is filled by appends). Its indexes go with the old table."""
    new = f"_ledger_layout_{table}"
    columns = ", ".join(column.name for column in create(new).columns)
    op.execute(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table} ORDER BY {key}")
    op.drop_table(table)
    op.rename_table(new, table)


def _create_user_cash_index() -> None:
    op.create_index(
        _NEW_INDEX,
        "ledger_postings",
        ["account", "entry_seq", "line"],
        sqlite_where=sa.text(_USER_CASH),
        postgresql_where=sa.text(_USER_CASH),
    )


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild("ledger_entries", "seq", lambda name: _entries(name, _id))
        _rebuild("ledger_postings", "entry_seq, line", lambda name: _postings(name, False))
        _rebuild("ledger_trades", "seq, side", lambda name: _trades(name, False))
        op.create_index(_TRADES_INDEX, "ledger_trades", ["account", "ts_ns"])
    else:
        op.drop_index(_OLD_INDEX, table_name="ledger_postings")
    _create_user_cash_index()


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild("ledger_entries", "seq", lambda name: _entries(name, sa.BigInteger()))
        _rebuild("ledger_postings", "entry_seq, line", lambda name: _postings(name, True))
        _rebuild("ledger_trades", "seq, side", lambda name: _trades(name, True))
        op.create_index(_TRADES_INDEX, "ledger_trades", ["account", "ts_ns"])
    else:
        op.drop_index(_NEW_INDEX, table_name="ledger_postings")
    op.create_index(_OLD_INDEX, "ledger_postings", ["account", "entry_seq"])

"""Ledger (entries, postings, balances, trade legs, reconciliations) and funds (bank accounts,
payments, payouts, webhook events).

Revision ID: 0003_ledger_and_funds
Revises: 0002_projection_checkpoints
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_ledger_and_funds"
down_revision: str | None = "0002_projection_checkpoints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of the column type in tables.py: a migration never imports the live schema.
_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ts_ns", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_entries")),
    )
    op.create_table(
        "ledger_postings",
        sa.Column("entry_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("line", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("asset", sa.String(24), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entry_seq", "line", name=op.f("pk_ledger_postings")),
    )
    op.create_index(
        "ix_ledger_postings_account_entry_seq", "ledger_postings", ["account", "entry_seq"]
    )
    op.create_table(
        "ledger_balances",
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("asset", sa.String(24), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account", "asset", name=op.f("pk_ledger_balances")),
    )
    op.create_table(
        "ledger_trades",
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
        sa.PrimaryKeyConstraint("seq", "side", name=op.f("pk_ledger_trades")),
    )
    op.create_index("ix_ledger_trades_account_ts_ns", "ledger_trades", ["account", "ts_ns"])
    op.create_table(
        "ledger_reconciliations",
        sa.Column("id", _id, autoincrement=True, nullable=False),
        sa.Column("at_ns", sa.BigInteger(), nullable=False),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("differences", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_reconciliations")),
    )
    op.create_table(
        "bank_accounts",
        sa.Column("id", _id, autoincrement=True, nullable=False),
        sa.Column("user_id", _id, nullable=False),
        sa.Column("holder_name", sa.String(100), nullable=False),
        sa.Column("account_last4", sa.String(4), nullable=False),
        sa.Column("ifsc", sa.String(11), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger(), nullable=False),
        sa.Column("removed_at_ns", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_bank_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_accounts")),
    )
    op.create_index(op.f("ix_bank_accounts_user_id"), "bank_accounts", ["user_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", _id, nullable=False),
        sa.Column("account", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger(), nullable=False),
        sa.Column("updated_at_ns", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_payments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_user_id"), "payments", ["user_id"])
    op.create_table(
        "payouts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", _id, nullable=False),
        sa.Column("account", sa.BigInteger(), nullable=False),
        sa.Column("bank_account_id", _id, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger(), nullable=False),
        sa.Column("updated_at_ns", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_account_id"],
            ["bank_accounts.id"],
            name=op.f("fk_payouts_bank_account_id_bank_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_payouts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
    )
    op.create_index(op.f("ix_payouts_user_id"), "payouts", ["user_id"])
    op.create_table(
        "webhook_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("received_at_ns", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_webhook_events")),
    )


def downgrade() -> None:
    op.drop_table("webhook_events")
    op.drop_index(op.f("ix_payouts_user_id"), table_name="payouts")
    op.drop_table("payouts")
    op.drop_index(op.f("ix_payments_user_id"), table_name="payments")
    op.drop_table("payments")
    op.drop_index(op.f("ix_bank_accounts_user_id"), table_name="bank_accounts")
    op.drop_table("bank_accounts")
    op.drop_table("ledger_reconciliations")
    op.drop_index("ix_ledger_trades_account_ts_ns", table_name="ledger_trades")
    op.drop_table("ledger_trades")
    op.drop_table("ledger_balances")
    op.drop_index("ix_ledger_postings_account_entry_seq", table_name="ledger_postings")
    op.drop_table("ledger_postings")
    op.drop_table("ledger_entries")

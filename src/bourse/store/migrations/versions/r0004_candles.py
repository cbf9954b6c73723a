"""Candles built from trades, every interval, keyed by (instrument, interval, start).

Revision ID: 0004_candles
Revises: 0003_ledger_and_funds
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_candles"
down_revision: str | None = "0003_ledger_and_funds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "candles",
        sa.Column("instrument_token", sa.BigInteger(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("start_ns", sa.BigInteger(), nullable=False),
        sa.Column("open", sa.BigInteger(), nullable=False),
        sa.Column("high", sa.BigInteger(), nullable=False),
        sa.Column("low", sa.BigInteger(), nullable=False),
        sa.Column("close", sa.BigInteger(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "instrument_token", "interval_minutes", "start_ns", name=op.f("pk_candles")
        ),
    )


def downgrade() -> None:
    op.drop_table("candles")

"""A partial index of deposit entries by reference: a payment webhook asks whether its deposit
is booked, which scanned every ledger entry.

Revision ID: 0006_deposit_reference_index
Revises: 0005_ledger_layout
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_deposit_reference_index"
down_revision: str | None = "0005_ledger_layout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_ledger_entries_deposit_reference"
_DEPOSITS = "kind = 'FundsDeposited'"


def upgrade() -> None:
    op.create_index(
        _INDEX,
        "ledger_entries",
        ["reference"],
        sqlite_where=sa.text(_DEPOSITS),
        postgresql_where=sa.text(_DEPOSITS),
    )


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="ledger_entries")

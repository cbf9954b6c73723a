"""A payment webhook's question, "is this deposit booked?", on SQLite and PostgreSQL: answered
from the partial index of deposit entries (migration 0006), not by scanning the ledger."""

import sqlalchemy as sa
from sqlalchemy import Engine
from tests.sql_plans import query_plan

from bourse.funds.store import DEPOSIT_QUERY, deposit_booked
from bourse.store.tables import ledger_entries

ENTRIES = 20_000


def deposit_or_trade(seq: int) -> dict[str, object]:
    deposit = seq % 1_000 == 0
    return {
        "seq": seq,
        "ts_ns": seq,
        "kind": "FundsDeposited" if deposit else "TradeExecuted",
        "reference": f"pay_{seq}" if deposit else f"trade {seq}",
    }


def test_deposit_lookup_reads_the_deposit_index(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.insert(ledger_entries), [deposit_or_trade(seq) for seq in range(1, ENTRIES)]
        )
        connection.exec_driver_sql("ANALYZE")

    with engine.connect() as connection:
        booked = [deposit_booked(connection, f"pay_{seq}") for seq in (1_000, 19_000)]
        missing = [deposit_booked(connection, ref) for ref in ("pay_999", "trade 1000", "")]
        plan = query_plan(connection, DEPOSIT_QUERY, {"reference": "pay_5000"})

    assert booked == [True, True]
    assert missing == [False, False, False]
    assert "ix_ledger_entries_deposit_reference" in plan, plan

"""The ledger's bulk writes on SQLite and PostgreSQL: batches larger than one multi-row statement
(and not a multiple of it) write every row, and balance changes add up across batches."""

import sqlalchemy as sa
from sqlalchemy import Engine

from bourse.ledger.entries import Entry, TradeLeg
from bourse.ledger.sql import LedgerBatchWriter, add_to_balances, read_balances, sum_postings
from bourse.store.tables import ledger_entries, ledger_postings, ledger_trades


def transfer(seq: int) -> Entry:
    """Three postings: from the bank to a user's cash, minus a fee."""
    cash = f"user:{seq % 450}:cash:available"
    postings = [
        ("bank:gateway", "INR", -seq),
        (cash, "INR", seq - 1),
        ("income:brokerage", "INR", 1),
    ]
    return Entry(seq, seq * 10, "FundsDeposited", f"ref-{seq}", postings)


def leg(seq: int) -> TradeLeg:
    return TradeLeg(seq, seq, seq, seq, seq % 7, 257, "BUY", "CNC", 1, 100, 1, 2, 3, 4, 5, 6)


def test_large_batches_write_every_row(engine: Engine) -> None:
    entries = [transfer(seq) for seq in range(1, 1_001)]  # 3,000 postings: 15 x 199 + 15
    legs = [leg(seq) for seq in range(1, 301)]  # 300 legs: 4 x 62 + 52

    with engine.begin() as connection, LedgerBatchWriter(connection) as writer:
        writer.add(entries[:400], legs[:100])
        writer.add(entries[400:], legs[100:])

    with engine.connect() as connection:
        written = connection.execute(sa.select(ledger_entries).order_by(ledger_entries.c.seq)).all()
        postings = connection.execute(
            sa.select(ledger_postings).order_by(ledger_postings.c.entry_seq, ledger_postings.c.line)
        ).all()
        trades = connection.execute(sa.select(ledger_trades).order_by(ledger_trades.c.seq)).all()
        balances = read_balances(connection)
        assert balances == sum_postings(connection)
    assert [tuple(row) for row in written] == [tuple(entry[:4]) for entry in entries]
    assert [tuple(row) for row in postings] == [
        (entry.seq, line, *posting)
        for entry in entries
        for line, posting in enumerate(entry.postings)
    ]
    assert {tuple(row._mapping[name] for name in TradeLeg._fields) for row in trades} == set(legs)
    assert len(balances) == 452
    assert balances[("income:brokerage", "INR")] == 1_000


def test_balance_changes_add_up_across_batches(engine: Engine) -> None:
    first = {(f"user:{n}:cash:available", "INR"): n for n in range(1_000)}
    second = {(f"user:{n}:cash:available", "INR"): 1 for n in range(500, 1_500)}

    with engine.begin() as connection:
        add_to_balances(connection, first)
    with engine.begin() as connection:
        add_to_balances(connection, second)

    with engine.connect() as connection:
        balances = read_balances(connection)
    expected = {key: first.get(key, 0) + second.get(key, 0) for key in first | second}
    assert balances == {key: value for key, value in expected.items() if value}

"""The ledger's table layout (migration 0005) on SQLite and PostgreSQL: upgrading a database
that holds a ledger keeps every row and every answer, the projection then carries on as on a
fresh database, and the statement is read from the user-cash index among many other postings."""

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from tests.ledger_workload import ACCOUNTS, CONFIG, LedgerWorkload, setup_commands
from tests.sql_plans import query_plan

from bourse.core.engine import TradingCore
from bourse.domain.events import Event
from bourse.ledger.projection import LedgerProjection
from bourse.ledger.sql import read_balances, sum_postings
from bourse.ledger.statements import (
    STATEMENT_QUERY,
    cash_buckets,
    statement,
    statement_parameters,
    tradebook,
)
from bourse.projection.runner import ProjectionRunner
from bourse.store import create_store_engine, upgrade
from bourse.store.migrate import upgrade_engine
from bourse.store.tables import ledger_balances, ledger_entries, ledger_postings, ledger_trades

BEFORE_LAYOUT = "0004_candles"
BATCH = 97  # batches end mid-trade, as the runner's do under load


def trading_events(seed: int, commands: int) -> list[Event]:
    core = TradingCore(CONFIG)
    events: list[Event] = []
    ts_ns = 1_767_225_600_000_000_000
    for command in setup_commands() + LedgerWorkload(seed).commands(commands):
        ts_ns += 1_000_000
        events.extend(core.apply(command, ts_ns))
    return events


def project(runner: ProjectionRunner, events: Sequence[Event]) -> None:
    for start in range(0, len(events), BATCH):
        runner.apply(events[start : start + BATCH])


def ledger_answers(engine: Engine) -> dict[str, Any]:
    """Every row of the ledger's tables and every answer read from them."""
    with engine.connect() as connection:
        answers: dict[str, Any] = {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key))
            ]
            for table in (ledger_entries, ledger_postings, ledger_balances, ledger_trades)
        }
        answers["balances"] = read_balances(connection)
        answers["sums"] = sum_postings(connection)
        for account in ACCOUNTS:
            answers[f"statement {account}"] = statement(connection, account)
            answers[f"last 5 of {account}"] = statement(connection, account, limit=5)
            answers[f"tradebook {account}"] = tradebook(connection, account)
    return answers


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_store_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def test_upgrading_a_ledger_keeps_its_rows_and_answers(engine: Engine, tmp_path: Any) -> None:
    events = trading_events(seed=11, commands=600)
    half = len(events) // 2
    upgrade_engine(engine, BEFORE_LAYOUT)
    runner = ProjectionRunner(engine, [LedgerProjection(CONFIG)])
    project(runner, events[:half])
    before = ledger_answers(engine)

    upgrade_engine(engine)
    project(runner, events[half:])  # the same runner carries on after the upgrade

    assert before["ledger_postings"] and before["ledger_trades"]
    upgraded = ledger_answers(engine)
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(fresh_url)
    fresh = create_store_engine(fresh_url)
    try:
        fresh_runner = ProjectionRunner(fresh, [LedgerProjection(CONFIG)])
        project(fresh_runner, events[:half])
        assert ledger_answers(fresh) == before
        project(fresh_runner, events[half:])
        assert ledger_answers(fresh) == upgraded
    finally:
        fresh.dispose()


def test_statement_is_the_newest_cash_postings_across_buckets(engine: Engine) -> None:
    upgrade_engine(engine)
    project(ProjectionRunner(engine, [LedgerProjection(CONFIG)]), trading_events(5, 400))

    with engine.connect() as connection:
        postings = connection.execute(
            sa.select(
                ledger_postings.c.entry_seq, ledger_postings.c.account, ledger_postings.c.amount
            ).order_by(ledger_postings.c.entry_seq, ledger_postings.c.line)
        ).all()
        for account in ACCOUNTS:
            mine = [
                (seq, name, amount)
                for seq, name, amount in postings
                if name in cash_buckets(account)
            ]
            assert len({name for _, name, _ in mine}) >= 3  # several buckets interleave
            for limit in (1, 7, 50, 10_000):
                found = statement(connection, account, limit=limit)
                expected = mine[-limit:]
                assert [(row["seq"], row["bucket"], row["amount"]) for row in found] == [
                    (seq, name.rsplit(":", 1)[1], amount) for seq, name, amount in expected
                ]


def fill_with_other_postings(connection: Connection, entries: int) -> None:
    """``entries`` entries of five postings each, a few of them to account 7's cash."""
    connection.execute(
        sa.insert(ledger_entries),
        [{"seq": seq, "ts_ns": seq, "kind": "Test", "reference": ""} for seq in range(1, entries)],
    )
    rows = []
    for seq in range(1, entries):
        user = 7 if seq % 1_000 == 0 else 100 + seq % 5_000
        for line, (account, asset) in enumerate(
            (
                (f"user:{user}:cash:available", "INR"),
                (f"user:{user}:securities:available", "257"),
                ("clearing", "INR"),
                ("clearing", "257"),
                ("payable:stt", "INR"),
            )
        ):
            rows.append(
                {"entry_seq": seq, "line": line, "account": account, "asset": asset, "amount": 1}
            )
    connection.execute(sa.insert(ledger_postings), rows)


def test_statement_reads_the_user_cash_index(engine: Engine) -> None:
    upgrade_engine(engine)
    with engine.begin() as connection:
        fill_with_other_postings(connection, 40_000)
        connection.exec_driver_sql("ANALYZE")

    with engine.connect() as connection:
        plan = query_plan(connection, STATEMENT_QUERY, statement_parameters(7, 1_000))
        found = statement(connection, 7)

    assert [row["seq"] for row in found] == list(range(1_000, 40_000, 1_000))
    assert plan.count("ix_ledger_postings_user_cash") == 4, plan  # one range per bucket
    assert "SCAN ledger_postings" not in plan and "Seq Scan on ledger_postings" not in plan, plan

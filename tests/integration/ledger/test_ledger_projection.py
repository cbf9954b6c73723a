"""The ledger projection on SQLite and PostgreSQL behind a real journal: it agrees with the core
to the paisa, survives a restart exactly once, and reconciliation catches a tampered balance."""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ledger_workload import CONFIG, LedgerWorkload, setup_commands

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.journal.group_commit import JournaledCore
from bourse.ledger.projection import CHUNK_EVENTS, LedgerProjection
from bourse.ledger.reconcile import reconcile, withdrawals_frozen
from bourse.ledger.sql import read_balances, sum_postings
from bourse.projection.runner import ProjectionRunner
from bourse.store import create_store_engine, upgrade
from bourse.store.tables import ledger_balances, ledger_entries, ledger_postings, ledger_trades


def trade_for_a_while(journal: Path, engine: Engine | None, seed: int, commands: int) -> int:
    """Run ``commands`` workload commands through a journaled core (with the ledger following
    live when ``engine`` is given); return the last event seq."""
    runner = (
        ProjectionRunner(engine, [LedgerProjection(CONFIG)], max_batch_events=512)
        if engine
        else None
    )
    listeners = [runner.publish] if runner else []
    trading: JournaledCore[TradingCore] = JournaledCore.open(
        journal, CONFIG, on_durable=listeners, fork_snapshots=False
    )
    try:
        if runner is not None:
            runner.start(journal=journal)
        workload = LedgerWorkload(seed)
        first = setup_commands() if trading.durable_seq == 0 else []
        for start in range(0, commands, 100):
            trading.submit_many(first + workload.commands(min(100, commands - start))).result()
            first = []
    finally:
        trading.close()
    last = trading.core.event_seq
    if runner is not None:
        assert runner.wait_for(last, timeout=120), runner.failure
        runner.close()
    return last


def ledger_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the ledger's tables (balances: the nonzero ones; a batch boundary decides
    whether a balance that went back to zero keeps its row)."""
    with engine.connect() as connection:
        rows = {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in (ledger_entries, ledger_postings, ledger_balances, ledger_trades)
        }
    rows["ledger_balances"] = [row for row in rows["ledger_balances"] if row[2] != 0]
    return rows


def test_live_ledger_reconciles_with_the_core_to_the_paisa(engine: Engine, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    trade_for_a_while(journal, engine, seed=7, commands=800)

    report = reconcile(engine, journal)

    assert report.ok, report.differences[:5]
    assert report.compared > 30
    with engine.connect() as connection:
        assert read_balances(connection) == sum_postings(connection)
        assert withdrawals_frozen(connection) is None


def test_restarted_ledger_equals_one_rebuilt_from_scratch(engine: Engine, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    trade_for_a_while(journal, engine, seed=3, commands=300)
    trade_for_a_while(journal, engine, seed=4, commands=300)  # warm start from the checkpoint
    assert reconcile(engine, journal).ok

    # Rebuilt from scratch on a fresh SQLite file: the rows must be the same on any backend.
    scratch_url = f"sqlite:///{tmp_path / 'scratch.db'}"
    upgrade(scratch_url)
    scratch = create_store_engine(scratch_url)
    try:
        ProjectionRunner(scratch, [LedgerProjection(CONFIG)]).catch_up(journal)
        assert ledger_rows(scratch) == ledger_rows(engine)
    finally:
        scratch.dispose()


def test_a_batch_of_several_chunks_writes_what_small_batches_write(
    engine: Engine, tmp_path: Path
) -> None:
    journal = tmp_path / "journal"
    last = trade_for_a_while(journal, None, seed=9, commands=1_500)
    assert last > 2 * CHUNK_EVENTS  # so the one batch below streams several chunks

    ProjectionRunner(
        engine, [LedgerProjection(CONFIG)], max_batch_events=4 * CHUNK_EVENTS
    ).catch_up(journal)

    small_url = f"sqlite:///{tmp_path / 'small.db'}"
    upgrade(small_url)
    small = create_store_engine(small_url)
    try:
        ProjectionRunner(small, [LedgerProjection(CONFIG)], max_batch_events=7).catch_up(journal)
        assert ledger_rows(engine) == ledger_rows(small)
    finally:
        small.dispose()
    assert reconcile(engine, journal).ok


def test_tampered_balance_is_reported_and_freezes_withdrawals(
    engine: Engine, tmp_path: Path
) -> None:
    journal = tmp_path / "journal"
    trade_for_a_while(journal, engine, seed=5, commands=200)
    with engine.begin() as connection:
        connection.execute(
            sa.update(ledger_balances)
            .where(ledger_balances.c.account == "user:1:cash:available")
            .values(balance=ledger_balances.c.balance + 1)
        )

    report = reconcile(engine, journal)

    whats = [d.what for d in report.differences]
    assert "user:1:cash:available INR" in whats
    assert "sum of INR" in whats
    with engine.connect() as connection:
        assert "withdrawals are frozen" in (withdrawals_frozen(connection) or "")
    with engine.begin() as connection:  # put it right: the next clean run lifts the freeze
        connection.execute(
            sa.update(ledger_balances)
            .where(ledger_balances.c.account == "user:1:cash:available")
            .values(balance=ledger_balances.c.balance - 1)
        )
    assert reconcile(engine, journal).ok
    with engine.connect() as connection:
        assert withdrawals_frozen(connection) is None


def test_references_with_tabs_backslashes_and_newlines_are_stored_as_given(
    engine: Engine, tmp_path: Path
) -> None:
    journal = tmp_path / "journal"
    reference = "a\tb\\c\nd\re \\N"
    with JournaledCore.open(journal, CONFIG, fork_snapshots=False) as trading:
        trading.submit_many(
            [cmd.OpenAccount(account=1), cmd.Deposit(account=1, amount=5, reference=reference)]
        ).result()

    ProjectionRunner(engine, [LedgerProjection(CONFIG)]).catch_up(journal)

    with engine.connect() as connection:
        stored = connection.execute(sa.select(ledger_entries.c.reference)).scalars().all()
    assert stored == [reference]

"""The bank test, on SQLite and PostgreSQL: concurrent deposits, trades (with charges),
withdrawals and payouts flow through a journaled core while the ledger follows live; every read
of all balances, taken at any moment, sums exactly to the money paid in minus the money paid
out up to the event it includes, and no user balance is ever below zero. At the end the ledger
reconciles with the core to the paisa.

CI runs ``BOURSE_BANK_OPS`` (default 1,500) operations per seed; the acceptance run is
``BOURSE_BANK_OPS=100000``.
"""

import os
import threading
from pathlib import Path
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ledger_workload import CONFIG, LedgerWorkload, setup_commands

from bourse.core.engine import TradingCore
from bourse.domain import events as ev
from bourse.journal.group_commit import JournaledCore
from bourse.ledger.chart import BANK, DEPOSITORY, INR
from bourse.ledger.projection import LEDGER_PROJECTION, LedgerProjection
from bourse.ledger.reconcile import reconcile
from bourse.projection.runner import ProjectionRunner
from bourse.store.tables import ledger_balances, projection_checkpoints

OPERATIONS = int(os.environ.get("BOURSE_BANK_OPS", "1500"))
PRODUCERS = 4
GROUP = 25


class Read(NamedTuple):
    """What one read of all balances showed (kept small: a long run reads thousands of times)."""

    seq: int
    held_inr: int
    """Every INR balance but the gateway's bank account."""
    bank_inr: int
    negative: list[str]
    """User balances below zero (MIS positions, which are signed, excepted)."""
    unbalanced_assets: list[str]
    """Securities whose balances do not sum to zero."""


def summarize(seq: int, balances: dict[tuple[str, str], int]) -> Read:
    held = sum(v for (account, asset), v in balances.items() if asset == INR and account != BANK)
    negative = [
        f"{account} {asset} {balance}"
        for (account, asset), balance in balances.items()
        if account.startswith("user:") and not account.endswith(":intraday") and balance < 0
    ]
    shares: dict[str, int] = {}
    for (account, asset), balance in balances.items():
        if asset != INR:
            shares[asset] = shares.get(asset, 0) + balance
            if account == DEPOSITORY and balance > 0:
                negative.append(f"{account} {asset} {balance}")
    unbalanced = [asset for asset, total in shares.items() if total]
    return Read(seq, held, balances.get((BANK, INR), 0), negative, unbalanced)


def read_all_balances(engine: Engine) -> tuple[int, dict[tuple[str, str], int]]:
    """The ledger's checkpoint and every balance, from one snapshot."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        else:
            connection = connection.execution_options(sqlite_begin="DEFERRED")
        seq = connection.execute(
            sa.select(projection_checkpoints.c.last_event_seq).where(
                projection_checkpoints.c.name == LEDGER_PROJECTION
            )
        ).scalar()
        rows = connection.execute(
            sa.select(ledger_balances.c.account, ledger_balances.c.asset, ledger_balances.c.balance)
        )
        balances = {(account, asset): int(balance) for account, asset, balance in rows}
        connection.rollback()
    return int(seq or 0), balances


def paid_in_minus_out(events: dict[int, ev.Event]) -> list[int]:
    """Money paid in minus money paid out after each event (index: event seq)."""
    totals = [0]
    for seq in range(1, len(events) + 1):
        event = events[seq]
        change = 0
        if isinstance(event, ev.FundsDeposited):
            change = event.amount
        elif isinstance(event, ev.FundsWithdrawn | ev.WithdrawalCompleted):
            change = -event.amount
        totals.append(totals[-1] + change)
    return totals


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_read_of_all_balances_sums_to_paid_in_minus_paid_out(
    engine: Engine, tmp_path: Path, seed: int
) -> None:
    journal = tmp_path / "journal"
    runner = ProjectionRunner(engine, [LedgerProjection(CONFIG)], max_batch_events=1024)
    trading: JournaledCore[TradingCore] = JournaledCore.open(
        journal, CONFIG, on_durable=[runner.publish], fork_snapshots=False
    )
    runner.start(journal=journal)
    events: dict[int, ev.Event] = {}
    events_lock = threading.Lock()

    def keep(batches: list[list[ev.Event]]) -> None:
        with events_lock:
            for batch in batches:
                events.update((e.seq, e) for e in batch)

    keep(trading.submit_many(setup_commands()).result())
    reads: list[Read] = []
    done = threading.Event()

    def produce(worker: int) -> None:
        workload = LedgerWorkload(seed * 100 + worker)
        for _ in range(0, OPERATIONS // PRODUCERS, GROUP):
            keep(trading.submit_many(workload.commands(GROUP)).result())

    def read() -> None:
        while not done.is_set():
            reads.append(summarize(*read_all_balances(engine)))

    producers = [threading.Thread(target=produce, args=(n,)) for n in range(PRODUCERS)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in producers:
        thread.start()
    for thread in producers:
        thread.join()
    trading.close()
    last = trading.core.event_seq
    assert runner.wait_for(last, timeout=300), runner.failure
    done.set()
    reader.join()
    runner.close()
    reads.append(summarize(*read_all_balances(engine)))

    assert len(events) == last
    assert sum(isinstance(e, ev.TradeExecuted) for e in events.values()) > OPERATIONS // 20
    net_paid_in = paid_in_minus_out(events)
    for read in reads:
        assert read.held_inr == net_paid_in[read.seq], f"read at event {read.seq}"
        assert read.bank_inr == -read.held_inr
        assert read.negative == [], f"negative balances at event {read.seq}: {read.negative}"
        assert read.unbalanced_assets == [], f"at event {read.seq}"
    assert len(reads) > 2
    report = reconcile(engine, journal)
    assert report.ok, report.differences[:5]

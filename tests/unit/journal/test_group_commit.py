import asyncio
import threading
import time
from concurrent.futures import CancelledError
from pathlib import Path

import pytest

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain.codec import encode_events
from bourse.domain.commands import Command, Deposit, OpenAccount, Withdraw
from bourse.domain.events import Event, FundsDeposited
from bourse.journal.batch import RecordBatch
from bourse.journal.file_log import FileCommandLog, JournalFailedError
from bourse.journal.group_commit import JournalClosedError, JournaledCore
from bourse.journal.records import JournalRecord
from bourse.journal.recovery import recover, replay_from_scratch
from bourse.journal.snapshots import SnapshotStore

TIMEOUT = 10


@pytest.fixture(params=[False, True], ids=["inline", "writer-thread"])
def writer_thread(request: pytest.FixtureRequest) -> bool:
    """Both commit shapes: the core thread commits its batches, or a writer thread does."""
    return bool(request.param)


def deposit(n: int) -> Deposit:
    return Deposit(account=1, amount=n, reference=f"d{n}")


def journal_records(directory: Path) -> list[JournalRecord]:
    with FileCommandLog.open(directory, read_only=True) as log:
        return list(log.read_from(1))


class GatedLog:
    """A real file log whose appends wait for the test to open a gate."""

    def __init__(self, log: FileCommandLog) -> None:
        self.log = log
        self.gate = threading.Event()
        self.entered = threading.Semaphore(0)
        self.batch_sizes: list[int] = []

    @property
    def last_seq(self) -> int:
        return self.log.last_seq

    @property
    def last_ts_ns(self) -> int:
        return self.log.last_ts_ns

    def append(self, records: RecordBatch) -> None:
        self.entered.release()
        assert self.gate.wait(TIMEOUT)
        self.batch_sizes.append(len(records))
        self.log.append(records)

    def close(self) -> None:
        self.log.close()


class FailingLog(GatedLog):
    def append(self, records: RecordBatch) -> None:
        raise OSError(5, "Input/output error")


class TrippingCore:
    """A TradingCore (wrapped, as it may be compiled and closed to subclassing) that raises on
    a Withdraw with reference "boom" and waits on `gate` for one with reference "wait"."""

    def __init__(self) -> None:
        self.inner = TradingCore()
        self.gate = threading.Event()

    @property
    def command_seq(self) -> int:
        return self.inner.command_seq

    @property
    def config(self) -> CoreConfig:
        return self.inner.config

    def apply(self, command: Command, ts_ns: int) -> list[Event]:
        if isinstance(command, Withdraw) and command.reference == "boom":
            self.inner.command_seq += 1  # half-way through a change, as a real bug leaves it
            raise RuntimeError("bug in the core")
        if isinstance(command, Withdraw) and command.reference == "wait":
            assert self.gate.wait(TIMEOUT)
        return self.inner.apply(command, ts_ns)

    def snapshot(self) -> bytes:
        return self.inner.snapshot()

    def state_hash(self) -> str:
        return self.inner.state_hash()


def test_results_are_the_core_events_and_the_journal_replays_to_the_same_state(
    tmp_path, writer_thread
):
    with JournaledCore.open(tmp_path, writer_thread=writer_thread) as journaled:
        futures = [journaled.submit(OpenAccount(account=1))]
        futures += [journaled.submit(deposit(n)) for n in range(1, 200)]
        results = [future.result(TIMEOUT) for future in futures]

    reference = TradingCore()
    stamps = [(record.command, record.ts_ns) for record in journal_records(tmp_path)]
    assert [r.seq for r in journal_records(tmp_path)] == list(range(1, 201))
    assert [encode_events(reference.apply(c, ts)) for c, ts in stamps] == [
        encode_events(events) for events in results
    ]
    assert replay_from_scratch(tmp_path).state_hash() == journaled.core.state_hash()


def test_no_result_is_released_before_its_batch_is_durable(tmp_path, writer_thread):
    core, log = recover(tmp_path)
    gated = GatedLog(log)
    journaled = JournaledCore(core, gated, writer_thread=writer_thread)

    future = journaled.submit(OpenAccount(account=1))
    assert gated.entered.acquire(timeout=TIMEOUT)  # the writer is inside append
    assert not future.done()
    assert log.last_seq == 0

    gated.gate.set()
    future.result(TIMEOUT)
    assert log.last_seq == 1
    journaled.close()


def test_commands_arriving_during_an_fsync_are_committed_together(tmp_path, writer_thread):
    core, log = recover(tmp_path)
    gated = GatedLog(log)
    journaled = JournaledCore(core, gated, max_batch=50, writer_thread=writer_thread)

    first = journaled.submit(OpenAccount(account=1))
    assert gated.entered.acquire(timeout=TIMEOUT)
    rest = [journaled.submit(deposit(n)) for n in range(1, 120)]
    gated.gate.set()
    results = [future.result(TIMEOUT) for future in [first, *rest]]
    journaled.close()

    assert gated.batch_sizes[0] == 1
    assert len(gated.batch_sizes) < 10
    assert max(gated.batch_sizes) <= 2 * 50
    assert sum(gated.batch_sizes) == 120
    assert [events[0].command_seq for events in results] == list(range(1, 121))


def test_journal_time_never_goes_backwards_even_across_restarts(tmp_path):
    readings = iter([50, 40, 60, 10])
    with JournaledCore.open(tmp_path, clock=lambda: next(readings)) as journaled:
        for n in range(1, 5):
            journaled.submit(deposit(n)).result(TIMEOUT)

    with JournaledCore.open(tmp_path, clock=lambda: 30) as journaled:
        journaled.submit(deposit(5)).result(TIMEOUT)

    assert [r.ts_ns for r in journal_records(tmp_path)] == [50, 50, 60, 60, 60]


def test_durable_listeners_see_each_batch_in_order_and_a_failing_one_is_isolated(tmp_path):
    seen: list[Event] = []

    def broken(events: list[Event]) -> None:
        raise ValueError("projection bug")

    with JournaledCore.open(tmp_path, on_durable=[broken, seen.extend]) as journaled:
        journaled.add_durable_listener(lambda events: None)
        futures = [journaled.submit(OpenAccount(account=1))]
        futures += [journaled.submit(deposit(n)) for n in range(1, 50)]
        expected = [event for future in futures for event in future.result(TIMEOUT)]

    assert seen == expected
    assert [event.seq for event in seen] == list(range(1, 51))


def wait_for_snapshots(store: SnapshotStore, count: int) -> None:
    """Wait until ``count`` snapshots are on disk."""
    deadline = time.monotonic() + TIMEOUT
    while len(store.seqs()) < count:
        assert time.monotonic() < deadline, f"no snapshot {count} within {TIMEOUT} s"
        time.sleep(0.005)


@pytest.mark.parametrize("fork_snapshots", [False, True], ids=["thread", "fork"])
def test_snapshot_is_written_once_its_commands_are_durable(tmp_path, fork_snapshots):
    core, log = recover(tmp_path)
    durable_when_written: list[tuple[int, int]] = []

    class WatchedStore(SnapshotStore):
        def write(self, seq: int, data: bytes) -> Path:
            durable_when_written.append((seq, log.last_seq))
            return super().write(seq, data)

    store = WatchedStore(tmp_path / "snapshots")
    with JournaledCore(
        core, log, store, snapshot_every=25, fork_snapshots=fork_snapshots
    ) as journaled:
        journaled.submit(OpenAccount(account=1)).result(TIMEOUT)
        n = 0
        # A snapshot that comes due while the previous one is still being written waits for
        # the next batch: keep trading until two have been written.
        deadline = time.monotonic() + TIMEOUT
        while len(store.seqs()) < 2:
            assert time.monotonic() < deadline, f"snapshots {store.seqs()} after {n} deposits"
            n += 1
            journaled.submit(deposit(n)).result(TIMEOUT)

    first, second = store.seqs()[:2]
    assert first == 25
    assert second >= 50
    # In fork mode the write happens in the child, out of this process's sight.
    assert all(seq <= durable for seq, durable in durable_when_written)
    for seq in store.seqs():
        assert TradingCore.restore(store.load(seq)).command_seq == seq


def test_a_forked_snapshot_waits_until_its_commands_are_durable(tmp_path):
    core, log = recover(tmp_path)
    gated = GatedLog(log)
    gated.gate.set()
    store = SnapshotStore(tmp_path / "snapshots")
    journaled = JournaledCore(core, gated, store, snapshot_every=3, fork_snapshots=True)
    for n in range(1, 3):
        journaled.submit(OpenAccount(account=n)).result(TIMEOUT)

    gated.gate.clear()
    third = journaled.submit(OpenAccount(account=3))  # snapshot 3 is captured with it
    assert gated.entered.acquire(timeout=TIMEOUT)
    time.sleep(0.2)  # ample time for the child to serialize and, wrongly, write
    assert store.seqs() == []

    gated.gate.set()
    third.result(TIMEOUT)
    wait_for_snapshots(store, 1)
    journaled.close()
    assert store.seqs() == [3]


def test_close_commits_everything_already_submitted_then_refuses(tmp_path):
    journaled = JournaledCore.open(tmp_path)
    futures = [journaled.submit(deposit(n)) for n in range(1, 300)]
    journaled.close()

    assert all(future.done() and future.exception() is None for future in futures)
    assert len(journal_records(tmp_path)) == 299
    with pytest.raises(JournalClosedError):
        journaled.submit(deposit(300))
    journaled.close()  # a second close does nothing


def test_execute_awaits_the_durable_result(tmp_path):
    async def main(journaled: JournaledCore[TradingCore]) -> list[Event]:
        await journaled.execute(OpenAccount(account=1))
        return await journaled.execute(deposit(7))

    with JournaledCore.open(tmp_path) as journaled:
        events = asyncio.run(main(journaled))

    assert isinstance(events[0], FundsDeposited)
    assert events[0].amount == 7


def test_a_failed_write_fails_the_batch_and_every_later_command(tmp_path, writer_thread):
    core, log = recover(tmp_path)
    journaled = JournaledCore(core, FailingLog(log), writer_thread=writer_thread)

    future = journaled.submit(OpenAccount(account=1))
    with pytest.raises(JournalFailedError, match="could not be made durable"):
        future.result(TIMEOUT)
    with pytest.raises(JournalFailedError):
        journaled.submit(deposit(1))
    journaled.close()

    assert journal_records(tmp_path) == []


def test_a_core_failure_commits_what_came_before_and_refuses_the_rest(tmp_path):
    log = FileCommandLog.open(tmp_path)
    core = TrippingCore()
    journaled = JournaledCore(core, log)

    before = journaled.submit(Withdraw(account=1, amount=1, reference="wait"))
    boom = journaled.submit(Withdraw(account=1, amount=1, reference="boom"))
    after = journaled.submit(deposit(1))
    core.gate.set()

    assert before.result(TIMEOUT)
    with pytest.raises(RuntimeError, match="bug in the core"):
        boom.result(TIMEOUT)
    with pytest.raises(JournalFailedError):
        after.result(TIMEOUT)
    with pytest.raises(JournalFailedError):
        journaled.submit(deposit(2))
    journaled.close()

    assert [r.command for r in journal_records(tmp_path)] == [
        Withdraw(account=1, amount=1, reference="wait")
    ]


def test_a_command_cancelled_while_queued_is_never_applied(tmp_path):
    log = FileCommandLog.open(tmp_path)
    core = TrippingCore()
    journaled = JournaledCore(core, log)

    held = journaled.submit(Withdraw(account=1, amount=1, reference="wait"))
    withdrawn = journaled.submit(deposit(1))
    assert withdrawn.cancel()
    core.gate.set()
    held.result(TIMEOUT)
    journaled.close()

    with pytest.raises(CancelledError):
        withdrawn.result(0)
    assert len(journal_records(tmp_path)) == 1


def test_only_journaled_command_types_are_accepted(tmp_path):
    class Unjournaled(Command, frozen=True):
        pass

    with JournaledCore.open(tmp_path) as journaled, pytest.raises(TypeError, match="Unjournaled"):
        journaled.submit(Unjournaled())


def test_core_and_log_must_agree_on_the_sequence(tmp_path):
    core, log = recover(tmp_path)
    core.apply(OpenAccount(account=1), 1)

    with pytest.raises(ValueError, match="command_seq 1 but the log ends at 0"):
        JournaledCore(core, log)
    log.close()


def test_a_group_resolves_to_each_commands_events_once_all_are_durable(tmp_path, writer_thread):
    core, log = recover(tmp_path)
    gated = GatedLog(log)
    journaled = JournaledCore(core, gated, writer_thread=writer_thread)

    single = journaled.submit(OpenAccount(account=1))
    group = journaled.submit_many([deposit(n) for n in range(1, 6)])
    assert gated.entered.acquire(timeout=TIMEOUT)
    assert not group.done()

    gated.gate.set()
    results = group.result(TIMEOUT)
    single.result(TIMEOUT)
    journaled.close()

    assert [[type(e) for e in events] for events in results] == [[FundsDeposited]] * 5
    assert [events[0].amount for events in results] == [1, 2, 3, 4, 5]  # type: ignore[attr-defined]
    assert [r.seq for r in journal_records(tmp_path)] == list(range(1, 7))
    assert replay_from_scratch(tmp_path).state_hash() == journaled.core.state_hash()


def test_a_core_failure_inside_a_group_keeps_the_commands_before_it(tmp_path):
    core = TrippingCore()
    _, log = recover(tmp_path)
    journaled = JournaledCore(core, log)  # type: ignore[type-var]
    journaled.submit(OpenAccount(account=1)).result(TIMEOUT)

    group = journaled.submit_many(
        [deposit(10), Withdraw(account=1, amount=1, reference="boom"), deposit(20)]
    )
    with pytest.raises(RuntimeError, match="bug in the core"):
        group.result(TIMEOUT)
    journaled.close()

    journaled_commands = [r.command for r in journal_records(tmp_path)]
    assert journaled_commands == [OpenAccount(account=1), deposit(10)]


def test_a_query_sees_every_earlier_command_and_waits_until_they_are_durable(
    tmp_path, writer_thread
):
    core, log = recover(tmp_path)
    gated = GatedLog(log)
    journaled = JournaledCore(core, gated, writer_thread=writer_thread)

    journaled.submit(OpenAccount(account=1))
    journaled.submit(deposit(500))
    balance = journaled.query(lambda core: core.accounts[1].cash_available)
    assert gated.entered.acquire(timeout=TIMEOUT)
    assert not balance.done()  # the deposit is applied but not yet durable

    gated.gate.set()
    assert balance.result(TIMEOUT) == 500
    journaled.close()
    assert [r.seq for r in journal_records(tmp_path)] == [1, 2]  # queries are not journaled


def test_a_failing_query_fails_alone(tmp_path):
    with JournaledCore.open(tmp_path) as journaled:
        failed = journaled.query(lambda core: core.accounts[99])
        after = journaled.submit(OpenAccount(account=1))
        with pytest.raises(KeyError):
            failed.result(TIMEOUT)
        assert after.result(TIMEOUT)

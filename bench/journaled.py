"""``journaled_core``: the full core behind the journal's group commit, fed by producer threads.

The ``full_core`` stream (50 instruments, 1,000 accounts, default configuration) goes through
``JournaledCore``: a core thread applies commands and encodes records, a writer thread writes
and fsyncs each batch to a ``FileCommandLog`` in a temporary directory, and a command's future
resolves only once its batch is durable. Setup commands (listing, accounts, funding, the book
fill and warm-up) are journaled and applied directly beforehand, untimed, as if recovered.

Producers are closed-loop clients: each owns the instruments ``i % producers == k`` (so every
book sees its ops in stream order) and keeps at most ``window`` commands in flight. A cancel
of an order placed during the measured run learns that order's id from its placement's result,
as a client would. Reported: commands/s (first submit to last durable) and the time-to-durable
of each command (``submit`` to its future resolving), plus the batches the writer made.
"""

import gc
import os
import tempfile
import threading
import time
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Any

from book_cases import full_core_setup
from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.gc_tuning import tune_gc_for_core
from bourse.journal.batch import RecordBatch
from bourse.journal.file_log import FileCommandLog
from bourse.journal.group_commit import JournaledCore
from bourse.journal.records import JournalRecord, encode_record
from bourse.journal.recovery import JournalPaths, recover
from bourse.journal.snapshots import SnapshotStore
from engines import START_NS, STEP_NS, account_id, core_command, setup_commands
from timing import GcWatch, percentile
from workload import CANCEL, Op, Workload, generate

SNAPSHOT_EVERY = 100_000
MAX_BATCH = 1_024
SETUP_BATCH = 10_000


class TimedLog:
    """A `CommandLog` that records every batch it makes durable: (records, seconds)."""

    def __init__(self, log: FileCommandLog) -> None:
        self._log = log
        self.batches: list[tuple[int, float]] = []

    @property
    def last_seq(self) -> int:
        return self._log.last_seq

    @property
    def last_ts_ns(self) -> int:
        return self._log.last_ts_ns

    def append(self, records: RecordBatch) -> None:
        started = time.perf_counter()
        self._log.append(records)
        self.batches.append((len(records), time.perf_counter() - started))

    def close(self) -> None:
        self._log.close()


class _Producer:
    """One client thread: submits its ops in order, at most ``window`` of them in flight.

    It remembers the order id of each order it placed (read from the durable result, as a
    client would) so it can cancel it later; it keeps no future once resolved.
    """

    def __init__(
        self,
        journaled: JournaledCore[Any],
        items: list[tuple[int, Op]],
        window: int,
        setup_placements: int,
        submitted: list[int],
        durable: list[int],
    ) -> None:
        self.journaled = journaled
        self.items = items
        self.slots = threading.BoundedSemaphore(window)
        self.setup_placements = setup_placements
        self.submitted = submitted
        self.durable = durable
        self.placed: dict[int, Future[list[ev.Event]] | int] = {}
        self.commands = [self._prebuilt(op) for _, op in items]
        self.cpu_ns = 0
        """CPU time of this client thread's own work (``run``), for the report."""

    def run_timed(self) -> None:
        started = time.thread_time_ns()
        self.run()
        self.cpu_ns = time.thread_time_ns() - started

    def _prebuilt(self, op: Op) -> cmd.Command | None:
        """The command, or None for a cancel whose order id is known only once placed."""
        if op.kind == CANCEL and op.order_no > self.setup_placements:
            return None
        return core_command(op)

    @staticmethod
    def _order_id(events: list[ev.Event]) -> int:
        return next(e.order_id for e in events if isinstance(e, ev.OrderAccepted))

    def _cancel_of(self, op: Op) -> cmd.Command:
        placed = self.placed.pop(op.order_no)
        order_id = placed if isinstance(placed, int) else self._order_id(placed.result())
        return cmd.CancelOrder(account=account_id(op.account), order_id=order_id)

    def _done(self, index: int, future: Future[list[ev.Event]]) -> None:
        self.durable[index] = time.perf_counter_ns()
        self.slots.release()

    def _placed(self, index: int, order_no: int, future: Future[list[ev.Event]]) -> None:
        self._done(index, future)
        if order_no in self.placed:
            self.placed[order_no] = self._order_id(future.result())

    def run(self) -> None:
        clock = time.perf_counter_ns
        submit = self.journaled.submit
        for (index, op), command in zip(self.items, self.commands, strict=True):
            if command is None:
                command = self._cancel_of(op)
            self.slots.acquire()
            self.submitted[index] = clock()
            future = submit(command)
            if op.kind == CANCEL:
                future.add_done_callback(partial(self._done, index))
            else:
                self.placed[op.order_no] = future
                future.add_done_callback(partial(self._placed, index, op.order_no))


class _GroupProducer(_Producer):
    """A client that sends what it has gathered as one group (``submit_many``), as a gateway
    sends the requests of one event-loop tick: up to ``group`` commands per submission and at
    most ``window`` commands in flight. Each command's time to durable runs from its group's
    submission to the group's future resolving.

    Like ``_Producer`` it keeps the order ids of its placements, not their futures: once a
    group is durable its callback reads the ids out of the results and drops the future, so
    the client holds no results (and gives the collector nothing to walk) beyond its window.
    """

    def __init__(self, *args: Any, group: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.slots = threading.BoundedSemaphore(max(1, self.slots._initial_value // group))  # type: ignore[attr-defined]
        # Placements whose group is not durable yet: order number -> (future, position).
        self.unresolved: dict[int, tuple[Future[list[list[ev.Event]]], int]] = {}
        self.resolved: dict[int, int] = {}  # order number -> order id
        self.lock = threading.Lock()  # the callback (core thread) and run() share both dicts

    def _cancel_of(self, op: Op) -> cmd.Command:
        with self.lock:
            order_id = self.resolved.pop(op.order_no, None)
            entry = self.unresolved.pop(op.order_no, None) if order_id is None else None
        if entry is not None:
            future, position = entry
            order_id = self._order_id(future.result()[position])
        assert order_id is not None
        return cmd.CancelOrder(account=account_id(op.account), order_id=order_id)

    def _group_done(
        self,
        indices: list[int],
        placements: list[tuple[int, int]],
        future: Future[list[list[ev.Event]]],
    ) -> None:
        now = time.perf_counter_ns()
        for index in indices:
            self.durable[index] = now
        results = future.result()
        with self.lock:
            for order_no, position in placements:
                if self.unresolved.pop(order_no, None) is not None:
                    self.resolved[order_no] = self._order_id(results[position])
        self.slots.release()

    def run(self) -> None:
        clock = time.perf_counter_ns
        submit_many = self.journaled.submit_many
        commands: list[cmd.Command] = []
        indices: list[int] = []
        placements: list[tuple[int, int]] = []  # (order_no, position in group)
        unsent: set[int] = set()  # order numbers placed in the group not sent yet

        def flush() -> None:
            if not commands:
                return
            self.slots.acquire()
            now = clock()
            for index in indices:
                self.submitted[index] = now
            future = submit_many(list(commands))
            with self.lock:
                for order_no, position in placements:
                    self.unresolved[order_no] = (future, position)
            future.add_done_callback(partial(self._group_done, list(indices), list(placements)))
            commands.clear()
            indices.clear()
            placements.clear()
            unsent.clear()

        for (index, op), command in zip(self.items, self.commands, strict=True):
            if command is None:
                if op.order_no in unsent:
                    flush()  # the order to cancel is in the group not sent yet
                command = self._cancel_of(op)
            elif op.kind != CANCEL:
                placements.append((op.order_no, len(commands)))
                unsent.add(op.order_no)
            commands.append(command)
            indices.append(index)
            if len(commands) == self.group:
                flush()
        flush()


def _setup(core: TradingCore, log: FileCommandLog, workload: Workload) -> None:
    """Journal and apply the setup commands directly (as recovery would have left them):
    quicker than through the group commit, and not what is measured."""
    commands = setup_commands(workload.spec)
    commands.extend(core_command(op) for op in workload.setup)
    ts_ns = START_NS
    batch: list[bytes] = []
    for command in commands:
        ts_ns += STEP_NS
        core.apply(command, ts_ns)
        record = JournalRecord(core.command_seq, ts_ns, command)
        batch.append(encode_record(record))
        if len(batch) == SETUP_BATCH:
            log.append(batch)
            batch = []
    log.append(batch)


def _produce(
    journaled: JournaledCore[Any], workload: Workload, producers: int, window: int, group: int
) -> tuple[list[int], list[int], os.times_result, int]:
    """Submit the measured ops from ``producers`` threads; (submit, durable) times in ns, the
    process's CPU times once the producers are built (their commands prepared), and the CPU
    time the producer threads used (the done-callbacks run in the core thread: not in it)."""
    n = len(workload.measured)
    submitted = [0] * n
    durable = [0] * n
    shares: list[list[tuple[int, Op]]] = [[] for _ in range(producers)]
    for index, op in enumerate(workload.measured):
        shares[op.instrument % producers].append((index, op))
    workers = [
        _GroupProducer(
            journaled,
            share,
            window,
            workload.placements_in_setup,
            submitted,
            durable,
            group=group,
        )
        if group > 1
        else _Producer(journaled, share, window, workload.placements_in_setup, submitted, durable)
        for share in shares
    ]
    threads = [threading.Thread(target=worker.run_timed) for worker in workers]
    cpu_before = os.times()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return submitted, durable, cpu_before, sum(worker.cpu_ns for worker in workers)


def run_journaled(
    workload: Workload,
    config: CoreConfig,
    *,
    producers: int,
    window: int,
    group: int = 1,
    snapshot_every: int = SNAPSHOT_EVERY,
    writer_thread: bool = False,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bourse-bench-journal-") as directory:
        core, file_log = recover(directory, config)
        _setup(core, file_log, workload)
        log = TimedLog(file_log)
        journaled = JournaledCore(
            core,
            log,
            SnapshotStore(JournalPaths(Path(directory)).snapshots),
            max_batch=MAX_BATCH,
            snapshot_every=snapshot_every,
            writer_thread=writer_thread,
        )
        try:
            tune_gc_for_core()  # as the platform does after recovery
            with GcWatch() as watch:
                submitted, durable, cpu_before, producers_ns = _produce(
                    journaled, workload, producers, window, group
                )
                journaled.close()  # waits for the last batch; closing again is a no-op
                cpu_after = os.times()
        finally:
            journaled.close()
            gc.unfreeze()
        journal_bytes = os.path.getsize(file_log.path)
    final = journaled.core
    latencies = sorted(d - s for s, d in zip(submitted, durable, strict=True))
    sizes = sorted(size for size, _ in log.batches)
    syncs = sorted(seconds for _, seconds in log.batches)
    placements = workload.placements_in_setup + workload.kinds["limit"] + workload.kinds["market"]
    return {
        "ops_per_s": round(len(latencies) * 1e9 / (max(durable) - min(submitted))),
        "p50_us": round(percentile(latencies, 0.50) / 1000, 1),
        "p99_us": round(percentile(latencies, 0.99) / 1000, 1),
        "p999_us": round(percentile(latencies, 0.999) / 1000, 1),
        "max_us": round(latencies[-1] / 1000, 1),
        "latency": "time to durable: submit() to the future resolving",
        # CPU time of the whole process (core, producers, kernel) per op: unlike ops_per_s, it
        # hardly moves when another process shares the pinned CPU.
        "cpu_us_per_op": round(
            (cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system)
            * 1e6
            / len(latencies),
            2,
        ),
        "producers_cpu_us_per_op": round(producers_ns / 1000 / len(latencies), 2),
        "ops": len(latencies),
        "producers": producers,
        "window": window,
        "group": group,
        "submission": "submit_many (one future per group)" if group > 1 else "submit per command",
        "batches": len(sizes),
        "batch_mean": round(sum(sizes) / len(sizes), 1),
        "batch_p99": percentile(sizes, 0.99),
        "write_fsync_p50_us": round(percentile(syncs, 0.5) * 1e6, 1),
        "write_fsync_p99_us": round(percentile(syncs, 0.99) * 1e6, 1),
        **watch.report(),
        "max_batch": MAX_BATCH,
        "snapshot_every": snapshot_every,
        "commit": "writer thread" if writer_thread else "core thread",
        "journal_mib": round(journal_bytes / 2**20, 1),
        "journal_dir": tempfile.gettempdir(),
        "resting_end": len(final.orders),
        "consistent": len(final.orders) == workload.resting_at_end
        and final.next_order_id - 1 == placements,
    }


def journaled_core(
    ops: int,
    seed: int,
    producers: int,
    window: int,
    snapshot_every: int,
    group: int = 64,
    writer_thread: bool = False,
) -> dict[str, Any]:
    """The case's JSON line: ``full_core``'s stream and configuration, journaled."""
    spec, config = full_core_setup(ops, seed)
    workload = generate(spec)
    line: dict[str, Any] = {"name": "journaled_core"}
    line.update(
        run_journaled(
            workload,
            config,
            producers=producers,
            window=window,
            group=group,
            snapshot_every=snapshot_every,
            writer_thread=writer_thread,
        )
    )
    line["crossing_fraction"] = round(workload.crossing_fraction, 4)
    line["gc"] = "as the platform runs it: setup frozen, thresholds (100000, 50, 1000)"
    return line

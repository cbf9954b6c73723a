"""Group commit: the core thread applies commands and makes each batch durable.

Pipeline (the exchange-core / LMAX shape)::

    submit() ──queue──► core thread: per batch                     ──► futures, listeners
                        stamp seq + time, core.apply(), encode
                        then one write + fsync of the batch                └──► snapshot thread

The core thread drains up to ``max_batch`` queued commands, stamps each with the next seq and
``max(last_ts, clock())`` (journal time never goes backwards, not even across restarts), applies
them, writes and fsyncs their encoded records, and only then releases their results (events),
in command order. Commands submitted meanwhile wait in the queue and form the next batch, so a
batch's size follows the time one batch takes.

Why the core thread commits its own batches: a local write+fsync of a batch takes 0.1-0.2 ms
and releases the GIL, but a separate writer thread must win the GIL back from the busy core
thread after every fsync, and under CPython's switch interval (5 ms by default) that wait, not
the disk, set the commit latency (bench/journaled.py: the writer thread's write+fsync p50 5-6
ms; committed from the core thread ~1.5 ms, which still includes the producers' turns at the
GIL while the fsync released it). For a log whose append
is slow (a network round trip), ``writer_thread=True`` restores the pipelined shape: a writer
thread commits one batch while the core thread applies the next.

Snapshots are captured in the core thread (the only one that may read the core) and written by
a thread of their own once every command they include is durable.
"""

import asyncio
import logging
import queue
import threading
import time
import typing
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Generic, Protocol

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain.commands import AnyCommand, Command
from bourse.domain.events import Event
from bourse.journal.batch import RecordBatch
from bourse.journal.file_log import JournalFailedError
from bourse.journal.forked_snapshot import ForkedSnapshot, fork_snapshot, forking_supported
from bourse.journal.loop_batcher import LoopBatcher
from bourse.journal.records import JournalRecord
from bourse.journal.recovery import C, JournalPaths, recover
from bourse.journal.snapshots import SnapshotStore, SnapshotWriter

logger = logging.getLogger(__name__)

DurableListener = Callable[[list[Event]], None]
"""Called after each durable batch with its events, in order, before the batch's futures resolve,
from the thread that committed it (the core thread, or the writer thread with
``writer_thread=True``). It delays every result and the next batch, so it must be quick."""

_JOURNALED_TYPES = frozenset(typing.get_args(AnyCommand))


class CommandLog(Protocol):
    """Where commands are made durable: a local file now, a JetStream stream later."""

    @property
    def last_seq(self) -> int: ...

    @property
    def last_ts_ns(self) -> int: ...

    def append(self, records: RecordBatch) -> None:
        """Make the records durable, in order, before returning."""
        ...

    def close(self) -> None: ...


class JournalClosedError(RuntimeError):
    """The journaled core is closed (or closing) and accepts no more commands."""


class _Applied:
    """Applied commands awaiting durability: one submitted command, or one submitted group
    (``result`` is then the list of each command's events). Their records are in the
    `RecordBatch` of the core thread's round that applied them; ``events`` holds each
    command's events (flattened for the durable listeners only when there are any)."""

    __slots__ = ("events", "future", "result")

    def __init__(
        self, future: "Future[typing.Any]", events: list[list[Event]], result: object
    ) -> None:
        self.future = future
        self.events = events
        self.result = result


class _Query:
    """A read of the core, run in the core thread between commands."""

    __slots__ = ("read",)

    def __init__(self, read: "Callable[[typing.Any], object]") -> None:
        self.read = read


_Submitted = tuple["Command | list[Command] | _Query", "Future[typing.Any]"]
T = typing.TypeVar("T")


class JournaledCore(Generic[C]):
    """A core behind a durable command journal; `submit` is safe from any thread.

    Owns the core, the log and the snapshot store from construction until `close`, which
    applies and commits every command already submitted and then closes the log. Until then
    only the core thread touches the core; read `core` after `close`.
    """

    def __init__(
        self,
        core: C,
        log: CommandLog,
        snapshots: SnapshotStore | None = None,
        *,
        max_batch: int = 1024,
        snapshot_every: int = 100_000,
        clock: Callable[[], int] = time.time_ns,
        on_durable: Iterable[DurableListener] = (),
        fork_snapshots: bool = True,
        writer_thread: bool = False,
    ) -> None:
        if core.command_seq != log.last_seq:
            raise ValueError(
                f"core is at command_seq {core.command_seq} but the log ends at {log.last_seq}"
            )
        if max_batch < 1 or snapshot_every < 1:
            raise ValueError(
                f"max_batch {max_batch} and snapshot_every {snapshot_every} must be ≥ 1"
            )
        self._core = core
        self._log = log
        self._snapshots = SnapshotWriter(snapshots) if snapshots is not None else None
        self._max_batch = max_batch
        self._snapshot_every = snapshot_every
        # Where fork() exists, snapshots are serialized by a child (see forked_snapshot).
        self._fork_snapshots = fork_snapshots and forking_supported()
        self._clock = clock
        self._listeners = tuple(on_durable)
        self._last_ts = log.last_ts_ns
        self._last_snapshot_seq = core.command_seq

        self._commands: queue.SimpleQueue[_Submitted | None] = queue.SimpleQueue()
        self._batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopBatcher] = (
            weakref.WeakKeyDictionary()
        )
        self._submit_lock = threading.Lock()
        self._closed = False
        self._core_failure: BaseException | None = None
        self._log_failure: BaseException | None = None

        # Hand-over from the core thread to the writer thread.
        self._handover = threading.Condition()
        self._pending: list[_Applied] = []
        self._pending_records = RecordBatch()
        self._pending_snapshot: tuple[int, bytes] | ForkedSnapshot | None = None
        self._core_done = False

        # Inline (the default): the core thread commits each batch itself (module docstring).
        self._inline_commit = not writer_thread
        self._threads = [threading.Thread(target=self._run_core, name="bourse-core", daemon=True)]
        if writer_thread:
            self._threads.append(
                threading.Thread(target=self._run_writer, name="bourse-journal-writer", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    @staticmethod
    def open(
        directory: Path | str,
        config: CoreConfig | None = None,
        *,
        max_batch: int = 1024,
        snapshot_every: int = 100_000,
        clock: Callable[[], int] = time.time_ns,
        on_durable: Iterable[DurableListener] = (),
        fork_snapshots: bool = True,
        writer_thread: bool = False,
    ) -> "JournaledCore[TradingCore]":
        """Recover the journal in ``directory`` (creating it on first start) and run it."""
        core, log = recover(directory, config)
        try:
            return JournaledCore(
                core,
                log,
                SnapshotStore(JournalPaths(Path(directory)).snapshots),
                max_batch=max_batch,
                snapshot_every=snapshot_every,
                clock=clock,
                on_durable=on_durable,
                fork_snapshots=fork_snapshots,
                writer_thread=writer_thread,
            )
        except BaseException:
            log.close()
            raise

    # --- public API ----------------------------------------------------------------------------

    @property
    def core(self) -> C:
        """The core. Not thread-safe while running: read it only after `close`."""
        return self._core

    @property
    def durable_seq(self) -> int:
        """Seq of the last command known durable."""
        return self._log.last_seq

    @property
    def log(self) -> CommandLog:
        """Where the commands are made durable (a durable listener may read its position)."""
        return self._log

    def add_durable_listener(self, listener: DurableListener) -> None:
        self._listeners = (*self._listeners, listener)

    def submit(self, command: Command) -> "Future[list[Event]]":
        """Queue a command; the future resolves to its events once it is durable.

        Cancelling the future before the core thread takes the command withdraws it.
        """
        if type(command) not in _JOURNALED_TYPES:
            raise TypeError(f"{type(command).__name__} is not a journaled command type")
        future: Future[list[Event]] = Future()
        with self._submit_lock:
            if self._closed:
                raise JournalClosedError("the journaled core is closed")
            failure = self._core_failure or self._log_failure
            if failure is not None:
                raise JournalFailedError("the journaled core has failed") from failure
            self._commands.put((command, future))
        return future

    def submit_many(self, commands: Sequence[Command]) -> "Future[list[list[Event]]]":
        """Queue commands as one group: applied one after another, made durable together; the
        future resolves to each command's events, in order, once the whole group is durable.

        One future for many commands is what lets a producer that gathers requests (a gateway's
        event loop tick, a simulator) go at the core's speed instead of the futures' speed.
        """
        group = list(commands)
        for command in group:
            if type(command) not in _JOURNALED_TYPES:
                raise TypeError(f"{type(command).__name__} is not a journaled command type")
        future: Future[list[list[Event]]] = Future()
        with self._submit_lock:
            if self._closed:
                raise JournalClosedError("the journaled core is closed")
            failure = self._core_failure or self._log_failure
            if failure is not None:
                raise JournalFailedError("the journaled core has failed") from failure
            self._commands.put((group, future))
        return future

    async def execute_many(self, commands: Sequence[Command]) -> list[list[Event]]:
        """`submit_many` for asyncio code."""
        return await asyncio.wrap_future(self.submit_many(commands))

    def query(self, read: "Callable[[C], T]") -> "Future[T]":
        """Run ``read(core)`` in the core thread, in line with the commands.

        The future resolves once every command submitted before the query is durable, so a
        read never shows an effect that a crash could still take back, and a client always
        reads its own acknowledged writes. ``read`` must not change the core and must copy what
        it returns (the core moves on as soon as it returns).
        """
        future: Future[T] = Future()
        with self._submit_lock:
            if self._closed:
                raise JournalClosedError("the journaled core is closed")
            self._commands.put((_Query(read), future))
        return future

    async def read(self, read: "Callable[[C], T]") -> T:
        """`query` for asyncio code."""
        return await asyncio.wrap_future(self.query(read))

    async def execute(self, command: Command) -> list[Event]:
        """`submit` for asyncio code: the command's events once it is durable.

        Commands executed from the same event loop during one loop iteration travel together
        (see `LoopBatcher`), so a busy gateway pays one hand-over per iteration, not per order.
        """
        if type(command) not in _JOURNALED_TYPES:
            raise TypeError(f"{type(command).__name__} is not a journaled command type")
        loop = asyncio.get_running_loop()
        batcher = self._batchers.get(loop)
        if batcher is None:
            batcher = self._batchers[loop] = LoopBatcher(loop, self.submit_many)
        return await batcher.execute(command)

    def close(self) -> None:
        """Commit everything submitted so far, write no more, stop the threads, close the log.

        Not from a listener or a future's done-callback: those run in a journal thread.
        """
        if threading.current_thread() in self._threads:
            raise RuntimeError("close() called from a journal thread would wait for itself")
        with self._submit_lock:
            if self._closed:
                return
            self._closed = True
            self._commands.put(None)
        for thread in self._threads:
            thread.join()
        if self._snapshots is not None:
            self._snapshots.close()
        self._log.close()

    def __enter__(self) -> "JournaledCore[C]":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- core thread ---------------------------------------------------------------------------

    def _run_core(self) -> None:
        try:
            stopping = False
            while not stopping:
                batch = [self._commands.get()]
                while len(batch) < self._max_batch:
                    try:
                        batch.append(self._commands.get_nowait())
                    except queue.Empty:
                        break
                applied: list[_Applied] = []
                records = RecordBatch()
                for item in batch:
                    if item is None:
                        stopping = True  # close() enqueues nothing after this
                        break
                    self._apply(*item, applied, records)
                snapshot = self._maybe_capture_snapshot()
                if self._inline_commit:
                    if applied or snapshot is not None:
                        self._commit(applied, records, snapshot)
                else:
                    self._hand_over(applied, records, snapshot)
        finally:
            with self._handover:
                self._core_done = True
                self._handover.notify_all()

    def _apply(
        self,
        submitted: "Command | list[Command] | _Query",
        future: "Future[typing.Any]",
        applied: list[_Applied],
        records: RecordBatch,
    ) -> None:
        if not future.set_running_or_notify_cancel():
            return  # cancelled while queued: never applied, never journaled
        failure = self._core_failure or self._log_failure
        if failure is not None:
            error = JournalFailedError("the journaled core has failed")
            error.__cause__ = failure
            future.set_exception(error)
            return
        if isinstance(submitted, _Query):
            try:
                value = submitted.read(self._core)
            except Exception as exc:  # a failed read changes nothing
                future.set_exception(exc)
                return
            applied.append(_Applied(future, [], value))
            return
        group = submitted if isinstance(submitted, list) else [submitted]
        results: list[list[Event]] = []
        # Locals: this loop runs once per command, in the thread every command waits for.
        core = self._core
        clock = self._clock
        add = records.add
        for command in group:
            seq = core.command_seq + 1
            now = clock()
            ts_ns = now if now > self._last_ts else self._last_ts
            try:
                add(JournalRecord(seq, ts_ns, command))  # type: ignore[arg-type]
            except Exception as exc:  # the core is untouched by this command: refuse it
                self._settle_partial(future, results, exc, applied)
                return
            self._last_ts = ts_ns
            try:
                events = core.apply(command, ts_ns)
            except BaseException as exc:
                # The core may be half-way through a change: stop applying. The command is not
                # journaled, so a restart replays exactly the commands before it.
                logger.critical("core failed on command seq %d; refusing further commands", seq)
                self._core_failure = exc
                records.truncate(len(records) - 1)
                self._settle_partial(future, results, exc, applied)
                return
            results.append(events)
        if isinstance(submitted, list):
            applied.append(_Applied(future, results, results))
        else:
            applied.append(_Applied(future, results, results[0]))

    def _settle_partial(
        self,
        future: "Future[typing.Any]",
        results: list[list[Event]],
        error: BaseException,
        applied: list[_Applied],
    ) -> None:
        """A command of a group failed: the ones before it changed the core, so they are still
        journaled (their listeners run), but the group's future reports the failure."""
        if results:
            failed: Future[typing.Any] = Future()
            failed.set_running_or_notify_cancel()
            applied.append(_Applied(failed, results, results))
        future.set_exception(error)

    def _maybe_capture_snapshot(self) -> "tuple[int, bytes] | ForkedSnapshot | None":
        seq = self._core.command_seq
        if (
            self._snapshots is None
            or self._core_failure is not None
            or seq - self._last_snapshot_seq < self._snapshot_every
            or not self._snapshots.reserve()  # the previous one is still being written
        ):
            return None
        self._last_snapshot_seq = seq
        try:
            if self._fork_snapshots and isinstance(self._core, TradingCore):
                # A child serializes a copy-on-write image; this thread only pays the fork.
                return fork_snapshot(self._core, self._snapshots.store, seq)
            return seq, self._core.snapshot()
        except Exception:
            # Snapshots only shorten recovery: trading goes on, the next attempt is due later.
            logger.exception("capturing a snapshot at seq %d failed", seq)
            self._snapshots.release()
            return None

    def _hand_over(
        self,
        applied: list[_Applied],
        records: RecordBatch,
        snapshot: "tuple[int, bytes] | ForkedSnapshot | None",
    ) -> None:
        if not applied and snapshot is None:
            return
        with self._handover:
            # Back-pressure: the writer takes the whole pending list at once, so this waits
            # at most one fsync.
            while len(self._pending) >= self._max_batch:
                self._handover.wait()
            self._pending.extend(applied)
            if self._pending_records.seqs:
                self._pending_records.extend(records)
            else:
                self._pending_records = records
            if snapshot is not None:
                # Every record the snapshot includes is pending or already durable.
                self._pending_snapshot = snapshot
            self._handover.notify_all()

    # --- writer thread -------------------------------------------------------------------------

    def _run_writer(self) -> None:
        while True:
            with self._handover:
                while not self._pending and self._pending_snapshot is None and not self._core_done:
                    self._handover.wait()
                if not self._pending and self._pending_snapshot is None:
                    return  # the core thread is done and everything is written
                batch, self._pending = self._pending, []
                records, self._pending_records = self._pending_records, RecordBatch()
                snapshot, self._pending_snapshot = self._pending_snapshot, None
                self._handover.notify_all()
            self._commit(batch, records, snapshot)

    def _commit(
        self,
        batch: list[_Applied],
        records: RecordBatch,
        snapshot: "tuple[int, bytes] | ForkedSnapshot | None",
    ) -> None:
        if records.seqs and self._log_failure is None:
            try:
                self._log.append(records)
            except BaseException as exc:
                logger.critical("journal write failed; refusing further commands", exc_info=True)
                self._log_failure = exc
        if self._log_failure is not None:
            for applied in batch:
                error = JournalFailedError("the command could not be made durable")
                error.__cause__ = self._log_failure
                applied.future.set_exception(error)
            if isinstance(snapshot, ForkedSnapshot) and self._snapshots is not None:
                snapshot.abandon()
                self._snapshots.adopt(snapshot)  # reaps the child, then frees the slot
            elif snapshot is not None and self._snapshots is not None:
                self._snapshots.release()
            return
        if batch:
            if self._listeners:
                events = [e for applied in batch for events in applied.events for e in events]
                for listener in self._listeners:
                    try:
                        listener(events)
                    except Exception:
                        logger.exception("durable listener %r failed", listener)
            for applied in batch:
                applied.future.set_result(applied.result)
        if snapshot is not None and self._snapshots is not None:
            if isinstance(snapshot, ForkedSnapshot):
                snapshot.commit()  # every command it covers is durable now
                self._snapshots.adopt(snapshot)
            else:
                seq, data = snapshot
                self._snapshots.write(seq, data)

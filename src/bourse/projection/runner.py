"""Drives SQL projections from the core's event stream: catch-up from the journal, then live.

Lifecycle::

    runner = ProjectionRunner(engine, [ledger, candles])
    trading = JournaledCore.open(directory, on_durable=[runner.publish])
    runner.start(journal=directory)   # catch up from the journal, then follow live batches
    ...
    trading.close(); runner.close()   # applies everything already published, then stops

``publish`` is the journal's durable listener: it runs on the journal writer thread and only
enqueues. The runner's own thread drains the queue into batches of up to ``max_batch_events``
and applies each batch in one transaction that also writes every projection's checkpoint, so
a crash at any point leaves rows and checkpoint in step; events at or below a projection's
checkpoint are skipped, so restart (and any overlap between catch-up and live batches) applies
every event exactly once.

Why no gap between catch-up and live: the listener is registered before the journal is opened,
and the writer calls it only after the batch is in the file. Any event is therefore in the file
when the catch-up scan reaches it, or in the queue, or both.

A failed batch rolls back, is logged and stops the runner (``failure`` says why); later
batches are dropped instead of piling up, since the journal still holds them and the next start
catches up from the last checkpoint.
"""

import logging
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from sqlalchemy import Engine

from bourse.domain.events import Event
from bourse.projection.checkpoints import read_checkpoints, write_checkpoint
from bourse.projection.port import Projection
from bourse.readmodel.replay import journal_events

logger = logging.getLogger(__name__)


@runtime_checkable
class WarmProjection(Projection, Protocol):
    """A projection that keeps state in memory between batches (the ledger's mirror of open
    orders, say). At startup the runner shows it, through ``warm``, the events it already
    committed, so its memory is where its rows are; ``warm`` must write nothing."""

    def warm(self, events: Sequence[Event]) -> None: ...


DEFAULT_MAX_BATCH_EVENTS = 8192


class ProjectionRunner:
    """Applies event batches to ``projections`` on its own thread, exactly once each."""

    def __init__(
        self,
        engine: Engine,
        projections: Sequence[Projection],
        *,
        max_batch_events: int = DEFAULT_MAX_BATCH_EVENTS,
    ) -> None:
        names = [projection.name for projection in projections]
        if len(set(names)) != len(names):
            raise ValueError(f"projection names {names} are not unique")
        if max_batch_events < 1:
            raise ValueError(f"max_batch_events {max_batch_events} must be ≥ 1")
        self._engine = engine
        self._projections = tuple(projections)
        self._max_batch_events = max_batch_events
        self._queue: queue.SimpleQueue[list[Event] | None] = queue.SimpleQueue()
        self._progress = threading.Condition()
        self._checkpoints: dict[str, int] | None = None
        # The last event each projection was handed in this process (applied or warmed).
        self._seen: dict[str, int] = {}
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    # --- state ---------------------------------------------------------------------------------

    @property
    def checkpoints(self) -> dict[str, int]:
        """Each projection's last committed event seq (read from SQL on first use)."""
        with self._progress:
            return dict(self._load_checkpoints())

    @property
    def applied_seq(self) -> int:
        """The seq every projection has committed up to."""
        return min(self.checkpoints.values(), default=0)

    @property
    def failure(self) -> BaseException | None:
        return self._failure

    def wait_for(self, seq: int, timeout: float | None = None) -> bool:
        """Block until every projection has committed event ``seq`` (True) or the runner has
        failed or ``timeout`` seconds passed (False)."""
        with self._progress:
            return self._progress.wait_for(
                lambda: (
                    self._failure is not None
                    or min(self._load_checkpoints().values(), default=0) >= seq
                ),
                timeout,
            ) and (self._failure is None)

    # --- input ---------------------------------------------------------------------------------

    def publish(self, events: list[Event]) -> None:
        """The journal's durable listener (writer thread): enqueue, nothing more."""
        if events and self._failure is None:
            self._queue.put(events)

    def catch_up(self, journal: Path) -> int:
        """Apply, in the calling thread, every journaled event past the checkpoints; return
        how many events were handed to the projections. Safe while the journal is written."""
        return self._apply_all(_batches(journal_events(journal), self._max_batch_events))

    def apply(self, events: Sequence[Event]) -> None:
        """Apply one batch now, in the calling thread, skipping what is already committed
        (a ``WarmProjection`` is shown the skipped events through ``warm``)."""
        if not events:
            return
        with self._progress:
            checkpoints = dict(self._load_checkpoints())
        for projection in self._projections:
            # Warm only what this process has not shown the projection yet: catch-up and live
            # batches overlap, and a warm projection must see every event exactly once.
            last = checkpoints[projection.name]
            seen = self._seen.get(projection.name, 0)
            if events[0].seq <= last and seen < last and isinstance(projection, WarmProjection):
                old = [e for e in events if seen < e.seq <= last]
                if old:
                    projection.warm(old)
                    self._seen[projection.name] = old[-1].seq
        oldest = min(checkpoints.values(), default=0)
        # The common case (a batch past every checkpoint) needs no copy.
        fresh = events if events[0].seq > oldest else [e for e in events if e.seq > oldest]
        if not fresh:
            return
        committed: dict[str, int] = {}
        with self._engine.begin() as connection:
            for projection in self._projections:
                last = checkpoints[projection.name]
                mine = fresh if fresh[0].seq > last else [e for e in fresh if e.seq > last]
                if mine:
                    projection.apply(connection, mine)
                    write_checkpoint(connection, projection.name, mine[-1].seq)
                    committed[projection.name] = mine[-1].seq
        with self._progress:
            assert self._checkpoints is not None
            self._checkpoints.update(committed)
            self._seen.update(committed)
            self._progress.notify_all()

    # --- thread --------------------------------------------------------------------------------

    def start(self, journal: Path | None = None) -> None:
        """Start the runner's thread: catch up from ``journal`` first (if given), then apply
        published batches as they come."""
        if self._thread is not None:
            raise RuntimeError("the projection runner is already started")
        self._thread = threading.Thread(
            target=self._run, args=(journal,), name="bourse-projections", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Apply every batch published so far, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()

    def __enter__(self) -> "ProjectionRunner":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self, journal: Path | None) -> None:
        try:
            if journal is not None:
                self.catch_up(journal)
            self._apply_all(self._live_batches())
        except BaseException as exc:
            logger.exception("projection runner failed; it stops until the next start")
            with self._progress:
                self._failure = exc
                self._progress.notify_all()

    def _live_batches(self) -> Iterator[list[Event]]:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = list(first)
            while len(batch) < self._max_batch_events:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    yield batch
                    return
                batch.extend(more)
            yield batch

    def _apply_all(self, batches: Iterable[Sequence[Event]]) -> int:
        applied = 0
        for batch in batches:
            self.apply(batch)
            applied += len(batch)
        return applied

    def _load_checkpoints(self) -> dict[str, int]:
        """Called with ``_progress`` held."""
        if self._checkpoints is None:
            with self._engine.connect() as connection:
                self._checkpoints = read_checkpoints(
                    connection, [projection.name for projection in self._projections]
                )
        return self._checkpoints


def _batches(commands: Iterable[list[Event]], size: int) -> Iterator[list[Event]]:
    """Group per-command event lists into batches of at least ``size`` events (the last may
    be smaller)."""
    pending: list[Event] = []
    for events in commands:
        pending.extend(events)
        if len(pending) >= size:
            yield pending
            pending = []
    if pending:
        yield pending

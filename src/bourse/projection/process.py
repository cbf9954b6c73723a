"""The SQL projections in a process of their own, following the journal.

Projecting the ledger costs about as much CPU per trade as taking the order did (bench/
http_orders.py: ~100 µs of ~210 µs), and in the serving process it also contends for the GIL
with the requests. In its own process it runs on another core and the serving process only
publishes, after each durable batch, where the journal's durable bytes end (``DurableMark``):
one store to shared memory.

The projector process replays the journal's commands through its own core (deterministic, so
it produces the very events the serving core did) and hands them to a ``ProjectionRunner`` in
batches. At start it replays from the first command; the runner skips (and shows its warm
projections) what the checkpoints already hold, as the in-process runner's catch-up does.

It stops when the serving process closes the log (after applying everything up to the final
mark), or when that process is gone (a crash: the next start catches up from the journal). A
failure is logged in the projector and seen by the serving process as ``failure``.

    projector = ProjectorProcess.start(database_url, journal_dir, mark, build_projections)
    projector.wait_for(seq, timeout)   # every projection has committed event seq
    mark.close_log(); projector.close()
"""

import logging
import math
import multiprocessing
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bourse.core.engine import TradingCore
from bourse.domain.events import Event
from bourse.gc_tuning import tune_gc_for_core
from bourse.journal.follow import DurableMark, JournalTail
from bourse.journal.recovery import TRADING_CORE, apply_record, load_config
from bourse.projection.checkpoints import read_checkpoints
from bourse.projection.port import Projection
from bourse.projection.runner import ProjectionRunner
from bourse.store import create_store_engine

logger = logging.getLogger(__name__)

ProjectionFactory = Callable[[Any], Sequence[Projection]]
"""Builds the projections from the core's configuration; a module-level function (the child
process imports it by name)."""

POLL_SECONDS = 0.002
"""How often an idle projector looks at the mark, and a waiting reader at the checkpoints:
small against the batches' own time, cheap when nothing changes."""

BATCH_INTERVAL_S = 0.05
"""The least time from one of the projector's transactions to the next while events keep
coming (the first after a quiet spell goes at once). Each transaction rewrites the index and
balance pages of every account it touches and upserts each balance it changes, whatever its
size: the projection costs some 117 µs of CPU per trade in transactions of 256 events, 92 µs
at 1,024 and 83 µs at 2,048 (bench/ledger.py --sqlite --batch-events). At 10,000 trades/s
(30,000 events/s) 50 ms gather 1,500 events. Readers that wait for a checkpoint (statements,
candles right after a trade) wait up to this much longer."""

STOP_TIMEOUT_S = 120.0
"""How long ``close`` waits for the projector to apply the rest of the journal."""

# A forkserver starts each projector as a fork of a clean process that has imported what the
# projector runs: spawning a fresh interpreter would cost ~0.7 s of imports per start, and
# forking the serving process itself would copy its threads' locks.
_CONTEXT = multiprocessing.get_context("forkserver")


class ProjectorProcess:
    """The serving process's handle on the projector: its progress and its end."""

    def __init__(
        self, process: multiprocessing.process.BaseProcess, engine_url: str, names: list[str]
    ) -> None:
        self._process = process
        self._names = names
        self._final_checkpoints: dict[str, int] | None = None
        # Progress is read from the checkpoints the projector commits, through an engine of
        # its own (readers wait on it from worker threads, apart from the serving pool).
        self._engine = create_store_engine(engine_url)

    @classmethod
    def start(
        cls,
        database_url: str,
        journal: Path,
        factory: ProjectionFactory,
        *,
        max_batch_events: int,
    ) -> "ProjectorProcess":
        """Start following ``journal`` (whose ``DurableMark`` the caller has created)."""
        names = [projection.name for projection in factory(load_config(journal, TRADING_CORE))]
        # Takes effect when the forkserver starts (the first projector of this process).
        _CONTEXT.set_forkserver_preload([__name__, factory.__module__])
        process = _CONTEXT.Process(
            target=_projector_main,
            args=(database_url, str(journal), factory, max_batch_events),
            name="bourse-projector",
            daemon=True,
        )
        process.start()
        return cls(process, database_url, names)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def failure(self) -> BaseException | None:
        code = self._process.exitcode
        if code is None or code == 0:
            return None
        return RuntimeError(f"the projector process exited with code {code} (see its log)")

    @property
    def checkpoints(self) -> dict[str, int]:
        if self._final_checkpoints is not None:
            return dict(self._final_checkpoints)
        with self._engine.connect() as connection:
            return read_checkpoints(connection, self._names)

    @property
    def applied_seq(self) -> int:
        """The seq every projection has committed up to."""
        return min(self.checkpoints.values(), default=0)

    def wait_for(self, seq: int, timeout: float | None = None) -> bool:
        """Block until every projection has committed event ``seq`` (True), or the projector
        has failed or ``timeout`` seconds passed (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self.applied_seq >= seq:
                return True
            if self.failure is not None or not self._process.is_alive():
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)

    def close(self) -> None:
        """Wait for the projector to finish (the caller closes the log's mark first)."""
        self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():
            logger.error("the projector did not finish in %.0f s: stopping it", STOP_TIMEOUT_S)
            self._process.terminate()
            self._process.join()
        self._final_checkpoints = self.checkpoints
        self._engine.dispose()


def _projector_main(
    database_url: str,
    journal: str,
    factory: ProjectionFactory,
    max_batch_events: int,
) -> None:
    # Ctrl-C reaches the whole process group; the serving process decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    directory = Path(journal)
    engine = create_store_engine(database_url)
    core = TradingCore(load_config(directory, TRADING_CORE))
    runner = ProjectionRunner(engine, factory(core.config), max_batch_events=max_batch_events)
    # It holds a core and the bookkeeper's mirror, as the serving process does: with Python's
    # default thresholds a full collection (50-80 ms) walked them every ~0.7 s.
    tune_gc_for_core()
    mark = DurableMark.open(directory)
    tail = JournalTail(directory)
    parent = multiprocessing.parent_process()  # the serving process (not the forkserver)
    assert parent is not None
    try:
        follow(core, tail, mark, runner.apply, max_batch_events, parent.is_alive)
    finally:
        tail.close()
        mark.close()
        engine.dispose()


def follow(
    core: TradingCore,
    tail: JournalTail,
    mark: DurableMark,
    apply: Callable[[list[Event]], None],
    max_batch_events: int,
    writer_alive: Callable[[], bool],
    batch_interval_s: float = BATCH_INTERVAL_S,
) -> None:
    """Replay the journal through ``core`` and ``apply`` its events in batches of up to about
    ``max_batch_events``, up to the durable mark, until the log is closed (everything applied)
    or ``writer_alive()`` says the writing process is gone. While events keep coming, batches
    start at least ``batch_interval_s`` apart (what came meanwhile joins the next batch)."""
    batch_started = -math.inf
    while True:
        # Read "closed" before the offset: the writer publishes its last offset first.
        closed = mark.log_closed
        end = mark.offset
        if end > tail.offset:
            wait = batch_started + batch_interval_s - time.monotonic()
            if wait > 0 and not closed:
                time.sleep(wait)
                continue  # read the mark again: more is durable by now
            batch_started = time.monotonic()
            pending: list[Event] = []
            for offset, record in tail.records(end):
                pending.extend(apply_record(core, offset, record, tail.path))
                if len(pending) >= max_batch_events:
                    apply(pending)
                    pending = []
            if pending:
                apply(pending)
            continue
        if closed or not writer_alive():
            return
        time.sleep(POLL_SECONDS)

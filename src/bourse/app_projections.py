"""The SQL projections of the platform (the ledger, candles), called by ``bourse.app``.

They run where ``Settings.projections`` says:

- ``process`` (the default): a projector process follows the journal up to the durable mark
  the serving process publishes after each batch (``bourse.projection.process``), on another
  core, so the order path pays nothing for them but one store to shared memory;
- ``thread``: one ``ProjectionRunner`` thread in the serving process, fed each durable batch's
  events, after one catch-up pass over the journal.

Either way one transaction per batch holds every projection's rows and checkpoints, and the
feed starts before the catch-up reads the journal, so no event falls between the two.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain.events import Event
from bourse.journal.file_log import FileCommandLog
from bourse.journal.follow import DurableMark
from bourse.journal.group_commit import JournaledCore
from bourse.ledger.projection import LedgerProjection
from bourse.marketdata.candle_projection import CandleProjection
from bourse.projection.port import Projection, ProjectionProgress
from bourse.projection.process import ProjectionFactory, ProjectorProcess
from bourse.projection.runner import ProjectionRunner
from bourse.settings import ProjectionPlacement

MAX_BATCH_EVENTS = 2048
"""Events the projections apply per transaction. A batch's rows, entries and postings are all
alive until it commits; at the runner's default of 8,192 events that was some 100,000 objects,
enough to set off a young-generation collection (a 20-35 ms pause holding the GIL) in nearly
every batch of a busy market. At 2,048 they stay well below the threshold (bench/http_orders,
a server's life: GC 380 -> 79 ms of CPU, p999 61 -> 29 ms)."""


def platform_projections(config: CoreConfig) -> Sequence[Projection]:
    """The projections of the platform (the projector process builds them by this name)."""
    return [LedgerProjection(config), CandleProjection()]


class RunningProjections:
    """The projections' progress for the readers, and their end (after the core's)."""

    def __init__(self, progress: ProjectionProgress, close: Callable[[], None]) -> None:
        self.progress = progress
        self.close = close


def start_projections(
    engine: Engine,
    database_url: str,
    journal: Path,
    trading: JournaledCore[TradingCore],
    placement: ProjectionPlacement,
    factory: ProjectionFactory = platform_projections,
) -> RunningProjections:
    """Follow ``trading`` into SQL with the projections ``factory`` builds (a module-level
    function: the projector process imports it by name). Close them after the core."""
    if placement == "thread":
        # The configuration is immutable, so reading it from this thread is safe.
        runner = ProjectionRunner(
            engine, factory(trading.core.config), max_batch_events=MAX_BATCH_EVENTS
        )
        trading.add_durable_listener(runner.publish)
        runner.start(journal=journal)
        return RunningProjections(runner, runner.close)
    if not isinstance(trading.log, FileCommandLog):
        raise TypeError(f"a projector process follows a journal file, not {trading.log!r}")
    log: FileCommandLog = trading.log
    mark = DurableMark.create(journal, log.end_offset)

    def publish(events: list[Event]) -> None:
        mark.publish(log.end_offset)

    trading.add_durable_listener(publish)
    projector = ProjectorProcess.start(
        database_url, journal, factory, max_batch_events=MAX_BATCH_EVENTS
    )

    closed = False

    def close() -> None:
        nonlocal closed
        if not closed:
            closed = True
            mark.publish(log.end_offset)
            mark.close_log()
            projector.close()
            mark.close()

    return RunningProjections(projector, close)

"""The SQL projections of the platform (the ledger, candles), called by ``bourse.app``.

One ``ProjectionRunner`` drives them all: one thread, one catch-up pass over the journal at
startup, and one transaction per batch that holds every projection's rows and checkpoints.
Its durable listener is added before the catch-up starts, so no event falls between the two.
"""

from pathlib import Path

from sqlalchemy import Engine

from bourse.core.engine import TradingCore
from bourse.journal.group_commit import JournaledCore
from bourse.ledger.projection import LedgerProjection
from bourse.marketdata.candle_projection import CandleProjection
from bourse.projection.port import Projection
from bourse.projection.runner import ProjectionRunner

MAX_BATCH_EVENTS = 2048
"""Events the projections apply per transaction. A batch's rows, entries and postings are all
alive until it commits; at the runner's default of 8,192 events that was some 100,000 objects,
enough to set off a young-generation collection (a 20-35 ms pause holding the GIL) in nearly
every batch of a busy market. At 2,048 they stay well below the threshold (bench/http_orders,
a server's life: GC 380 -> 79 ms of CPU, p999 61 -> 29 ms)."""


def start_projections(
    engine: Engine, journal: Path, trading: JournaledCore[TradingCore]
) -> ProjectionRunner:
    """Follow ``trading`` into SQL. Close the runner after the core (it drains what the core
    published)."""
    # The configuration is immutable, so reading it from this thread is safe.
    projections: list[Projection] = [LedgerProjection(trading.core.config), CandleProjection()]
    runner = ProjectionRunner(engine, projections, max_batch_events=MAX_BATCH_EVENTS)
    trading.add_durable_listener(runner.publish)
    runner.start(journal=journal)
    return runner

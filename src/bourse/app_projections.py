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


def start_projections(
    engine: Engine, journal: Path, trading: JournaledCore[TradingCore]
) -> ProjectionRunner:
    """Follow ``trading`` into SQL. Close the runner after the core (it drains what the core
    published)."""
    # The configuration is immutable, so reading it from this thread is safe.
    projections: list[Projection] = [LedgerProjection(trading.core.config), CandleProjection()]
    runner = ProjectionRunner(engine, projections)
    trading.add_durable_listener(runner.publish)
    runner.start(journal=journal)
    return runner

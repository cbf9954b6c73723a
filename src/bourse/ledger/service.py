"""Running the ledger next to a journaled core (called by ``bourse.app``)."""

from pathlib import Path

from sqlalchemy import Engine

from bourse.core.engine import TradingCore
from bourse.journal.group_commit import JournaledCore
from bourse.ledger.projection import LedgerProjection
from bourse.projection.runner import ProjectionRunner


def start_ledger(
    engine: Engine, journal: Path, trading: JournaledCore[TradingCore]
) -> ProjectionRunner:
    """Follow ``trading`` into the SQL ledger: listen first, then catch up from ``journal`` on
    the runner's thread, so no event falls between the two. Close the runner after the core."""
    # The configuration is immutable, so reading it from this thread is safe.
    runner = ProjectionRunner(engine, [LedgerProjection(trading.core.config)])
    trading.add_durable_listener(runner.publish)
    runner.start(journal=journal)
    return runner


class LedgerReader:
    """Read access to the ledger's rows for the statement routes."""

    def __init__(self, engine: Engine, runner: ProjectionRunner) -> None:
        self.engine = engine
        self.runner = runner

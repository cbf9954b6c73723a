"""Running the ledger next to a journaled core (called by ``bourse.app``)."""

from sqlalchemy import Engine

from bourse.projection.runner import ProjectionRunner


class LedgerReader:
    """Read access to the ledger's rows for the statement routes."""

    def __init__(self, engine: Engine, runner: ProjectionRunner) -> None:
        self.engine = engine
        self.runner = runner

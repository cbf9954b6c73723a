"""Running the ledger next to a journaled core (called by ``bourse.app``)."""

from sqlalchemy import Engine

from bourse.projection.port import ProjectionProgress


class LedgerReader:
    """Read access to the ledger's rows for the statement routes."""

    def __init__(self, engine: Engine, runner: ProjectionProgress) -> None:
        self.engine = engine
        self.runner = runner

"""The ledger as a SQL projection: the projection runner hands it event batches.

Per batch: the bookkeeper turns the events into entries and trade legs, which are inserted in
bulk, and the balances they change are updated with one upsert — all inside the runner's
transaction, which also moves the checkpoint. The bookkeeper takes the batch a chunk of
``CHUNK_EVENTS`` at a time, so that PostgreSQL inserts one chunk's postings while the next chunk
is booked. The bookkeeper's mirror lives in memory: at startup the runner replays the
already-committed events through ``warm``.

If a batch fails, the transaction rolls back but the mirror has moved on; the projection then
refuses every further batch (a new runner, re-warmed from the journal, takes over).
"""

from collections.abc import Sequence

from sqlalchemy import Connection

from bourse.core.config import CoreConfig
from bourse.domain.events import Event
from bourse.ledger.bookkeeper import Bookkeeper
from bourse.ledger.sql import LedgerBatchWriter

LEDGER_PROJECTION = "ledger"
CHUNK_EVENTS = 1024


class LedgerPoisonedError(RuntimeError):
    """An earlier batch failed half-way; this projection instance can no longer be trusted."""


class LedgerProjection:
    def __init__(self, config: CoreConfig, *, name: str = LEDGER_PROJECTION) -> None:
        self._name = name
        self.bookkeeper = Bookkeeper(config)
        self._poisoned: BaseException | None = None

    @property
    def name(self) -> str:
        return self._name

    def warm(self, events: Sequence[Event]) -> None:
        self._check()
        self.bookkeeper.warm(events)

    def apply(self, connection: Connection, events: Sequence[Event]) -> None:
        self._check()
        try:
            with LedgerBatchWriter(connection) as writer:
                for start in range(0, len(events), CHUNK_EVENTS):
                    writer.add(*self.bookkeeper.post(events[start : start + CHUNK_EVENTS]))
        except BaseException as exc:
            self._poisoned = exc
            raise

    def _check(self) -> None:
        if self._poisoned is not None:
            raise LedgerPoisonedError(
                "a previous ledger batch failed; restart the projection from the journal"
            ) from self._poisoned

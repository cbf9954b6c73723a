"""The port every SQL projection implements (the ledger, candles, order history, ...).

A projection turns a batch of durable events into rows. The runner that drives it opens one
transaction per batch, calls ``apply`` inside it and records, in the same transaction, the
``seq`` of the batch's last event under the projection's ``name``. After a crash the runner
resumes after the last committed batch, so every event is applied exactly once (DESIGN §1).

``apply`` must not commit, roll back or open its own connection; it may be handed events the
projection does not care about and skips them. It should write in bulk (one multi-row insert per
table per batch), because batches on a busy market hold thousands of events.
"""

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection

from bourse.domain.events import Event


class Projection(Protocol):
    @property
    def name(self) -> str:
        """Stable key of this projection's checkpoint row (e.g. ``"ledger"``)."""
        ...

    def apply(self, connection: Connection, events: Sequence[Event]) -> None:
        """Write what ``events`` (in stream order, ``seq`` increasing) change."""
        ...


class ProjectionProgress(Protocol):
    """How far the projections have committed, for readers that must see an event's rows."""

    @property
    def failure(self) -> BaseException | None:
        """Why the projections stopped, if they did."""
        ...

    @property
    def applied_seq(self) -> int:
        """The seq every projection has committed up to."""
        ...

    def wait_for(self, seq: int, timeout: float | None = None) -> bool:
        """Block until every projection has committed event ``seq`` (True), or they failed or
        ``timeout`` seconds passed (False)."""
        ...

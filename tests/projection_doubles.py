"""A projection for runner tests: one row per event seq (a duplicate fails on the key)."""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from bourse.domain.events import Event

test_metadata = sa.MetaData()
seen_events = sa.Table(
    "test_seen_events",
    test_metadata,
    sa.Column("projection", sa.String(64), primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True),
    sa.Column("kind", sa.String(64), nullable=False),
)


class SeqRecorder:
    """Inserts (name, seq, event type) per event; raises once ``fail_at`` is in a batch."""

    def __init__(self, name: str, *, fail_at: int | None = None) -> None:
        self._name = name
        self.fail_at = fail_at
        self.batches: list[tuple[int, int]] = []

    @property
    def name(self) -> str:
        return self._name

    def apply(self, connection: Connection, events: Sequence[Event]) -> None:
        connection.execute(
            sa.insert(seen_events),
            [{"projection": self._name, "seq": e.seq, "kind": type(e).__name__} for e in events],
        )
        if self.fail_at is not None and any(e.seq == self.fail_at for e in events):
            raise RuntimeError(f"projection {self._name} fails at event {self.fail_at}")
        self.batches.append((events[0].seq, events[-1].seq))


def recorded_seqs(engine: Engine, name: str) -> list[int]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(seen_events.c.seq)
                .where(seen_events.c.projection == name)
                .order_by(seen_events.c.seq)
            ).scalars()
        )

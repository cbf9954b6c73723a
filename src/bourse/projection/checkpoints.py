"""Reading and writing a projection's checkpoint: the seq of its last committed event.

A checkpoint is written inside the transaction that writes the rows it covers, so the two are
committed together or not at all. A projection without a row has applied nothing (seq 0).
"""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import Connection

from bourse.store.tables import projection_checkpoints


def read_checkpoints(connection: Connection, names: Iterable[str]) -> dict[str, int]:
    """The last committed event seq of each projection in ``names`` (0 when it has none)."""
    wanted = list(names)
    rows = connection.execute(
        sa.select(projection_checkpoints.c.name, projection_checkpoints.c.last_event_seq).where(
            projection_checkpoints.c.name.in_(wanted)
        )
    )
    found = {name: int(seq) for name, seq in rows}
    return {name: found.get(name, 0) for name in wanted}


def write_checkpoint(connection: Connection, name: str, last_event_seq: int) -> None:
    """Record ``last_event_seq`` for ``name`` in the caller's transaction.

    An UPDATE, then an INSERT when there was no row: portable across SQLite and PostgreSQL, and
    race-free because one runner owns a projection's row (a second one would fail on the key).
    """
    updated = connection.execute(
        sa.update(projection_checkpoints)
        .where(projection_checkpoints.c.name == name)
        .values(last_event_seq=last_event_seq)
    )
    if updated.rowcount == 0:
        connection.execute(
            sa.insert(projection_checkpoints).values(name=name, last_event_seq=last_event_seq)
        )


def reset_checkpoint(connection: Connection, name: str) -> None:
    """Forget ``name``'s progress (a rebuild from scratch starts at event 1)."""
    connection.execute(
        sa.delete(projection_checkpoints).where(projection_checkpoints.c.name == name)
    )

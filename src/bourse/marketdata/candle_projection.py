"""Candles in SQL: the ``Projection`` that stores them and the range query that reads them.

Each batch of events is folded into candles (``candles.fold_trades``) and written by one upsert
statement, executed for all of them: a new key is inserted; an existing one keeps its open,
widens its range, takes the batch's close and adds the volume — exactly ``candles.merge``, since
batches arrive in stream order. SQLite and PostgreSQL both speak ``INSERT ... ON CONFLICT DO
UPDATE``; only the spelling of the two-argument max/min differs.
"""

import functools
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite

from bourse.domain.events import Event
from bourse.domain.types import InstrumentToken
from bourse.marketdata.candles import Candle, fold_trades, trades_of
from bourse.projection.port import ProjectionProgress
from bourse.store.tables import candles

CANDLE_PROJECTION = "candles"
MAX_CANDLES_PER_QUERY = 100_000


@functools.cache
def candle_upsert(dialect: str) -> sa.Insert:
    """The one statement each batch's candles go in with (built once per dialect, so that it is
    compiled once): a new key is inserted, a stored one widened by the batch's candle."""
    postgres = dialect == "postgresql"
    statement = (postgresql.insert if postgres else sqlite.insert)(candles)
    greatest, least = (sa.func.greatest, sa.func.least) if postgres else (sa.func.max, sa.func.min)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["instrument_token", "interval_minutes", "start_ns"],
        set_={
            "high": greatest(candles.c.high, new.high),
            "low": least(candles.c.low, new.low),
            "close": new.close,
            "volume": candles.c.volume + new.volume,
        },
    )


class CandleProjection:
    """Implements ``bourse.projection.port.Projection``."""

    @property
    def name(self) -> str:
        return CANDLE_PROJECTION

    def apply(self, connection: Connection, events: Sequence[Event]) -> None:
        folded = fold_trades(trades_of(events))
        if not folded:
            return
        rows = [
            {
                "instrument_token": c.token,
                "interval_minutes": c.minutes,
                "start_ns": c.start_ns,
                "open": c.open,
                "high": c.high,
                "low": c.low,
                "close": c.close,
                "volume": c.volume,
            }
            for c in folded.values()
        ]
        connection.execute(candle_upsert(connection.dialect.name), rows)


def candle_range(
    connection: Connection,
    token: InstrumentToken,
    minutes: int,
    from_ns: int,
    to_ns: int,
    limit: int = MAX_CANDLES_PER_QUERY,
) -> list[Candle]:
    """Candles of ``token`` at ``minutes`` starting within [from_ns, to_ns], oldest first."""
    c = candles.c
    rows = connection.execute(
        sa.select(c.start_ns, c.open, c.high, c.low, c.close, c.volume)
        .where(
            c.instrument_token == token,
            c.interval_minutes == minutes,
            c.start_ns >= from_ns,
            c.start_ns <= to_ns,
        )
        .order_by(c.start_ns)
        .limit(limit)
    )
    return [
        Candle(
            token=token,
            minutes=minutes,
            start_ns=start_ns,
            open=open_,
            high=high,
            low=low,
            close=close,
            volume=volume,
        )
        for start_ns, open_, high, low, close, volume in rows
    ]


class CandleReader:
    """Range queries for the API. A read first waits (up to ``wait_seconds``) for the runner
    to commit event ``after_seq`` (the last one the caller has seen applied in memory), so a
    chart asked for right after a trade shows that trade."""

    def __init__(
        self, engine: Engine, runner: ProjectionProgress | None = None, *, wait_seconds: float = 2.0
    ) -> None:
        self._engine = engine
        self._runner = runner
        self._wait_seconds = wait_seconds

    def read(
        self, token: InstrumentToken, minutes: int, from_ns: int, to_ns: int, after_seq: int = 0
    ) -> list[Candle]:
        """Blocking: call it from a worker thread."""
        if self._runner is not None and after_seq:
            self._runner.wait_for(after_seq, self._wait_seconds)
        with self._engine.connect() as connection:
            return candle_range(connection, token, minutes, from_ns, to_ns)

"""The candle projection on SQLite and PostgreSQL, driven by the projection runner: rows equal
the candles folded from every trade at once, however the trades are cut into batches, and the
range query returns them in order within its bounds."""

import itertools

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from tests.property.market_trades import trade, trade_sequences

from bourse.domain import events as ev
from bourse.marketdata.candle_projection import CandleProjection, candle_range
from bourse.marketdata.candles import fold_trades
from bourse.marketdata.session import INTERVALS, NS_PER_MINUTE
from bourse.projection.runner import ProjectionRunner
from bourse.store.tables import candles, projection_checkpoints

START = 1_767_240_900_000_000_000  # 2026-01-01 09:45 IST


def stored(engine: Engine) -> dict[tuple[int, int, int], tuple[int, ...]]:
    c = candles.c
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                c.instrument_token, c.interval_minutes, c.start_ns,
                c.open, c.high, c.low, c.close, c.volume,
            )
        )  # fmt: skip
        return {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows}


def folded(trades: list[ev.TradeExecuted]) -> dict[tuple[int, int, int], tuple[int, ...]]:
    return {
        key: (c.open, c.high, c.low, c.close, c.volume) for key, c in fold_trades(trades).items()
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(trade_sequences(max_size=40), st.lists(st.integers(1, 40), max_size=5))
def test_stored_candles_equal_the_whole_fold_however_batched(
    migrated_engine: Engine, trades: list[ev.TradeExecuted], cuts: list[int]
) -> None:
    with migrated_engine.begin() as connection:
        connection.execute(sa.delete(candles))
        connection.execute(sa.delete(projection_checkpoints))
    runner = ProjectionRunner(migrated_engine, [CandleProjection()])
    bounds = sorted({0, len(trades), *(min(cut, len(trades)) for cut in cuts)})
    for start, end in itertools.pairwise(bounds):
        runner.apply(trades[start:end])
    runner.apply(trades)  # a replayed overlap changes nothing

    assert stored(migrated_engine) == folded(trades)


def test_a_range_query_returns_the_candles_within_its_bounds_oldest_first(
    migrated_engine: Engine,
) -> None:
    minute = NS_PER_MINUTE
    trades = [
        trade(1, 257, 100_00, 5, START),
        trade(2, 257, 101_00, 1, START + 30 * 10**9),
        trade(3, 257, 99_00, 2, START + minute),
        trade(4, 513, 50_00, 9, START + minute),
        trade(5, 257, 102_00, 3, START + 5 * minute),
    ]
    with migrated_engine.begin() as connection:
        CandleProjection().apply(connection, trades)

    with migrated_engine.connect() as connection:
        minutes = candle_range(connection, 257, 1, START, START + 5 * minute)
        fives = candle_range(connection, 257, 5, START - 30 * minute, START + 30 * minute)
        days = candle_range(connection, 257, INTERVALS["day"], 0, START)
        first_only = candle_range(connection, 257, 1, START, START + 5 * minute, limit=1)

    assert [(c.open, c.high, c.low, c.close, c.volume) for c in minutes] == [
        (100_00, 101_00, 100_00, 101_00, 6),
        (99_00, 99_00, 99_00, 99_00, 2),
        (102_00, 102_00, 102_00, 102_00, 3),
    ]
    assert [c.start_ns for c in minutes] == [START, START + minute, START + 5 * minute]
    assert [(c.start_ns, c.volume) for c in fives] == [(START, 8), (START + 5 * minute, 3)]
    assert [(c.open, c.close, c.volume) for c in days] == [(100_00, 102_00, 11)]
    assert len(first_only) == 1

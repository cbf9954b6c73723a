"""Candles (OHLC and volume per interval) folded from trades.

``fold_trades`` turns trades, in stream order, into one candle per (instrument, interval,
bucket start) for every interval of ``session.INTERVAL_MINUTES``. Two candles of the same key
built from consecutive runs of trades combine with ``merge`` (the earlier one's open, the
later one's close, the wider range, the summed volume), which is how the SQL projection adds a
batch to the rows already stored and how the live board keeps its current candles.
"""

from collections.abc import Iterable, Sequence

import msgspec

from bourse.domain import events as ev
from bourse.domain.types import InstrumentToken, Paise, Quantity
from bourse.marketdata.session import INTERVAL_MINUTES, bucket_start

CandleKey = tuple[InstrumentToken, int, int]
"""(instrument token, interval in minutes, bucket start in UTC ns)."""


class Candle(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    token: InstrumentToken
    minutes: int
    start_ns: int
    open: Paise
    high: Paise
    low: Paise
    close: Paise
    volume: Quantity

    @property
    def key(self) -> CandleKey:
        return (self.token, self.minutes, self.start_ns)


def merge(earlier: Candle, later: Candle) -> Candle:
    """One candle from two of the same key, ``earlier``'s trades before ``later``'s."""
    return Candle(
        token=earlier.token,
        minutes=earlier.minutes,
        start_ns=earlier.start_ns,
        open=earlier.open,
        high=max(earlier.high, later.high),
        low=min(earlier.low, later.low),
        close=later.close,
        volume=earlier.volume + later.volume,
    )


def fold_trades(
    trades: Iterable[ev.TradeExecuted], intervals: Sequence[int] = INTERVAL_MINUTES
) -> dict[CandleKey, Candle]:
    """The candles of ``trades`` (in stream order), keyed.

    Trades are folded into one-minute candles first, then those into every interval: all of
    them are whole minutes on the one grid, so each longer candle is exactly its minutes
    merged, and a trade costs one bucket and one lookup instead of one per interval.
    """
    minutes: dict[tuple[InstrumentToken, int], list[int]] = {}
    for trade in trades:
        price, quantity = trade.price, trade.quantity
        minute = (trade.token, bucket_start(trade.ts_ns, 1))
        found_minute = minutes.get(minute)
        if found_minute is None:
            minutes[minute] = [price, price, price, price, quantity]
        else:
            _widen(found_minute, price, price, price, quantity)
    found: dict[CandleKey, list[int]] = {}
    for interval in intervals:
        for (token, start), (open_, high, low, close, volume) in minutes.items():
            key = (token, interval, bucket_start(start, interval))
            row = found.get(key)
            if row is None:
                found[key] = [open_, high, low, close, volume]
            else:
                _widen(row, high, low, close, volume)
    return {
        key: Candle(
            token=key[0],
            minutes=key[1],
            start_ns=key[2],
            open=row[0],
            high=row[1],
            low=row[2],
            close=row[3],
            volume=row[4],
        )
        for key, row in found.items()
    }


def _widen(row: list[int], high: Paise, low: Paise, close: Paise, volume: Quantity) -> None:
    """Add what came after ``row`` ([open, high, low, close, volume]) to it."""
    row[1] = max(row[1], high)
    row[2] = min(row[2], low)
    row[3] = close
    row[4] += volume


def trades_of(events: Iterable[ev.Event]) -> list[ev.TradeExecuted]:
    return [event for event in events if isinstance(event, ev.TradeExecuted)]

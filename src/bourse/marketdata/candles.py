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
    """The candles of ``trades`` (in stream order), keyed, in order of first appearance."""
    found: dict[CandleKey, list[int]] = {}
    for trade in trades:
        price, quantity, token, ts = trade.price, trade.quantity, trade.token, trade.ts_ns
        for minutes in intervals:
            key = (token, minutes, bucket_start(ts, minutes))
            row = found.get(key)
            if row is None:
                found[key] = [price, price, price, price, quantity]
            else:
                if price > row[1]:
                    row[1] = price
                elif price < row[2]:
                    row[2] = price
                row[3] = price
                row[4] += quantity
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


def trades_of(events: Iterable[ev.Event]) -> list[ev.TradeExecuted]:
    return [event for event in events if isinstance(event, ev.TradeExecuted)]

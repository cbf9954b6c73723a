"""Market data equals a naive recomputation from the trades, for any trade sequence: candles
(whole, and folded batch by batch as the SQL projection does), and the quote fields."""

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bourse.domain import events as ev
from bourse.domain.instrument import Instrument
from bourse.domain.money import div_round_half_even
from bourse.marketdata.candles import Candle, fold_trades, merge
from bourse.marketdata.quotes import QuoteBoard
from bourse.marketdata.session import INTERVALS
from tests.property.market_trades import TOKENS, trade_sequences

IST = timedelta(hours=5, minutes=30)


def naive_start(ts_ns: int, minutes: int) -> int:
    """The bucket by calendar arithmetic: IST wall time, counted from that day's 09:15."""
    local = datetime.fromtimestamp(ts_ns // 10**9, UTC) + IST
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if minutes == INTERVALS["day"]:
        start = midnight
    else:
        open_915 = midnight + timedelta(hours=9, minutes=15)
        elapsed = (local - open_915) // timedelta(minutes=minutes)
        start = open_915 + elapsed * timedelta(minutes=minutes)
    return int((start - IST).timestamp()) * 10**9


def naive_candles(trades: list[ev.TradeExecuted], minutes: int) -> dict[tuple[int, int], Candle]:
    groups: dict[tuple[int, int], list[ev.TradeExecuted]] = {}
    for trade in trades:
        groups.setdefault((trade.token, naive_start(trade.ts_ns, minutes)), []).append(trade)
    return {
        key: Candle(
            token=key[0],
            minutes=minutes,
            start_ns=key[1],
            open=group[0].price,
            high=max(t.price for t in group),
            low=min(t.price for t in group),
            close=group[-1].price,
            volume=sum(t.quantity for t in group),
        )
        for key, group in groups.items()
    }


@given(trade_sequences())
def test_candles_equal_a_naive_recomputation_for_any_trades(
    trades: list[ev.TradeExecuted],
) -> None:
    folded = fold_trades(trades)

    for minutes in INTERVALS.values():
        mine = {(c.token, c.start_ns): c for c in folded.values() if c.minutes == minutes}
        assert mine == naive_candles(trades, minutes)


@given(trade_sequences(), st.lists(st.integers(0, 60), max_size=6))
def test_candles_folded_batch_by_batch_equal_the_whole(
    trades: list[ev.TradeExecuted], cuts: list[int]
) -> None:
    stored: dict[tuple[int, int, int], Candle] = {}
    bounds = sorted({0, len(trades), *(min(cut, len(trades)) for cut in cuts)})
    for start, end in itertools.pairwise(bounds):
        for key, candle in fold_trades(trades[start:end]).items():
            stored[key] = merge(stored[key], candle) if key in stored else candle

    assert stored == fold_trades(trades)


def listed(token: int, reference: int) -> ev.InstrumentListed:
    instrument = Instrument(
        token=token, exchange="NSE", tradingsymbol=f"S{token}", reference_price=reference
    )
    return ev.InstrumentListed(seq=0, command_seq=0, ts_ns=0, instrument=instrument)


@given(trade_sequences(), st.integers(1, 100).map(lambda n: n * 10_00))
def test_quote_fields_equal_a_recomputation_from_the_trades(
    trades: list[ev.TradeExecuted], reference: int
) -> None:
    board = QuoteBoard()
    board.apply([listed(token, reference) for token in TOKENS])
    board.apply(list(trades))

    for token in TOKENS:
        mine = [t for t in trades if t.token == token]
        quote = board.quote(token)
        assert quote is not None
        if not mine:
            assert (quote.last_price, quote.volume, quote.close) == (reference, 0, reference)
            continue
        days = [(t.ts_ns // 10**9 + 19_800) // 86_400 for t in mine]
        today = [t for t, day in zip(mine, days, strict=True) if day == days[-1]]
        before = [t for t, day in zip(mine, days, strict=True) if day < days[-1]]
        volume = sum(t.quantity for t in today)
        value = sum(t.price * t.quantity for t in today)
        assert quote.last_price == mine[-1].price
        assert quote.last_quantity == mine[-1].quantity
        assert quote.last_trade_ns == mine[-1].ts_ns
        assert (quote.volume, quote.traded_value) == (volume, value)
        assert quote.average_price == div_round_half_even(value, volume)
        assert quote.open == today[0].price
        assert quote.high == max(t.price for t in today)
        assert quote.low == min(t.price for t in today)
        assert quote.close == (before[-1].price if before else reference)
        assert quote.net_change == mine[-1].price - quote.close

"""Quote board: every listed instrument's level-1 state, a projection of the event stream.

Per instrument: last price, quantity and time, the day's volume, traded value (VWAP =
value / volume, rounded half to even at the edge), day open/high/low and the previous close.
The day is the IST date of the trade (``session.trading_day``); the first trade of a new day
makes the last price of the day before the previous close and starts a new open/high/low and
volume. Until an instrument first trades, its last price is its reference price (the
previous close the circuit band is built on), as in the core.

Indices are listed here too (not tradable) and moved by ``set_index_value``: their value
changes the last price and day range but never the volume.
"""

import msgspec

from bourse.domain import events as ev
from bourse.domain.instrument import Instrument
from bourse.domain.money import div_round_half_even
from bourse.domain.types import InstrumentToken, Paise, Quantity
from bourse.marketdata.session import trading_day


class QuoteView(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One instrument's level-1 state, in core units."""

    instrument: Instrument
    tradable: bool
    last_price: Paise
    last_quantity: Quantity
    last_trade_ns: int
    """0 until the first trade."""
    volume: Quantity
    """Shares traded this day."""
    traded_value: Paise
    """Sum of price x quantity of this day's trades."""
    open: Paise
    high: Paise
    low: Paise
    """This day's range (0 before the day's first trade)."""
    close: Paise
    """The previous close: the reference price, then the last price of the last traded day."""
    day: int
    """IST date (days since the epoch) the volume and range belong to."""
    updated_ns: int
    index: bool = False

    @property
    def token(self) -> InstrumentToken:
        return self.instrument.token

    @property
    def average_price(self) -> Paise:
        """VWAP of the day in paise, half to even; 0 before the first trade of the day."""
        return div_round_half_even(self.traded_value, self.volume) if self.volume else 0

    @property
    def net_change(self) -> Paise:
        return self.last_price - self.close

    @property
    def traded_today(self) -> bool:
        return self.open != 0


def new_quote(instrument: Instrument, ts_ns: int, *, index: bool = False) -> QuoteView:
    return QuoteView(
        instrument=instrument,
        tradable=not index,
        last_price=instrument.reference_price,
        last_quantity=0,
        last_trade_ns=0,
        volume=0,
        traded_value=0,
        open=0,
        high=0,
        low=0,
        close=instrument.reference_price,
        day=trading_day(ts_ns),
        updated_ns=ts_ns,
        index=index,
    )


def traded(quote: QuoteView, price: Paise, quantity: Quantity, ts_ns: int) -> QuoteView:
    """``quote`` after a trade (or an index value when ``quantity`` is 0) at ``ts_ns``."""
    day = trading_day(ts_ns)
    close = quote.close
    if day != quote.day:
        if quote.traded_today:
            close = quote.last_price
        volume, value, high, low, opened = 0, 0, price, price, price
    elif quote.traded_today:
        volume, value, opened = quote.volume, quote.traded_value, quote.open
        high, low = max(quote.high, price), min(quote.low, price)
    else:
        volume, value, high, low, opened = quote.volume, quote.traded_value, price, price, price
    return msgspec.structs.replace(
        quote,
        last_price=price,
        last_quantity=quantity if quantity else quote.last_quantity,
        last_trade_ns=ts_ns if quantity else quote.last_trade_ns,
        volume=volume + quantity,
        traded_value=value + price * quantity,
        open=opened,
        high=high,
        low=low,
        close=close,
        day=day,
        updated_ns=ts_ns,
    )


class QuoteBoard:
    """Listed instruments and their quotes. Not thread-safe: one thread applies and reads."""

    def __init__(self) -> None:
        self._quotes: dict[InstrumentToken, QuoteView] = {}
        self._by_symbol: dict[tuple[str, str], InstrumentToken] = {}

    def instruments(self) -> list[Instrument]:
        """Every listed instrument (indices excluded), in listing order."""
        return [quote.instrument for quote in self._quotes.values() if not quote.index]

    def quotes(self) -> list[QuoteView]:
        """Every quote, indices included, in listing order."""
        return list(self._quotes.values())

    def quote(self, token: InstrumentToken) -> QuoteView | None:
        return self._quotes.get(token)

    def token_of(self, exchange: str, tradingsymbol: str) -> InstrumentToken | None:
        return self._by_symbol.get((exchange, tradingsymbol))

    def list_instrument(self, instrument: Instrument, ts_ns: int, *, index: bool = False) -> None:
        self._quotes[instrument.token] = new_quote(instrument, ts_ns, index=index)
        self._by_symbol[(instrument.exchange, instrument.tradingsymbol)] = instrument.token

    def set_index_value(self, token: InstrumentToken, value: Paise, close: Paise, ts: int) -> None:
        quote = self._quotes.get(token)
        if quote is not None and (value != quote.last_price or close != quote.close):
            moved = traded(quote, value, 0, ts) if value != quote.last_price else quote
            self._quotes[token] = msgspec.structs.replace(moved, close=close, updated_ns=ts)

    def apply(self, events: list[ev.Event]) -> set[InstrumentToken]:
        """Apply events in stream order; return the instruments whose market data changed
        (trades, book levels, halts)."""
        changed: set[InstrumentToken] = set()
        quotes = self._quotes
        for event in events:
            kind = type(event)
            if kind is ev.BookChanged:
                changed.add(event.token)  # type: ignore[attr-defined]
            elif kind is ev.TradeExecuted:
                trade: ev.TradeExecuted = event  # type: ignore[assignment]
                quote = quotes.get(trade.token)
                if quote is not None:
                    quotes[trade.token] = traded(quote, trade.price, trade.quantity, trade.ts_ns)
                changed.add(trade.token)
            elif kind is ev.InstrumentListed:
                self.list_instrument(event.instrument, event.ts_ns)  # type: ignore[attr-defined]
                changed.add(event.instrument.token)  # type: ignore[attr-defined]
            elif kind is ev.InstrumentHalted or kind is ev.InstrumentResumed:
                token = event.token  # type: ignore[attr-defined]
                found = quotes.get(token)
                if found is not None:
                    quotes[token] = msgspec.structs.replace(
                        found, tradable=kind is ev.InstrumentResumed, updated_ns=event.ts_ns
                    )
                    changed.add(token)
        return changed

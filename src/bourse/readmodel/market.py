"""Quote board: the listed instruments and each one's last trade, volume and day OHLC.

A projection of the durable event stream (instrument listings, halts, trades). Order-book
depth is not kept here: it is read from the core, which owns the books. Until an instrument
first trades, its last price is the reference price (the previous close), as in the core.
The day's open/high/low span everything since the platform's journal began (sessions arrive
with the market data issue).
"""

import msgspec

from bourse.domain import events as ev
from bourse.domain.instrument import Instrument
from bourse.domain.types import InstrumentToken, Paise, Quantity


class QuoteView(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One instrument's level-1 state, in core units."""

    instrument: Instrument
    tradable: bool
    last_price: Paise
    last_quantity: Quantity
    last_trade_ns: int
    """0 until the first trade."""
    volume: Quantity
    traded_value: Paise
    open: Paise
    high: Paise
    low: Paise
    close: Paise
    """The previous close (the instrument's reference price)."""
    updated_ns: int

    @property
    def token(self) -> InstrumentToken:
        return self.instrument.token


class QuoteBoard:
    """Listed instruments and their quotes. Not thread-safe: one thread applies and reads."""

    def __init__(self) -> None:
        self._quotes: dict[InstrumentToken, QuoteView] = {}
        self._by_symbol: dict[tuple[str, str], InstrumentToken] = {}

    def instruments(self) -> list[Instrument]:
        """Every listed instrument, in listing order."""
        return [quote.instrument for quote in self._quotes.values()]

    def quote(self, token: InstrumentToken) -> QuoteView | None:
        return self._quotes.get(token)

    def token_of(self, exchange: str, tradingsymbol: str) -> InstrumentToken | None:
        return self._by_symbol.get((exchange, tradingsymbol))

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
                self._trade(event)  # type: ignore[arg-type]
                changed.add(event.token)  # type: ignore[attr-defined]
            elif kind is ev.InstrumentListed:
                instrument: Instrument = event.instrument  # type: ignore[attr-defined]
                quotes[instrument.token] = QuoteView(
                    instrument=instrument,
                    tradable=True,
                    last_price=instrument.reference_price,
                    last_quantity=0,
                    last_trade_ns=0,
                    volume=0,
                    traded_value=0,
                    open=0,
                    high=0,
                    low=0,
                    close=instrument.reference_price,
                    updated_ns=event.ts_ns,
                )
                self._by_symbol[(instrument.exchange, instrument.tradingsymbol)] = instrument.token
            elif kind is ev.InstrumentHalted or kind is ev.InstrumentResumed:
                token = event.token  # type: ignore[attr-defined]
                quote = quotes.get(token)
                if quote is not None:
                    quotes[token] = msgspec.structs.replace(
                        quote, tradable=kind is ev.InstrumentResumed, updated_ns=event.ts_ns
                    )
                    changed.add(token)
        return changed

    def _trade(self, e: ev.TradeExecuted) -> None:
        quote = self._quotes.get(e.token)
        if quote is None:
            return
        price = e.price
        first = quote.last_trade_ns == 0
        self._quotes[e.token] = msgspec.structs.replace(
            quote,
            last_price=price,
            last_quantity=e.quantity,
            last_trade_ns=e.ts_ns,
            volume=quote.volume + e.quantity,
            traded_value=quote.traded_value + price * e.quantity,
            open=price if first else quote.open,
            high=price if first or price > quote.high else quote.high,
            low=price if first or price < quote.low else quote.low,
            updated_ns=e.ts_ns,
        )

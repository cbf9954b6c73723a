"""Wire types of market data: instruments, quotes (Kite's /quote, /quote/ltp, /quote/ohlc),
depth, and the WebSocket ticks in the three Kite ticker modes (ltp, quote, full)."""

from datetime import datetime
from decimal import Decimal

import msgspec

from bourse.api.wire_values import optional_timestamp, rupees, timestamp
from bourse.domain.instrument import Instrument
from bourse.domain.money import div_round_half_even
from bourse.marketdata.depth import DepthView, Level
from bourse.marketdata.quotes import QuoteView


class InstrumentInfo(msgspec.Struct, frozen=True, kw_only=True):
    instrument_token: int
    exchange: str
    tradingsymbol: str
    name: str
    isin: str
    tick_size: Decimal
    lot_size: int
    freeze_quantity: int
    close_price: Decimal
    """Previous close: the reference price of the circuit band."""
    lower_circuit_limit: Decimal
    upper_circuit_limit: Decimal
    last_price: Decimal
    tradable: bool


class Ohlc(msgspec.Struct, frozen=True):
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


class DepthLevel(msgspec.Struct, frozen=True):
    price: Decimal
    quantity: int
    orders: int


class Depth(msgspec.Struct, frozen=True):
    buy: list[DepthLevel]
    sell: list[DepthLevel]


class LtpQuote(msgspec.Struct, frozen=True):
    instrument_token: int
    last_price: Decimal


class OhlcQuote(msgspec.Struct, frozen=True):
    instrument_token: int
    last_price: Decimal
    ohlc: Ohlc


class Quote(msgspec.Struct, frozen=True, kw_only=True):
    instrument_token: int
    timestamp: datetime
    last_trade_time: datetime | None
    last_price: Decimal
    last_quantity: int
    buy_quantity: int
    """Total quantity visible on the bid side."""
    sell_quantity: int
    volume: int
    average_price: Decimal
    net_change: Decimal
    lower_circuit_limit: Decimal
    upper_circuit_limit: Decimal
    tradable: bool
    ohlc: Ohlc
    depth: Depth


class BookDepth(msgspec.Struct, frozen=True, kw_only=True):
    instrument_token: int
    total_buy_quantity: int
    total_sell_quantity: int
    depth: Depth


class LtpTick(msgspec.Struct, frozen=True, kw_only=True):
    mode: str
    instrument_token: int
    tradable: bool
    last_price: Decimal


class QuoteTick(LtpTick, frozen=True, kw_only=True):
    last_traded_quantity: int
    average_traded_price: Decimal
    volume_traded: int
    total_buy_quantity: int
    total_sell_quantity: int
    ohlc: Ohlc
    change: Decimal
    """Percent change of the last price from the previous close."""


class FullTick(QuoteTick, frozen=True, kw_only=True):
    last_trade_time: datetime | None
    exchange_timestamp: datetime
    depth: Depth


def instrument_info(instrument: Instrument, quote: QuoteView | None) -> InstrumentInfo:
    return InstrumentInfo(
        instrument_token=instrument.token,
        exchange=instrument.exchange,
        tradingsymbol=instrument.tradingsymbol,
        name=instrument.name,
        isin=instrument.isin,
        tick_size=rupees(instrument.tick_size),
        lot_size=instrument.lot_size,
        freeze_quantity=instrument.freeze_quantity,
        close_price=rupees(instrument.reference_price),
        lower_circuit_limit=rupees(instrument.lower_circuit),
        upper_circuit_limit=rupees(instrument.upper_circuit),
        last_price=rupees(quote.last_price if quote else instrument.reference_price),
        tradable=quote.tradable if quote else True,
    )


def ohlc(quote: QuoteView) -> Ohlc:
    if not quote.traded_today:  # no trade yet this day: everything is the previous close
        same = rupees(quote.close)
        return Ohlc(same, same, same, same)
    return Ohlc(rupees(quote.open), rupees(quote.high), rupees(quote.low), rupees(quote.close))


def average_price(quote: QuoteView) -> Decimal:
    return rupees(quote.average_price)


def change_percent(quote: QuoteView) -> Decimal:
    basis_points = div_round_half_even((quote.last_price - quote.close) * 10_000, quote.close)
    return Decimal(basis_points).scaleb(-2)


def depth(snapshot: DepthView | None) -> Depth:
    if snapshot is None:
        return Depth([], [])
    return Depth(_levels(snapshot.bids), _levels(snapshot.asks))


def _levels(levels: list[Level]) -> list[DepthLevel]:
    return [DepthLevel(rupees(price), quantity, orders) for price, quantity, orders in levels]


def full_quote(quote: QuoteView, book: DepthView | None) -> Quote:
    instrument = quote.instrument
    return Quote(
        instrument_token=instrument.token,
        timestamp=timestamp(quote.updated_ns),
        last_trade_time=optional_timestamp(quote.last_trade_ns),
        last_price=rupees(quote.last_price),
        last_quantity=quote.last_quantity,
        buy_quantity=book.total_buy_quantity if book else 0,
        sell_quantity=book.total_sell_quantity if book else 0,
        volume=quote.volume,
        average_price=average_price(quote),
        net_change=rupees(quote.last_price - quote.close),
        lower_circuit_limit=rupees(instrument.lower_circuit),
        upper_circuit_limit=rupees(instrument.upper_circuit),
        tradable=quote.tradable,
        ohlc=ohlc(quote),
        depth=depth(book),
    )


def tick(mode: str, quote: QuoteView, book: DepthView | None) -> LtpTick:
    """The WebSocket tick of ``quote`` in ``mode`` (``book`` is needed for quote and full)."""
    token = quote.instrument.token
    last = rupees(quote.last_price)
    if mode == "ltp":
        return LtpTick(mode=mode, instrument_token=token, tradable=quote.tradable, last_price=last)
    common = {
        "mode": mode,
        "instrument_token": token,
        "tradable": quote.tradable,
        "last_price": last,
        "last_traded_quantity": quote.last_quantity,
        "average_traded_price": average_price(quote),
        "volume_traded": quote.volume,
        "total_buy_quantity": book.total_buy_quantity if book else 0,
        "total_sell_quantity": book.total_sell_quantity if book else 0,
        "ohlc": ohlc(quote),
        "change": change_percent(quote),
    }
    if mode == "quote":
        return QuoteTick(**common)  # type: ignore[arg-type]
    return FullTick(
        **common,  # type: ignore[arg-type]
        last_trade_time=optional_timestamp(quote.last_trade_ns),
        exchange_timestamp=timestamp(quote.updated_ns),
        depth=depth(book),
    )

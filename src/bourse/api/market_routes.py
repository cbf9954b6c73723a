"""Instruments and quotes: Kite's /quote, /quote/ltp and /quote/ohlc, and order-book depth.

Instruments are named in ``i`` parameters as Kite does (``NSE:INFY``) or by instrument token
(``408065``); results are keyed by the name as given, and unknown instruments are left out.
Everything comes from the market-data projection (``bourse.marketdata``): quotes, and depth
from its mirror of the books (kept from ``BookChanged`` events, so no trip to the core thread).
"""

import re
from typing import Annotated

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.envelope import success
from bourse.api.errors import input_error, not_found
from bourse.api.gateway import Gateway
from bourse.api.market_schemas import (
    BookDepth,
    InstrumentInfo,
    LtpQuote,
    OhlcQuote,
    Quote,
    depth,
    full_quote,
    instrument_info,
    ohlc,
)
from bourse.api.operations import Operation, Parameter
from bourse.api.trading_services import TradingServices, trading_services
from bourse.api.wire_values import rupees
from bourse.domain.types import InstrumentToken
from bourse.marketdata.depth import MAX_DEPTH_LEVELS
from bourse.marketdata.quotes import QuoteView

MAX_INSTRUMENTS_PER_QUOTE = 500
INSTRUMENT_NAME = r"^([^:]+:.+|[0-9]{1,18})$"
MAX_NAME_LENGTH = 64
_instrument_name = re.compile(INSTRUMENT_NAME)
INSTRUMENTS = Parameter(
    "i",
    "query",
    Annotated[
        list[Annotated[str, msgspec.Meta(pattern=INSTRUMENT_NAME, max_length=MAX_NAME_LENGTH)]],
        msgspec.Meta(min_length=1, max_length=MAX_INSTRUMENTS_PER_QUOTE),
    ],
    description="instruments, repeated: EXCHANGE:TRADINGSYMBOL or an instrument token",
)
ERRORS = (400, 401, 429)


class MarketDesk:
    def __init__(self, gateway: Gateway, services: TradingServices) -> None:
        self.gateway = gateway
        self.board = services.models.market

    def _requested(self, request: Request) -> dict[str, QuoteView]:
        names = request.query_params.getlist("i")
        if not names:
            raise input_error("name at least one instrument with the i parameter")
        if len(names) > MAX_INSTRUMENTS_PER_QUOTE:
            raise input_error(
                f"{len(names)} instruments asked for; at most {MAX_INSTRUMENTS_PER_QUOTE}"
            )
        found: dict[str, QuoteView] = {}
        for name in names:
            token = self._token(name)
            quote = None if token is None else self.board.quote(token)
            if quote is not None:
                found[name] = quote
        return found

    def _token(self, name: str) -> InstrumentToken | None:
        if len(name) > MAX_NAME_LENGTH:
            raise input_error(
                f"instrument name {name[:20]!r}... is over {MAX_NAME_LENGTH} characters"
            )
        if not _instrument_name.fullmatch(name):
            raise input_error(f"instrument {name!r} is neither EXCHANGE:TRADINGSYMBOL nor a token")
        exchange, colon, symbol = name.partition(":")
        if colon:
            return self.board.token_of(exchange, symbol)
        return int(name)

    async def instruments(self, request: Request) -> Response:
        await self.gateway.caller(request)
        exchange = request.query_params.get("exchange")
        listed = [
            instrument_info(instrument, self.board.quote(instrument.token))
            for instrument in self.board.instruments()
            if exchange is None or instrument.exchange == exchange
        ]
        return success(listed)

    async def instrument(self, request: Request) -> Response:
        await self.gateway.caller(request)
        exchange = request.path_params["exchange"]
        symbol = request.path_params["tradingsymbol"]
        token = self.board.token_of(exchange, symbol)
        quote = None if token is None else self.board.quote(token)
        if quote is None:
            raise not_found(f"instrument {exchange}:{symbol}")
        return success(instrument_info(quote.instrument, quote))

    async def ltp(self, request: Request) -> Response:
        await self.gateway.caller(request)
        found = self._requested(request)
        return success({name: LtpQuote(q.token, rupees(q.last_price)) for name, q in found.items()})

    async def ohlc(self, request: Request) -> Response:
        await self.gateway.caller(request)
        found = self._requested(request)
        return success(
            {name: OhlcQuote(q.token, rupees(q.last_price), ohlc(q)) for name, q in found.items()}
        )

    async def quote(self, request: Request) -> Response:
        await self.gateway.caller(request)
        found = self._requested(request)
        board = self.board
        return success({name: full_quote(q, board.depth(q.token, 5)) for name, q in found.items()})

    async def depth(self, request: Request) -> Response:
        await self.gateway.caller(request)
        found = self._requested(request)
        raw = request.query_params.get("levels", "5")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_DEPTH_LEVELS:
            raise input_error(f"levels {raw!r} must be a number from 1 to {MAX_DEPTH_LEVELS}")
        result: dict[str, BookDepth] = {}
        for name, q in found.items():
            book = self.board.depth(q.token, int(raw))
            result[name] = BookDepth(
                instrument_token=q.token,
                total_buy_quantity=book.total_buy_quantity,
                total_sell_quantity=book.total_sell_quantity,
                depth=depth(book),
            )
        return success(result)


def operations(gateway: Gateway) -> list[Operation]:
    desk = MarketDesk(gateway, trading_services(gateway))
    tag = "market"
    levels = Parameter(
        "levels",
        "query",
        Annotated[int, msgspec.Meta(ge=1, le=MAX_DEPTH_LEVELS)],
        required=False,
        description=f"price levels per side, 1 to {MAX_DEPTH_LEVELS} (default 5)",
    )
    exchange = Parameter(
        "exchange",
        "query",
        str,
        required=False,
        description="only instruments of this exchange (NSE, BSE)",
    )
    keyed = dict[str, LtpQuote]
    return [
        Operation(
            "GET",
            "/api/v1/instruments",
            desk.instruments,
            tag=tag,
            summary="Every listed instrument with its band, tick, lot and last price",
            response=list[InstrumentInfo],
            parameters=(exchange,),
            errors=(401, 429),
        ),
        Operation(
            "GET",
            "/api/v1/instruments/{exchange}/{tradingsymbol}",
            desk.instrument,
            tag=tag,
            summary="One instrument",
            response=InstrumentInfo,
            parameters=(
                Parameter("exchange", "path", str),
                Parameter("tradingsymbol", "path", str),
            ),
            errors=(401, 404, 429),
        ),
        Operation(
            "GET",
            "/api/v1/quote",
            desk.quote,
            tag=tag,
            summary="Full quotes: last trade, volume, OHLC, circuit limits, depth (5)",
            response=dict[str, Quote],
            parameters=(INSTRUMENTS,),
            errors=ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/quote/ltp",
            desk.ltp,
            tag=tag,
            summary="Last traded prices",
            response=keyed,
            parameters=(INSTRUMENTS,),
            errors=ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/quote/ohlc",
            desk.ohlc,
            tag=tag,
            summary="Last traded prices and day OHLC",
            response=dict[str, OhlcQuote],
            parameters=(INSTRUMENTS,),
            errors=ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/quote/depth",
            desk.depth,
            tag=tag,
            summary="Order-book depth, up to 20 levels per side",
            response=dict[str, BookDepth],
            parameters=(INSTRUMENTS, levels),
            errors=ERRORS,
        ),
    ]

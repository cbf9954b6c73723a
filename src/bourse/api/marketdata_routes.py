"""Market-data routes beside the quotes: search, the instrument master as CSV, candles.

* ``GET /api/v1/instruments/search?q=&limit=``: prefix and fuzzy matches over symbol, name and
  ISIN (``bourse.marketdata.search``), best first.
* ``GET /api/v1/instruments/master`` (``?exchange=``): every instrument, indices included, as
  CSV with the columns of Kite's instruments dump. Not in the OpenAPI document (it describes
  JSON envelopes only).
* ``GET /api/v1/instruments/{token}/candles?interval=&from=&to=``: candles from SQL (the candle
  projection), Kite's historical-data shape: ``{"candles": [[time, o, h, l, c, volume]]}``,
  times in IST. ``from``/``to`` are dates or IST date-times (``2026-03-02``,
  ``2026-03-02 09:15:00``) or ISO 8601 with an offset; both ends inclusive.

Every refusal is a 400 envelope whose ``data.reason`` names the rule.
"""

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.envelope import success
from bourse.api.errors import ApiError, not_found
from bourse.api.gateway import Gateway
from bourse.api.market_schemas import InstrumentInfo, instrument_info
from bourse.api.operations import Operation, Parameter
from bourse.api.trading_services import trading_services
from bourse.api.wire_values import rupees
from bourse.domain.instrument import Segment, split_instrument_token
from bourse.marketdata.candle_projection import MAX_CANDLES_PER_QUERY, CandleReader
from bourse.marketdata.search import DEFAULT_LIMIT, MAX_LIMIT
from bourse.marketdata.session import INTERVALS, NS_PER_MINUTE

CANDLE_SERVICE = "marketdata.candles"
IST = timezone(timedelta(hours=5, minutes=30), "IST")
MASTER_COLUMNS = (
    "instrument_token", "exchange_token", "tradingsymbol", "name", "last_price", "expiry",
    "strike", "tick_size", "lot_size", "instrument_type", "segment", "exchange",
)  # fmt: skip
TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:?[0-9]{2}|Z)?)?$"
)
Interval = Literal[
    "minute", "3minute", "5minute", "10minute", "15minute", "30minute", "60minute", "day"
]
ERRORS = (400, 401, 429)


class Candles(msgspec.Struct, frozen=True):
    candles: list[tuple[datetime, Decimal, Decimal, Decimal, Decimal, int]]
    """[time (bucket start, IST), open, high, low, close, volume], oldest first."""


def refused(reason: str, message: str) -> ApiError:
    return ApiError(400, "InputException", message, {"reason": reason})


def parse_time(name: str, raw: str | None) -> int:
    """Nanoseconds UTC of a ``from``/``to`` value; naive values are IST."""
    if raw is None:
        raise refused("MISSING_PARAMETER", f"{name} is required (a date or an IST date-time)")
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise refused("BAD_TIME", f"{name} {raw!r} is not a date or date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1000


class MarketDataDesk:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.models = trading_services(gateway).models
        self.market = self.models.market

    def _candle_reader(self) -> CandleReader:
        reader = self.gateway.services.get(CANDLE_SERVICE)
        if not isinstance(reader, CandleReader):
            raise ApiError(503, "GeneralException", "candles are not available (no SQL store)")
        return reader

    async def search(self, request: Request) -> Response:
        await self.gateway.caller(request)
        query = request.query_params.get("q", "")
        if not query.strip() or len(query) > 64:
            raise refused("BAD_QUERY", f"q {query[:70]!r} must have 1 to 64 characters")
        raw = request.query_params.get("limit", str(DEFAULT_LIMIT))
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            raise refused("BAD_LIMIT", f"limit {raw[:20]!r} must be a number from 1 to {MAX_LIMIT}")
        found = self.market.search(query, int(raw))
        return success([instrument_info(i, self.market.quote(i.token)) for i in found])

    async def master(self, request: Request) -> Response:
        await self.gateway.caller(request)
        exchange = request.query_params.get("exchange")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MASTER_COLUMNS)
        for quote in self.market.board.quotes():
            i = quote.instrument
            if exchange is not None and i.exchange != exchange:
                continue
            exchange_token, segment = split_instrument_token(i.token)
            writer.writerow(
                (
                    i.token, exchange_token, i.tradingsymbol, i.name, rupees(quote.last_price),
                    "", 0, rupees(i.tick_size), i.lot_size, "EQ",
                    segment.name if segment is not Segment.INDICES else "INDICES", i.exchange,
                )
            )  # fmt: skip
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8")

    async def candles(self, request: Request) -> Response:
        await self.gateway.caller(request)
        raw_token = request.path_params["token"]
        if not raw_token.isdigit() or len(raw_token) > 18:
            raise refused("BAD_TOKEN", f"instrument token {raw_token[:20]!r} is not a number")
        token = int(raw_token)
        if self.market.quote(token) is None:
            raise not_found(f"instrument {token}")
        interval = request.query_params.get("interval", "")
        minutes = INTERVALS.get(interval)
        if minutes is None:
            raise refused(
                "BAD_INTERVAL", f"interval {interval[:20]!r} is not one of {', '.join(INTERVALS)}"
            )
        from_ns = parse_time("from", request.query_params.get("from"))
        to_ns = parse_time("to", request.query_params.get("to"))
        if from_ns > to_ns:
            raise refused("BAD_RANGE", "from is after to")
        if (to_ns - from_ns) // (minutes * NS_PER_MINUTE) > MAX_CANDLES_PER_QUERY:
            raise refused(
                "RANGE_TOO_LONG",
                f"from..to spans more than {MAX_CANDLES_PER_QUERY} {interval} candles; "
                "ask for a shorter range or a longer interval",
            )
        seen = self.models.orders.last_seq
        found = await asyncio.to_thread(
            self._candle_reader().read, token, minutes, from_ns, to_ns, seen
        )
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        rows = [
            (
                (epoch + timedelta(microseconds=c.start_ns // 1000)).astimezone(IST),
                rupees(c.open), rupees(c.high), rupees(c.low), rupees(c.close), c.volume,
            )
            for c in found
        ]  # fmt: skip
        return success(Candles(rows))


def operations(gateway: Gateway) -> list[Operation]:
    desk = MarketDataDesk(gateway)
    tag = "market"
    when = Annotated[str, msgspec.Meta(pattern=TIME_PATTERN)]
    return [
        Operation(
            "GET",
            "/api/v1/instruments/search",
            desk.search,
            tag=tag,
            summary="Instruments by symbol, name or ISIN: prefix matches first, then fuzzy",
            response=list[InstrumentInfo],
            parameters=(
                Parameter(
                    "q",
                    "query",
                    Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"\S")],
                ),
                Parameter(
                    "limit",
                    "query",
                    Annotated[int, msgspec.Meta(ge=1, le=MAX_LIMIT)],
                    required=False,
                    description=f"at most this many (default {DEFAULT_LIMIT})",
                ),
            ),
            errors=ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/instruments/master",
            desk.master,
            tag=tag,
            summary="The instrument master as CSV (Kite's instruments dump columns)",
            include_in_schema=False,
        ),
        Operation(
            "GET",
            "/api/v1/instruments/{token}/candles",
            desk.candles,
            tag=tag,
            summary="Candles (OHLC, volume) of one instrument in a time range",
            response=Candles,
            parameters=(
                Parameter("token", "path", Annotated[int, msgspec.Meta(ge=0, le=10**18)]),
                Parameter("interval", "query", Interval),
                Parameter("from", "query", when, description="date or IST date-time, inclusive"),
                Parameter("to", "query", when, description="date or IST date-time, inclusive"),
            ),
            errors=(400, 401, 404, 429),
        ),
    ]

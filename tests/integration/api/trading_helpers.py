"""Driving the trading routes over HTTP in tests: a venue with listed instruments, traders.

Instruments are listed through the journal (no route lists instruments yet: that is the
exchange operator's job, which comes with the admin issue); everything a trader does goes
through the public API.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import msgspec
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import (
    FAST_HASHING,
    GENEROUS,
    Account,
    data,
    new_account,
    running_platform,
)

from bourse.domain.commands import ListInstrument
from bourse.domain.instrument import Instrument, Segment, make_instrument_token

INFY = Instrument(
    token=make_instrument_token(1, Segment.NSE),
    exchange="NSE",
    tradingsymbol="INFY",
    name="INFOSYS",
    isin="INE009A01021",
    reference_price=1500_00,
)
TCS = Instrument(
    token=make_instrument_token(2, Segment.NSE),
    exchange="NSE",
    tradingsymbol="TCS",
    name="TATA CONSULTANCY SERVICES",
    reference_price=3400_00,
)
INSTRUMENTS = (INFY, TCS)
STARTING_CASH = Decimal("1000000")


def list_instruments(served: Served, instruments: tuple[Instrument, ...] = INSTRUMENTS) -> None:
    commands = [ListInstrument(instrument=instrument) for instrument in instruments]
    served.platform.trading.submit_many(commands).result(timeout=10)


@contextmanager
def open_venue(
    data_dir: Path, database_url: str, *, listed: bool = False, **overrides: object
) -> Iterator[Served]:
    """A served platform with fast password hashing and INFY and TCS listed (unless
    ``listed``: a restart on a data directory that has them already)."""
    settings: dict[str, object] = {"password_hashing": FAST_HASHING, "rate_limits": GENEROUS}
    settings.update(overrides)
    with running_platform(data_dir, database_url, **settings) as served:
        if not listed:
            list_instruments(served)
        yield served


def order(
    side: str = "BUY",
    quantity: int = 10,
    price: str | None = "1500",
    *,
    order_type: str = "LIMIT",
    product: str = "CNC",
    symbol: str = "INFY",
    **extra: Any,
) -> dict[str, Any]:
    """An order body naming the instrument as Kite does; ``price`` None leaves it out."""
    body: dict[str, Any] = {
        "exchange": "NSE",
        "tradingsymbol": symbol,
        "transaction_type": side,
        "order_type": order_type,
        "product": product,
        "quantity": quantity,
    }
    if price is not None:
        body["price"] = Decimal(price)
    body.update(extra)
    return body


_encoder = msgspec.json.Encoder(decimal_format="number")


def _json(body: object) -> bytes:
    """JSON with Decimal prices written as exact numbers (as a trading client would)."""
    return _encoder.encode(body)


@dataclass
class Trader:
    http: httpx.Client
    account: Account

    @property
    def headers(self) -> dict[str, str]:
        return self.account.headers

    @property
    def account_id(self) -> int:
        return self.account.user_id

    def send(
        self, method: str, path: str, body: object = None, key: str | None = None
    ) -> httpx.Response:
        headers = dict(self.headers)
        content = None
        if body is not None:
            content = _json(body)
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.http.request(method, path, content=content, headers=headers)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers)

    def place(self, body: dict[str, Any], variety: str = "regular", key: str | None = None) -> str:
        placed = data(self.send("POST", f"/api/v1/orders/{variety}", body, key))
        assert isinstance(placed, dict)
        return str(placed["order_id"])

    def deposit(self, amount: Decimal = STARTING_CASH) -> dict[str, Any]:
        funds = data(self.send("POST", "/api/v1/funds/deposit", {"amount": amount}))
        assert isinstance(funds, dict)
        return funds

    def orders(self) -> list[dict[str, Any]]:
        listed = data(self.get("/api/v1/orders"))
        assert isinstance(listed, list)
        return listed

    def current(self, order_id: str) -> dict[str, Any]:
        history = data(self.get(f"/api/v1/orders/{order_id}"))
        assert isinstance(history, list)
        latest: dict[str, Any] = history[-1]
        return latest

    def funds(self) -> dict[str, Any]:
        funds = data(self.get("/api/v1/funds"))
        assert isinstance(funds, dict)
        return funds


def new_trader(http: httpx.Client, cash: Decimal | None = STARTING_CASH) -> Trader:
    trader = Trader(http, new_account(http))
    if cash is not None:
        trader.deposit(cash)
    return trader

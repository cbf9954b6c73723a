"""Instruments, quotes, LTP, OHLC and depth over real HTTP, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error, data
from tests.integration.api.trading_helpers import INFY, TCS, Trader, new_trader, open_venue, order


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


@pytest.fixture
def http(venue: Served) -> Iterator[httpx.Client]:
    with venue.client() as client:
        yield client


@pytest.fixture
def trader(http: httpx.Client) -> Trader:
    return new_trader(http)


def got(response: httpx.Response) -> dict[str, Any]:
    found = data(response)
    assert isinstance(found, dict)
    return found


def trade_at(http: httpx.Client, *prices_and_quantities: tuple[str, int]) -> None:
    buyer, seller = new_trader(http), new_trader(http)
    for price, quantity in prices_and_quantities:
        seller.place(order("SELL", quantity, price, product="MIS"))
        buyer.place(order("BUY", quantity, price))


def test_instruments_are_listed_with_their_band(trader: Trader) -> None:
    listed = data(trader.get("/api/v1/instruments"))
    assert isinstance(listed, list)
    assert [i["tradingsymbol"] for i in listed] == ["INFY", "TCS"]
    infy = listed[0]
    assert infy["instrument_token"] == INFY.token
    assert infy["tick_size"] == 0.05
    assert infy["close_price"] == 1500
    assert infy["lower_circuit_limit"] == 1200
    assert infy["upper_circuit_limit"] == 1800
    assert infy["tradable"] is True
    assert got(trader.get("/api/v1/instruments/NSE/TCS"))["instrument_token"] == TCS.token
    assert data(trader.get("/api/v1/instruments", exchange="BSE")) == []


def test_unknown_instrument_page_is_404(trader: Trader) -> None:
    assert_error(trader.get("/api/v1/instruments/NSE/NOPE"), 404, "DataException")


def test_ltp_before_any_trade_is_the_previous_close(trader: Trader) -> None:
    ltp = got(trader.get("/api/v1/quote/ltp", i=["NSE:INFY", str(TCS.token), "NSE:NOPE"]))

    assert ltp == {
        "NSE:INFY": {"instrument_token": INFY.token, "last_price": 1500},
        str(TCS.token): {"instrument_token": TCS.token, "last_price": 3400},
    }


def test_ohlc_and_quote_follow_the_trades(http: httpx.Client, trader: Trader) -> None:
    trade_at(http, ("1500", 5), ("1510", 3), ("1495", 2))
    trader.place(order("BUY", 7, "1490"))

    ohlc = got(trader.get("/api/v1/quote/ohlc", i="NSE:INFY"))["NSE:INFY"]
    assert ohlc["last_price"] == 1495
    assert ohlc["ohlc"] == {"open": 1500, "high": 1510, "low": 1495, "close": 1500}
    quote = got(trader.get("/api/v1/quote", i="NSE:INFY"))["NSE:INFY"]
    assert quote["volume"] == 10
    assert quote["last_quantity"] == 2
    assert quote["average_price"] == 1502  # (7500 + 4530 + 2990) / 10
    assert quote["net_change"] == -5
    assert quote["buy_quantity"] == 7
    assert quote["depth"]["buy"] == [{"price": 1490, "quantity": 7, "orders": 1}]
    assert quote["depth"]["sell"] == []
    assert quote["last_trade_time"] is not None


def test_depth_shows_up_to_the_levels_asked(trader: Trader) -> None:
    for step in range(8):
        trader.place(order("BUY", 1 + step, f"{1490 - step}"))

    depth = got(trader.get("/api/v1/quote/depth", i="NSE:INFY", levels=3))["NSE:INFY"]

    assert depth["total_buy_quantity"] == sum(range(1, 9))
    assert depth["total_sell_quantity"] == 0
    assert [level["price"] for level in depth["depth"]["buy"]] == [1490, 1489, 1488]


def test_malformed_instrument_names_are_400(trader: Trader) -> None:
    for name in ("INFY", ":INFY", "NSE:", "-5", "NSE:" + "X" * 61):
        assert_error(trader.get("/api/v1/quote/ltp", i=name), 400, "InputException")
    too_many = [str(INFY.token)] * 501
    assert_error(trader.get("/api/v1/quote/ltp", i=too_many), 400, "InputException")

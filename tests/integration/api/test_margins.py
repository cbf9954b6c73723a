"""Kite's order margin calculator over HTTP: what the core would block, and the charges."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error, data
from tests.integration.api.trading_helpers import Trader, new_trader, open_venue
from tests.integration.api.trading_helpers import order as an_order

PATH = "/api/v1/margins/orders"


@pytest.fixture
def venue(tmp_path: Path, sqlite_database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", sqlite_database_url) as served:
        yield served


@pytest.fixture
def trader(venue: Served) -> Iterator[Trader]:
    with venue.client() as http:
        yield new_trader(http)


def margins(trader: Trader, *orders: dict[str, Any]) -> list[dict[str, Any]]:
    answer = data(trader.send("POST", PATH, list(orders)))
    assert isinstance(answer, list)
    return answer


def test_limit_buy_margin_is_exactly_what_placing_it_blocks(trader: Trader) -> None:
    proposed = an_order("BUY", 10, "1500", variety="regular")

    [margin] = margins(trader, proposed)
    trader.place(an_order("BUY", 10, "1500"))

    charges = Decimal(str(margin["charges"]["total"]))
    assert margin["type"] == "equity" and margin["tradingsymbol"] == "INFY"
    assert Decimal(str(margin["var"])) == Decimal("15000")
    assert charges > 0
    assert Decimal(str(margin["total"])) == Decimal("15000") + charges
    assert Decimal(str(trader.funds()["blocked"])) == Decimal(str(margin["total"]))


def test_market_buy_margin_is_the_block_at_the_protection_cap(trader: Trader) -> None:
    [market] = margins(trader, an_order("BUY", 4, None, order_type="MARKET"))
    [at_cap] = margins(trader, an_order("BUY", 4, "1575"))

    # Blocked as a limit order at the cap (last price 1500 + 5 %), charged at the last price.
    assert Decimal(str(market["var"])) == 4 * Decimal("1575")
    assert market["total"] == at_cap["total"]
    assert Decimal(str(market["charges"]["total"])) < Decimal(str(at_cap["charges"]["total"]))


def test_intraday_margin_is_leveraged(trader: Trader) -> None:
    [delivery, intraday] = margins(
        trader, an_order("BUY", 10, "1500"), an_order("BUY", 10, "1500", product="MIS")
    )

    assert intraday["leverage"] > 1
    assert Decimal(str(intraday["var"])) < Decimal(str(delivery["var"]))
    assert intraday["charges"]["brokerage"] > 0  # MIS pays brokerage, CNC does not
    assert delivery["charges"]["brokerage"] == 0


def test_delivery_sell_blocks_no_cash_but_shows_its_charges(trader: Trader) -> None:
    [margin] = margins(trader, an_order("SELL", 10, "1500"))

    assert Decimal(str(margin["total"])) == 0
    assert Decimal(str(margin["charges"]["transaction_tax"])) == Decimal("15.00")  # STT 0.1 %


def test_unknown_instrument_is_refused_naming_it(trader: Trader) -> None:
    response = trader.send("POST", PATH, [an_order(symbol="NOPE")])

    body = assert_error(response, 400, "OrderException")
    assert "NSE:NOPE" in str(body["message"])
    assert body["data"] == {"reason": "UNKNOWN_INSTRUMENT"}


@pytest.mark.parametrize(
    ("body", "reason"),
    [([an_order(price=None)], "BAD_PRICE"), ([an_order(order_type="SL")], "MISSING_TRIGGER")],
    ids=["limit-without-price", "sl-without-trigger"],
)
def test_orders_missing_a_price_are_refused_as_the_core_would(
    trader: Trader, body: object, reason: str
) -> None:
    refused = assert_error(trader.send("POST", PATH, body), 400, "OrderException")

    assert refused["data"] == {"reason": reason}


@pytest.mark.parametrize("body", [[], {"a": 1}, [{"exchange": "NSE"}]])
def test_malformed_lists_are_a_422(trader: Trader, body: object) -> None:
    assert_error(trader.send("POST", PATH, body), 422, "InputException")


def test_margins_need_authentication(venue: Served) -> None:
    with venue.client() as http:
        response = http.post(PATH, json=[{"exchange": "NSE"}])

    assert_error(response, 401, "TokenException")


def test_margins_change_nothing(trader: Trader, venue: Served) -> None:
    before = venue.platform.trading.durable_seq

    margins(trader, an_order("BUY", 10, "1500"))

    assert venue.platform.trading.durable_seq == before
    assert trader.orders() == []


def test_margin_route_is_in_the_document(venue: Served) -> None:
    with httpx.Client(base_url=venue.base_url) as http:
        document = http.get("/api/v1/openapi.json").json()

    assert "post" in document["paths"][PATH]


def test_whole_number_written_with_a_fraction_is_an_integer_quantity(trader: Trader) -> None:
    body = (
        b'[{"exchange":"NSE","tradingsymbol":"INFY","transaction_type":"BUY",'
        b'"product":"CNC","order_type":"LIMIT","quantity":10.0,"price":1500}]'
    )
    headers = {**trader.headers, "Content-Type": "application/json"}

    answer = data(trader.http.post(PATH, content=body, headers=headers))

    assert isinstance(answer, list)
    assert answer[0]["var"] == 15000

"""Funds, positions and holdings over real HTTP, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error, data
from tests.integration.api.trading_helpers import (
    INFY,
    STARTING_CASH,
    Trader,
    new_trader,
    open_venue,
)
from tests.integration.api.trading_helpers import order as an_order

from bourse.domain.commands import DepositHoldings, SettleTrades


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


@pytest.fixture
def http(venue: Served) -> Iterator[httpx.Client]:
    with venue.client() as client:
        yield client


def rupees(value: object) -> Decimal:
    return Decimal(str(value))


def positions(trader: Trader) -> list[dict[str, Any]]:
    found = data(trader.get("/api/v1/portfolio/positions"))
    assert isinstance(found, dict)
    assert found["net"] == found["day"]
    net: list[dict[str, Any]] = found["net"]
    return net


def holdings(trader: Trader) -> list[dict[str, Any]]:
    found = data(trader.get("/api/v1/portfolio/holdings"))
    assert isinstance(found, list)
    return found


def test_deposit_shows_as_available_cash(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)

    funds = trader.deposit(Decimal("12345.67"))

    assert funds == {
        "available": 12345.67,
        "blocked": 0,
        "utilised": 0,
        "net": 12345.67,
        "unsettled": 0,
        "withdrawable": 12345.67,
    }
    assert trader.funds() == funds


def test_sale_proceeds_trade_at_once_and_withdraw_after_settlement(
    venue: Served, http: httpx.Client
) -> None:
    seller = new_trader(http)
    buyer = new_trader(http)
    venue.platform.trading.submit(
        DepositHoldings(account=seller.account_id, token=INFY.token, quantity=10)
    ).result(timeout=10)
    before = seller.funds()

    seller.place(an_order("SELL", 10, "1500"))
    buyer.place(an_order("BUY", 10, "1500"))
    sold = seller.funds()
    venue.platform.trading.submit(SettleTrades()).result(timeout=10)
    settled = seller.funds()

    proceeds = rupees(sold["available"]) - rupees(before["available"])
    assert Decimal("14900") < proceeds <= Decimal("15000")  # less the sale's charges
    assert rupees(sold["unsettled"]) == proceeds  # what the sale brought in, net of charges
    assert rupees(sold["withdrawable"]) == rupees(sold["available"]) - proceeds
    assert settled["available"] == sold["available"]
    assert settled["unsettled"] == 0
    assert settled["withdrawable"] == settled["available"]
    assert rupees(buyer.funds()["unsettled"]) == 0


def test_a_working_buy_blocks_cash_and_keeps_net(http: httpx.Client) -> None:
    trader = new_trader(http)

    trader.place(an_order("BUY", 10, "1500"))

    funds = trader.funds()
    assert rupees(funds["blocked"]) >= Decimal("15000")
    assert rupees(funds["available"]) + rupees(funds["blocked"]) == STARTING_CASH
    assert rupees(funds["net"]) == STARTING_CASH


def test_trades_make_positions_and_holdings(http: httpx.Client) -> None:
    buyer = new_trader(http)
    seller = new_trader(http)

    seller.place(an_order("SELL", 10, "1500", product="MIS"))
    buyer.place(an_order("BUY", 10, "1500"))

    [long] = positions(buyer)
    assert long["product"] == "CNC"
    assert long["quantity"] == 10
    assert long["average_price"] == 1500
    assert long["buy_quantity"] == 10
    assert long["buy_value"] == 15000
    [short] = positions(seller)
    assert short["product"] == "MIS"
    assert short["quantity"] == -10
    assert short["sell_price"] == 1500
    assert short["margin"] > 0
    assert seller.funds()["utilised"] == short["margin"]
    [holding] = holdings(buyer)
    assert holding["tradingsymbol"] == "INFY"
    assert holding["quantity"] == 10
    assert holding["average_price"] == 1500
    assert holdings(seller) == []


def test_closing_a_short_books_realised_pnl(http: httpx.Client) -> None:
    buyer = new_trader(http)
    seller = new_trader(http)
    seller.place(an_order("SELL", 10, "1500", product="MIS"))
    buyer.place(an_order("BUY", 10, "1500"))

    buyer.place(an_order("SELL", 10, "1510"))
    seller.place(an_order("BUY", 10, "1510", product="MIS"))

    [closed] = positions(seller)
    assert closed["quantity"] == 0
    assert closed["realised"] == -100
    assert closed["pnl"] == -100
    assert closed["margin"] == 0
    assert seller.funds()["utilised"] == 0
    assert holdings(buyer) == []


def test_a_working_sell_holds_its_shares(http: httpx.Client) -> None:
    buyer = new_trader(http)
    seller = new_trader(http)
    seller.place(an_order("SELL", 10, "1500", product="MIS"))
    buyer.place(an_order("BUY", 10, "1500"))

    buyer.place(an_order("SELL", 4, "1600"))

    [holding] = holdings(buyer)
    assert holding["quantity"] == 10
    assert holding["used_quantity"] == 4
    response = buyer.send("POST", "/api/v1/orders/regular", an_order("SELL", 7, "1600"))
    assert assert_error(response, 400, "OrderException")["data"]["reason"] == (  # type: ignore[index]
        "INSUFFICIENT_HOLDINGS"
    )


def test_a_user_without_trading_account_has_empty_portfolio(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)

    assert positions(trader) == []
    assert holdings(trader) == []
    assert trader.funds()["net"] == 0

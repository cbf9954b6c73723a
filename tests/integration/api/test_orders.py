"""Order routes over real HTTP, on SQLite and PostgreSQL: place, modify, cancel, the order
book, each order's history and trades, for every order type, product and validity."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error, data, log_in
from tests.integration.api.trading_helpers import (
    INFY,
    STARTING_CASH,
    Trader,
    new_trader,
    open_venue,
    order,
)


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


@pytest.fixture
def http(venue: Served) -> Iterator[httpx.Client]:
    with venue.client() as client:
        yield client


@pytest.fixture
def alice(http: httpx.Client) -> Trader:
    return new_trader(http)


@pytest.fixture
def bob(http: httpx.Client) -> Trader:
    return new_trader(http)


def test_limit_order_rests_open_and_is_listed_with_kite_fields(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 10, "1499.95", tag="mine"))

    [listed] = alice.orders()
    assert listed["order_id"] == order_id
    assert listed["status"] == "OPEN"
    assert listed["exchange"] == "NSE"
    assert listed["tradingsymbol"] == "INFY"
    assert listed["instrument_token"] == INFY.token
    assert listed["transaction_type"] == "BUY"
    assert listed["order_type"] == "LIMIT"
    assert listed["product"] == "CNC"
    assert listed["validity"] == "DAY"
    assert listed["variety"] == "regular"
    assert listed["price"] == 1499.95
    assert listed["quantity"] == 10
    assert listed["pending_quantity"] == 10
    assert listed["filled_quantity"] == 0
    assert listed["tag"] == "mine"
    assert listed["order_timestamp"].endswith("Z")


def test_crossing_orders_trade_and_both_complete(alice: Trader, bob: Trader) -> None:
    bob.deposit()
    buy = alice.place(order("BUY", 10, "1500"))
    sell = bob.place(order("SELL", 10, "1500", product="MIS"))

    assert alice.current(buy)["status"] == "COMPLETE"
    assert alice.current(buy)["average_price"] == 1500
    assert bob.current(sell)["status"] == "COMPLETE"
    [trade] = data(alice.get(f"/api/v1/orders/{buy}/trades"))  # type: ignore[misc]
    assert trade["order_id"] == buy
    assert trade["quantity"] == 10
    assert trade["average_price"] == 1500
    assert trade["transaction_type"] == "BUY"
    assert data(alice.get("/api/v1/trades")) == [trade]
    [bob_trade] = data(bob.get("/api/v1/trades"))  # type: ignore[misc]
    assert bob_trade["trade_id"] == trade["trade_id"]
    assert bob_trade["transaction_type"] == "SELL"


def test_order_history_records_each_state(alice: Trader, bob: Trader) -> None:
    order_id = alice.place(order("BUY", 10, "1500"))
    assert data(alice.send("PUT", f"/api/v1/orders/regular/{order_id}", {"price": 1501})) == {
        "order_id": order_id
    }
    bob.place(order("SELL", 4, "1501", product="MIS"))
    assert data(alice.send("DELETE", f"/api/v1/orders/regular/{order_id}")) == {
        "order_id": order_id
    }

    history = data(alice.get(f"/api/v1/orders/{order_id}"))
    assert isinstance(history, list)
    steps = [
        (s["status"], s["price"], s["filled_quantity"], s["pending_quantity"]) for s in history
    ]
    assert steps == [
        ("OPEN", 1500, 0, 10),
        ("OPEN", 1501, 0, 10),
        ("OPEN", 1501, 4, 6),
        ("CANCELLED", 1501, 4, 0),
    ]
    assert history[-1]["cancelled_quantity"] == 6
    assert history[-1]["status_reason"] == "USER"


def test_cancel_releases_the_blocked_cash(alice: Trader) -> None:
    before = alice.funds()
    order_id = alice.place(order("BUY", 10, "1500"))
    assert alice.funds()["blocked"] > 0

    alice.send("DELETE", f"/api/v1/orders/regular/{order_id}")

    assert alice.funds() == before
    assert alice.current(order_id)["status"] == "CANCELLED"


def test_market_order_fills_against_resting_liquidity(alice: Trader, bob: Trader) -> None:
    bob.place(order("SELL", 5, "1500.05", product="MIS"))
    order_id = alice.place(order("BUY", 8, None, order_type="MARKET"))

    state = alice.current(order_id)
    assert state["status"] == "CANCELLED"
    assert state["status_reason"] == "MARKET_REMAINDER"
    assert state["filled_quantity"] == 5
    assert state["cancelled_quantity"] == 3
    assert state["price"] == 0
    assert state["average_price"] == 1500.05


def test_ioc_remainder_is_cancelled(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 5, "1490", validity="IOC"))

    state = alice.current(order_id)
    assert state["status"] == "CANCELLED"
    assert state["validity"] == "IOC"
    assert state["status_reason"] == "IOC_REMAINDER"
    assert state["status_message"]


def test_ttl_order_keeps_its_minutes(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 5, "1490", validity="TTL", validity_ttl=15))

    state = alice.current(order_id)
    assert state["status"] == "OPEN"
    assert state["validity"] == "TTL"
    assert state["validity_ttl"] == 15


def test_stop_orders_wait_for_their_trigger_then_work(alice: Trader, bob: Trader) -> None:
    sl = alice.place(order("BUY", 5, "1510", order_type="SL", trigger_price=Decimal("1505")))
    slm = alice.place(order("BUY", 5, None, order_type="SL-M", trigger_price=Decimal("1505")))
    assert alice.current(sl)["status"] == "TRIGGER PENDING"
    assert alice.current(slm)["trigger_price"] == 1505

    bob.place(order("SELL", 30, "1505", product="MIS"))
    alice.place(order("BUY", 1, "1505"))  # prints 1505: both stops trigger and fill

    for order_id in (sl, slm):
        history = data(alice.get(f"/api/v1/orders/{order_id}"))
        assert isinstance(history, list)
        statuses = [state["status"] for state in history]
        assert statuses[0] == "TRIGGER PENDING"
        assert statuses[-1] == "COMPLETE"
        assert "OPEN" in statuses


def test_iceberg_order_shows_its_disclosed_quantity(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 100, "1495", disclosed_quantity=20), variety="iceberg")

    state = alice.current(order_id)
    assert state["variety"] == "iceberg"
    assert state["disclosed_quantity"] == 20
    quote = data(alice.get("/api/v1/quote/depth", i="NSE:INFY"))
    assert isinstance(quote, dict)
    assert quote["NSE:INFY"]["depth"]["buy"][0] == {"price": 1495, "quantity": 20, "orders": 1}


def test_json_numbers_with_a_zero_fraction_are_integers(alice: Trader) -> None:
    body = b'{"exchange": "NSE", "tradingsymbol": "INFY", "transaction_type": "BUY", '
    body += b'"order_type": "LIMIT", "product": "CNC", "quantity": 4.0, "price": 1500.0}'
    headers = {**alice.headers, "Content-Type": "application/json"}

    placed = data(alice.http.post("/api/v1/orders/regular", content=body, headers=headers))

    assert isinstance(placed, dict)
    assert alice.current(str(placed["order_id"]))["quantity"] == 4


def test_kite_form_body_places_an_order(alice: Trader) -> None:
    form = {
        "exchange": "NSE",
        "tradingsymbol": "INFY",
        "transaction_type": "BUY",
        "order_type": "LIMIT",
        "product": "CNC",
        "quantity": "3",
        "price": "1498.5",
        "validity": "DAY",
    }
    response = alice.http.post("/api/v1/orders/regular", data=form, headers=alice.headers)

    placed = data(response)
    assert isinstance(placed, dict)
    assert alice.current(str(placed["order_id"]))["price"] == 1498.5


def test_rejected_order_is_listed_as_rejected_and_changes_no_funds(alice: Trader) -> None:
    before = alice.funds()

    response = alice.send("POST", "/api/v1/orders/regular", order("BUY", 10, "1500.03"))

    body = assert_error(response, 400, "OrderException")
    assert isinstance(body["data"], dict)
    assert body["data"]["reason"] == "OFF_TICK"
    assert "1500.03" in str(body["message"])
    [rejected] = alice.orders()
    assert rejected["order_id"] == body["data"]["order_id"]
    assert rejected["status"] == "REJECTED"
    assert rejected["exchange_order_id"] is None
    assert rejected["status_reason"] == "OFF_TICK"
    assert alice.funds() == before


def test_insufficient_funds_is_an_order_exception(http: httpx.Client) -> None:
    poor = new_trader(http, cash=Decimal("100"))

    response = poor.send("POST", "/api/v1/orders/regular", order("BUY", 10, "1500"))

    body = assert_error(response, 400, "OrderException")
    assert body["data"]["reason"] == "INSUFFICIENT_FUNDS"  # type: ignore[index]


def test_a_finished_order_cannot_be_modified_or_cancelled(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 5, "1490"))
    alice.send("DELETE", f"/api/v1/orders/regular/{order_id}")

    modify = alice.send("PUT", f"/api/v1/orders/regular/{order_id}", {"price": 1491})
    cancel = alice.send("DELETE", f"/api/v1/orders/regular/{order_id}")

    assert assert_error(modify, 400, "OrderException")["data"] == {"reason": "ORDER_FINISHED"}
    assert assert_error(cancel, 400, "OrderException")["data"] == {"reason": "ORDER_FINISHED"}


def test_modify_with_nothing_to_change_is_rejected(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 5, "1490"))

    response = alice.send("PUT", f"/api/v1/orders/regular/{order_id}", {"price": 1490})

    assert assert_error(response, 400, "OrderException")["data"] == {"reason": "NOTHING_TO_MODIFY"}


def test_modify_through_the_wrong_variety_is_refused(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 5, "1490"))

    response = alice.send("PUT", f"/api/v1/orders/iceberg/{order_id}", {"price": 1491})

    assert_error(response, 404, "DataException")
    assert alice.current(order_id)["price"] == 1490


def test_unknown_instrument_is_an_order_exception(alice: Trader) -> None:
    response = alice.send("POST", "/api/v1/orders/regular", order(symbol="NOPE"))

    assert assert_error(response, 400, "OrderException")["data"] == {"reason": "UNKNOWN_INSTRUMENT"}
    assert alice.orders() == []


def test_first_order_opens_the_trading_account(http: httpx.Client) -> None:
    newcomer = new_trader(http, cash=None)
    assert newcomer.funds() == {
        "available": 0,
        "blocked": 0,
        "utilised": 0,
        "net": 0,
        "unsettled": 0,
        "withdrawable": 0,
    }

    response = newcomer.send("POST", "/api/v1/orders/regular", order("BUY", 1, "1500"))

    assert assert_error(response, 400, "OrderException")["data"]["reason"] == (  # type: ignore[index]
        "INSUFFICIENT_FUNDS"
    )


def test_orders_and_trades_survive_a_restart(tmp_path: Path, database_url: str) -> None:
    data_dir = tmp_path / "var"
    with open_venue(data_dir, database_url) as served, served.client() as http:
        alice = new_trader(http)
        bob = new_trader(http)
        buy = alice.place(order("BUY", 10, "1500"))
        bob.place(order("SELL", 4, "1500", product="MIS"))
        rejected = alice.send("POST", "/api/v1/orders/regular", order("BUY", 1, "1500.01"))
        assert rejected.status_code == 400
        history = data(alice.get(f"/api/v1/orders/{buy}"))
        orders = alice.orders()
        trades = data(alice.get("/api/v1/trades"))
        funds = alice.funds()

    with open_venue(data_dir, database_url, listed=True) as served, served.client() as http:
        pair = log_in(http, alice.account.email)
        headers = {"Authorization": f"Bearer {pair['access_token']}"}
        assert data(http.get(f"/api/v1/orders/{buy}", headers=headers)) == history
        assert data(http.get("/api/v1/orders", headers=headers)) == orders
        assert data(http.get("/api/v1/trades", headers=headers)) == trades
        assert data(http.get("/api/v1/funds", headers=headers)) == funds
        assert funds["net"] < STARTING_CASH

"""Broken object level authorisation on the trading routes: user B cannot read, modify or
cancel A's orders, or see A's trades, positions, holdings or funds, over REST or WebSocket.

Every attempt of B on one of A's objects is answered as if it did not exist (404), and
afterwards A's objects are untouched. Runs on SQLite and PostgreSQL.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error, data
from tests.integration.api.trading_helpers import Trader, new_trader, open_venue, order
from websockets.sync.client import connect

ORDERS = "/api/v1/orders"


@dataclass
class World:
    a: Trader
    b: Trader
    a_open: str
    a_filled: str
    a_rejected: str


Attempt = Callable[[World], httpx.Response]

MATRIX: list[tuple[str, Attempt]] = [
    ("read A's open order", lambda w: w.b.get(f"{ORDERS}/{w.a_open}")),
    ("read A's filled order", lambda w: w.b.get(f"{ORDERS}/{w.a_filled}")),
    ("read A's rejected order", lambda w: w.b.get(f"{ORDERS}/{w.a_rejected}")),
    ("read A's order's trades", lambda w: w.b.get(f"{ORDERS}/{w.a_filled}/trades")),
    ("modify A's order", lambda w: w.b.send("PUT", f"{ORDERS}/regular/{w.a_open}", {"price": 1})),
    ("cancel A's order", lambda w: w.b.send("DELETE", f"{ORDERS}/regular/{w.a_open}")),
    ("cancel A's filled order", lambda w: w.b.send("DELETE", f"{ORDERS}/regular/{w.a_filled}")),
    (
        "modify A's rejected order",
        lambda w: w.b.send("PUT", f"{ORDERS}/regular/{w.a_rejected}", {"quantity": 2}),
    ),
]


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


@pytest.fixture
def world(venue: Served) -> Iterator[World]:
    with venue.client() as http:
        a, b, counterparty = new_trader(http), new_trader(http), new_trader(http)
        counterparty.place(order("SELL", 10, "1500", product="MIS"))
        a_filled = a.place(order("BUY", 10, "1500"))
        a_open = a.place(order("BUY", 5, "1450"))
        rejected = a.send("POST", f"{ORDERS}/regular", order("BUY", 5, "1450.01"))
        a_rejected = assert_error(rejected, 400)["data"]["order_id"]  # type: ignore[index]
        yield World(a, b, a_open, a_filled, str(a_rejected))


def snapshot(trader: Trader) -> dict[str, Any]:
    return {
        "orders": data(trader.get(ORDERS)),
        "trades": data(trader.get("/api/v1/trades")),
        "positions": data(trader.get("/api/v1/portfolio/positions")),
        "holdings": data(trader.get("/api/v1/portfolio/holdings")),
        "funds": data(trader.get("/api/v1/funds")),
    }


def test_b_gets_404_for_every_one_of_a_s_orders_and_a_is_untouched(world: World) -> None:
    before = snapshot(world.a)

    outcomes = {case: attempt(world) for case, attempt in MATRIX}

    for case, response in outcomes.items():
        assert response.status_code == 404, f"{case}: {response.status_code} {response.text}"
        assert_error(response, 404, "DataException")
    assert snapshot(world.a) == before


def test_b_s_lists_and_portfolio_hold_nothing_of_a(world: World) -> None:
    seen = snapshot(world.b)

    assert seen["orders"] == []
    assert seen["trades"] == []
    assert seen["positions"] == {"net": [], "day": []}
    assert seen["holdings"] == []
    assert seen["funds"]["blocked"] == 0
    assert seen["funds"]["available"] == 1_000_000


def test_b_cannot_name_a_s_account_in_an_order(world: World) -> None:
    body = {**order("BUY", 1, "1450"), "account": world.a.account_id}

    response = world.b.send("POST", f"{ORDERS}/regular", body)

    assert_error(response, 422, "InputException")
    assert len(data(world.a.get(ORDERS))) == 3  # type: ignore[arg-type]


def test_no_order_update_of_a_reaches_b_s_stream(venue: Served, world: World) -> None:
    url = venue.base_url.replace("http://", "ws://") + "/api/v1/ws"
    with connect(url, additional_headers=world.b.headers, open_timeout=5) as b_stream:
        world.a.place(order("BUY", 3, "1440"))
        world.a.send("DELETE", f"{ORDERS}/regular/{world.a_open}")
        b_order = world.b.place(order("BUY", 1, "1400"))

        first = json.loads(b_stream.recv(timeout=5))

    assert first["type"] == "order"
    assert first["data"]["order_id"] == b_order

"""The WebSocket stream over a real connection, on SQLite and PostgreSQL: authentication,
the owner's order updates, ticks of subscribed instruments in each mode, bad messages."""

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.trading_helpers import INFY, TCS, Trader, new_trader, open_venue, order
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from bourse.settings import TokenSettings

WAIT_SECONDS = 5


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


@pytest.fixture
def http(venue: Served) -> Iterator[httpx.Client]:
    with venue.client() as client:
        yield client


def ws_url(venue: Served, query: str = "") -> str:
    return venue.base_url.replace("http://", "ws://") + "/api/v1/ws" + query


def stream(venue: Served, trader: Trader) -> ClientConnection:
    return connect(ws_url(venue), additional_headers=trader.headers, open_timeout=WAIT_SECONDS)


def receive(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` (others are skipped)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        if message["type"] == kind:
            return message


def ticks_until(ws: ClientConnection, token: int, predicate: Any) -> dict[str, Any]:
    """The first tick of ``token`` that satisfies ``predicate``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        for tick in receive(ws, "ticks")["data"]:
            if tick["instrument_token"] == token and predicate(tick):
                return dict(tick)
    raise AssertionError(f"no matching tick for {token}")


def test_handshake_without_valid_credentials_is_refused_with_401(venue: Served) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(venue), additional_headers=headers, open_timeout=WAIT_SECONDS)
        assert refused.value.response.status_code == 401
        body = json.loads(refused.value.response.body or b"{}")
        assert body["status"] == "error"
        assert body["error_type"] == "TokenException"


def test_order_updates_reach_their_owner_with_each_status(venue: Served, http: Any) -> None:
    alice, bob = new_trader(http), new_trader(http)
    with stream(venue, alice) as ws:
        order_id = alice.place(order("BUY", 10, "1500"))
        opened = receive(ws, "order")["data"]
        bob.place(order("SELL", 10, "1500", product="MIS"))
        filled = receive(ws, "order")["data"]

    assert (opened["order_id"], opened["status"]) == (order_id, "OPEN")
    assert (filled["order_id"], filled["status"], filled["filled_quantity"]) == (
        order_id,
        "COMPLETE",
        10,
    )
    assert filled["average_price"] == 1500


def test_no_connection_sees_another_users_orders(venue: Served, http: Any) -> None:
    alice, bob = new_trader(http), new_trader(http)
    with stream(venue, alice) as alice_ws, stream(venue, bob) as bob_ws:
        alice_order = alice.place(order("BUY", 10, "1500"))
        bob_order = bob.place(order("SELL", 10, "1500", product="MIS"))
        alice.place(order("BUY", 1, "1400"))
        bob_last = bob.place(order("SELL", 1, "1600", product="MIS"))

        alice_seen = {receive(alice_ws, "order")["data"]["order_id"] for _ in range(3)}
        bob_messages = [receive(bob_ws, "order")["data"] for _ in range(2)]
        while bob_messages[-1]["order_id"] != bob_last:
            bob_messages.append(receive(bob_ws, "order")["data"])

    assert bob_order not in alice_seen
    assert alice_order in alice_seen
    assert {message["order_id"] for message in bob_messages} == {bob_order, bob_last}


def test_access_token_in_the_query_string_authenticates(venue: Served, http: Any) -> None:
    alice = new_trader(http)
    url = ws_url(venue, f"?access_token={alice.account.access_token}")
    with connect(url, open_timeout=WAIT_SECONDS) as ws:
        ws.send(json.dumps({"a": "subscribe", "v": [INFY.token]}))
        [tick] = receive(ws, "ticks")["data"]

    assert tick["instrument_token"] == INFY.token
    assert tick["mode"] == "quote"
    assert tick["last_price"] == 1500
    assert tick["ohlc"]["close"] == 1500


def test_subscribed_ticks_follow_trades_in_each_mode(venue: Served, http: Any) -> None:
    alice, bob = new_trader(http), new_trader(http)
    with stream(venue, alice) as ws:
        ws.send(json.dumps({"a": "mode", "v": ["ltp", [TCS.token]]}))
        ltp = ticks_until(ws, TCS.token, lambda tick: True)
        ws.send(json.dumps({"a": "mode", "v": ["full", [INFY.token]]}))
        ticks_until(ws, INFY.token, lambda tick: tick["mode"] == "full")

        bob.place(order("SELL", 5, "1505", product="MIS"))
        alice.place(order("BUY", 2, "1505"))
        alice.place(order("BUY", 2, "1470"))

        full = ticks_until(ws, INFY.token, lambda t: t["depth"]["buy"] and t["volume_traded"])

    assert full["last_price"] == 1505
    assert full["last_traded_quantity"] == 2
    assert full["depth"]["sell"] == [{"price": 1505, "quantity": 3, "orders": 1}]
    assert full["depth"]["buy"] == [{"price": 1470, "quantity": 2, "orders": 1}]
    assert full["total_buy_quantity"] == 2
    assert full["last_trade_time"] is not None
    assert set(ltp) == {"mode", "instrument_token", "tradable", "last_price"}


def test_the_served_stream_writes_ready_frames_directly(venue: Served, http: Any) -> None:
    """uvicorn runs with the protocol that hands the hub a direct frame writer (ws_frames)."""
    alice = new_trader(http)
    with stream(venue, alice) as ws:
        ws.send(json.dumps({"a": "subscribe", "v": [INFY.token]}))
        receive(ws, "ticks")
        hub = venue.platform.trading_side.hub
        assert hub is not None
        ready = [c.frames is not None and c.frames.can_write() for c in hub.all_connections()]

    assert ready == [True]


def test_unsubscribed_instruments_send_no_ticks(venue: Served, http: Any) -> None:
    alice, bob = new_trader(http), new_trader(http)
    with stream(venue, alice) as ws:
        ws.send(json.dumps({"a": "subscribe", "v": [INFY.token, TCS.token]}))
        receive(ws, "ticks")
        ws.send(json.dumps({"a": "unsubscribe", "v": [INFY.token]}))
        ws.send(json.dumps({"a": "nonsense"}))  # a round trip: its reply follows the unsubscribe
        receive(ws, "error")

        bob.place(order("SELL", 1, "1500", product="MIS"))
        bob.place(order("SELL", 1, "3400", product="MIS", symbol="TCS"))
        alice.place(order("BUY", 1, "1500"))
        alice.place(order("BUY", 1, "3400", symbol="TCS"))
        tcs = ticks_until(ws, TCS.token, lambda tick: tick["volume_traded"] == 1)
        ws.send(json.dumps({"a": "nonsense"}))
        tokens_seen: set[int] = set()
        while True:
            message = json.loads(ws.recv(timeout=WAIT_SECONDS))
            if message["type"] == "error":
                break
            if message["type"] == "ticks":
                tokens_seen |= {tick["instrument_token"] for tick in message["data"]}

    assert tcs["last_price"] == 3400
    assert INFY.token not in tokens_seen


def test_bad_client_messages_get_error_replies(venue: Served, http: Any) -> None:
    alice = new_trader(http)
    with stream(venue, alice) as ws:
        replies = []
        for message in (
            "not json",
            json.dumps({"a": "subscribe", "v": ["INFY"]}),
            json.dumps({"a": "mode", "v": ["everything", [INFY.token]]}),
            json.dumps({"a": "subscribe", "v": [999_999]}),
            json.dumps({"a": "subscribe", "v": [1], "extra": True}),
            json.dumps({"a": "dance"}),
        ):
            ws.send(message)
            replies.append(receive(ws, "error")["data"])
        ws.send(json.dumps({"a": "subscribe", "v": [INFY.token]}))
        assert receive(ws, "ticks")["data"][0]["instrument_token"] == INFY.token

    assert all(isinstance(reply, str) and reply for reply in replies)
    assert "999999" in replies[3]


def test_the_stream_closes_when_the_token_expires(tmp_path: Path, database_url: str) -> None:
    short = TokenSettings(access_token_ttl_seconds=1)
    with open_venue(tmp_path / "var", database_url, tokens=short) as served:
        with served.client() as http:
            alice = new_trader(http, cash=None)
        with stream(served, alice) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=WAIT_SECONDS)

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008


def test_shutdown_closes_open_streams(tmp_path: Path, database_url: str) -> None:
    with ExitStack() as streams:
        with open_venue(tmp_path / "var", database_url) as served:
            with served.client() as http:
                alice = new_trader(http, cash=None)
            ws = streams.enter_context(stream(served, alice))

        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=WAIT_SECONDS)

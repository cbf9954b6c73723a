"""Bad input on the trading routes: each case gets the error envelope with its status, and
nothing changes (no order works, funds are identical). Runs on SQLite and PostgreSQL."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error
from tests.integration.api.trading_helpers import Trader, new_trader, open_venue, order

from bourse.identity.tokens import AccessTokenCodec
from bourse.settings import RateLimitSettings

Send = Callable[[Trader], httpx.Response]
ORDERS = "/api/v1/orders/regular"


def raw(method: str, path: str, content: bytes, **headers: str) -> Send:
    def send(trader: Trader) -> httpx.Response:
        all_headers = {**trader.headers, "Content-Type": "application/json", **headers}
        return trader.http.request(method, path, content=content, headers=all_headers)

    return send


def place(**changes: object) -> Send:
    body = order("BUY", 10, "1500")
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return lambda trader: trader.send("POST", ORDERS, body)


THREE_DECIMALS = (
    b'{"exchange": "NSE", "tradingsymbol": "INFY", "transaction_type": "BUY", '
    b'"order_type": "LIMIT", "product": "CNC", "quantity": 1, "price": 1500.001}'
)

# (case, request, status, error_type)
CASES: list[tuple[str, Send, int, str]] = [
    ("malformed JSON", raw("POST", ORDERS, b'{"exchange": '), 400, "InputException"),
    ("empty body", raw("POST", ORDERS, b""), 400, "InputException"),
    ("not an object", raw("POST", ORDERS, b"[1, 2]"), 422, "InputException"),
    ("quantity as text", place(quantity="ten"), 422, "InputException"),
    ("fractional quantity", raw("POST", ORDERS, b'{"quantity": 1.5}'), 422, "InputException"),
    ("zero quantity", place(quantity=0), 422, "InputException"),
    ("negative quantity", place(quantity=-5), 422, "InputException"),
    ("astronomic quantity", place(quantity=10**30), 422, "InputException"),
    ("unknown field", place(colour="red"), 422, "InputException"),
    ("missing transaction_type", place(transaction_type=None), 422, "InputException"),
    ("bad order_type", place(order_type="STOP"), 422, "InputException"),
    ("lower-case side", place(transaction_type="buy"), 422, "InputException"),
    ("bad product", place(product="DELIVERY"), 422, "InputException"),
    ("bad validity", place(validity="GTC"), 422, "InputException"),
    ("three decimals", raw("POST", ORDERS, THREE_DECIMALS), 422, "InputException"),
    ("negative price", place(price=-1), 422, "InputException"),
    ("price out of range", place(price=10**12), 422, "InputException"),
    ("price as a word", place(price="lots"), 422, "InputException"),
    ("price NaN", place(price="NaN"), 422, "InputException"),
    ("tag too long", place(tag="x" * 21), 422, "InputException"),
    ("no instrument", place(exchange=None, tradingsymbol=None), 422, "InputException"),
    ("off-tick price", place(price=1500.03), 400, "OrderException"),
    ("outside the circuit", place(price=2000), 400, "OrderException"),
    ("SL without trigger", place(order_type="SL"), 400, "OrderException"),
    ("unknown variety", lambda t: t.send("POST", "/api/v1/orders/weird", order()), 405,
     "InputException"),
    ("huge body", raw("POST", ORDERS, b" " * 100_000), 413, "InputException"),
    ("modify unknown order", lambda t: t.send("PUT", f"{ORDERS}/999", {"price": 1}), 404,
     "DataException"),
    ("modify a non-id", lambda t: t.send("PUT", f"{ORDERS}/abc", {"price": 1}), 404,
     "DataException"),
    ("cancel unknown order", lambda t: t.send("DELETE", f"{ORDERS}/999"), 404, "DataException"),
    ("history of unknown order", lambda t: t.get("/api/v1/orders/999"), 404, "DataException"),
    ("trades of unknown order", lambda t: t.get("/api/v1/orders/999/trades"), 404,
     "DataException"),
    ("deposit of a word", lambda t: t.send("POST", "/api/v1/funds/deposit", {"amount": "x"}),
     422, "InputException"),
    ("deposit of nothing", lambda t: t.send("POST", "/api/v1/funds/deposit", {"amount": 0}),
     400, "OrderException"),
    ("negative deposit", lambda t: t.send("POST", "/api/v1/funds/deposit", {"amount": -5}),
     422, "InputException"),
    ("quote of nothing", lambda t: t.get("/api/v1/quote"), 400, "InputException"),
    ("quote of a malformed name", lambda t: t.get("/api/v1/quote", i="NSE:"), 400,
     "InputException"),
    ("depth of 50 levels", lambda t: t.get("/api/v1/quote/depth", i="NSE:INFY", levels=50), 400,
     "InputException"),
    ("unknown instrument page", lambda t: t.get("/api/v1/instruments/NSE/NOPE"), 404,
     "DataException"),
    ("wrong method", lambda t: t.http.patch("/api/v1/orders", headers=t.headers), 405,
     "InputException"),
]  # fmt: skip


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


def test_each_bad_request_gets_its_status_and_changes_nothing(venue: Served) -> None:
    with venue.client() as http:
        trader = new_trader(http)
        funds = trader.funds()
        failures = []
        for case, send, status, error_type in CASES:
            response = send(trader)
            if response.status_code != status:
                failures.append(f"{case}: {response.status_code} {response.text}")
                continue
            assert_error(response, status, error_type)
        assert failures == []
        assert trader.funds() == funds
        assert {o["status"] for o in trader.orders()} <= {"REJECTED"}


def test_requests_without_valid_credentials_are_401(venue: Served) -> None:
    with venue.client() as http:
        trader = new_trader(http)
        tokens = venue.platform.settings.tokens
        codec = AccessTokenCodec.with_secret(
            tokens.jwt_secret, issuer=tokens.jwt_issuer, audience=tokens.jwt_audience
        )
        expired = codec.issue(
            user_id=trader.account_id,
            session_id=trader.account.session_id,
            now_ns=time.time_ns() - 3600 * 10**9,
            ttl_seconds=60,
        ).token
        for headers in (
            {},
            {"Authorization": "Bearer not-a-token"},
            {"Authorization": "Basic dXNlcjpwYXNz"},
            {"Authorization": f"Bearer {expired}"},
        ):
            for method, path in (
                ("POST", ORDERS),
                ("PUT", f"{ORDERS}/1"),
                ("DELETE", f"{ORDERS}/1"),
                ("GET", "/api/v1/orders"),
                ("GET", "/api/v1/trades"),
                ("GET", "/api/v1/funds"),
                ("POST", "/api/v1/funds/deposit"),
                ("GET", "/api/v1/portfolio/positions"),
                ("GET", "/api/v1/portfolio/holdings"),
                ("GET", "/api/v1/instruments"),
                ("GET", "/api/v1/quote/ltp?i=NSE:INFY"),
            ):
                response = http.request(method, path, content=b"{}", headers=headers)
                assert_error(response, 401, "TokenException")
        assert trader.orders() == []


def test_a_caller_over_its_rate_limit_gets_429(tmp_path: Path, database_url: str) -> None:
    strict = RateLimitSettings(
        user_requests_per_second=0.01,
        user_burst=3,
        ip_requests_per_second=100_000,
        ip_burst=100_000,
    )
    venue = open_venue(tmp_path / "var", database_url, rate_limits=strict)
    with venue as served, served.client() as http:
        trader = new_trader(http, cash=None)
        statuses = [trader.get("/api/v1/orders").status_code for _ in range(3)]
        response = trader.send("POST", ORDERS, order())

    assert statuses == [200, 200, 200]
    assert_error(response, 429, "GeneralException")
    assert int(response.headers["Retry-After"]) >= 1


def test_deposit_is_refused_outside_development_mode(tmp_path: Path, database_url: str) -> None:
    production = {"mode": "production"}
    venue = open_venue(tmp_path / "var", database_url, **production)
    with venue as served, served.client() as http:
        trader = new_trader(http, cash=None)
        response = trader.send("POST", "/api/v1/funds/deposit", {"amount": 100})

        assert_error(response, 403, "PermissionException")
        assert trader.funds()["available"] == 0

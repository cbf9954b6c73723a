"""Search, the instrument master CSV and candles over real HTTP, on SQLite and PostgreSQL."""

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

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


def test_search_finds_by_prefix_name_isin_and_misspelling(trader: Trader) -> None:
    def symbols(query: str) -> list[str]:
        found = data(trader.get("/api/v1/instruments/search", q=query))
        assert isinstance(found, list)
        return [item["tradingsymbol"] for item in found]

    assert symbols("inf") == ["INFY"]
    assert symbols("tata consult") == ["TCS"]
    assert symbols("INE009") == ["INFY"]
    assert symbols("INFOSIS")[0] == "INFY"
    assert symbols("zzzz") == []


def test_search_refuses_a_blank_query_or_a_bad_limit(trader: Trader) -> None:
    for params in ({"q": " "}, {"q": "INFY", "limit": "0"}, {"q": "INFY", "limit": "x"}, {}):
        response = trader.get("/api/v1/instruments/search", **params)
        assert_error(response, 400, "InputException")
        assert response.json()["data"]["reason"]


def test_the_master_is_a_csv_with_kites_columns(trader: Trader) -> None:
    response = trader.get("/api/v1/instruments/master")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "instrument_token", "exchange_token", "tradingsymbol", "name", "last_price", "expiry",
        "strike", "tick_size", "lot_size", "instrument_type", "segment", "exchange",
    ]  # fmt: skip
    infy = rows[0]
    assert infy["instrument_token"] == str(INFY.token)
    assert infy["exchange_token"] == str(INFY.token >> 8)
    assert (infy["tradingsymbol"], infy["name"], infy["segment"]) == ("INFY", "INFOSYS", "NSE")
    assert (infy["last_price"], infy["tick_size"], infy["lot_size"]) == ("1500.00", "0.05", "1")
    assert [row["tradingsymbol"] for row in rows] == ["INFY", "TCS"]


def test_candles_follow_the_trades_at_once(http: httpx.Client, trader: Trader) -> None:
    buyer, seller = new_trader(http), new_trader(http)
    for price, quantity in (("1500", 5), ("1510", 3), ("1495", 2)):
        seller.place(order("SELL", quantity, price, product="MIS"))
        buyer.place(order("BUY", quantity, price))

    response = trader.get(
        f"/api/v1/instruments/{INFY.token}/candles",
        interval="day",
        **{"from": "2000-01-01", "to": "2100-01-01"},
    )

    candles = data(response)
    assert isinstance(candles, dict)
    [[when, o, h, low, c, volume]] = candles["candles"]
    assert (o, h, low, c, volume) == (1500, 1510, 1495, 1495, 10)
    assert when.endswith("+05:30")
    assert when[11:19] == "00:00:00"
    day = date.fromisoformat(when[:10])
    minutes = data(
        trader.get(
            f"/api/v1/instruments/{INFY.token}/candles",
            interval="minute",
            **{"from": f"{day} 00:00:00", "to": f"{day + timedelta(days=1)} 00:00:00"},
        )
    )
    assert isinstance(minutes, dict)
    assert sum(row[5] for row in minutes["candles"]) == 10
    assert all(row[0][17:19] == "00" for row in minutes["candles"])
    none_for_tcs = data(
        trader.get(
            f"/api/v1/instruments/{TCS.token}/candles",
            interval="5minute",
            **{"from": "2000-01-01", "to": "2000-02-01"},
        )
    )
    assert none_for_tcs == {"candles": []}


def test_bad_candle_requests_are_refused_with_their_rule(trader: Trader) -> None:
    path = f"/api/v1/instruments/{INFY.token}/candles"
    cases = [
        ({"interval": "2minute", "from": "2026-01-01", "to": "2026-01-02"}, "BAD_INTERVAL"),
        ({"interval": "day", "from": "2026-13-01", "to": "2026-01-02"}, "BAD_TIME"),
        ({"interval": "day", "from": "2026-01-02", "to": "2026-01-01"}, "BAD_RANGE"),
        ({"interval": "minute", "from": "1990-01-01", "to": "2026-01-01"}, "RANGE_TOO_LONG"),
        ({"interval": "day", "to": "2026-01-01"}, "MISSING_PARAMETER"),
    ]
    for params, reason in cases:
        response = trader.get(path, **params)
        assert_error(response, 400, "InputException")
        assert response.json()["data"]["reason"] == reason

    assert_error(
        trader.get("/api/v1/instruments/999999/candles", interval="day", to="2026-01-01"),
        404,
        "DataException",
    )
    bad_token = trader.get("/api/v1/instruments/abc/candles", interval="day")
    assert_error(bad_token, 400, "InputException")


def test_candles_and_quotes_survive_a_restart(tmp_path: Path, database_url: str) -> None:
    data_dir = tmp_path / "var"
    window = {"interval": "day", "from": "2000-01-01", "to": "2100-01-01"}
    path = f"/api/v1/instruments/{INFY.token}/candles"
    with open_venue(data_dir, database_url) as served, served.client() as http:
        buyer, seller = new_trader(http), new_trader(http)
        seller.place(order("SELL", 4, "1505", product="MIS"))
        buyer.place(order("BUY", 4, "1505"))
        before = data(buyer.get(path, **window))
    with open_venue(data_dir, database_url, listed=True) as served, served.client() as http:
        reader = new_trader(http)
        after = data(reader.get(path, **window))
        quote = data(reader.get("/api/v1/quote", i="NSE:INFY"))
        reader.place(order("BUY", 1, "1505"))
        seller_again = new_trader(http)
        seller_again.place(order("SELL", 1, "1505", product="MIS"))
        later = data(reader.get(path, **window))

    assert after == before
    assert isinstance(quote, dict)
    assert quote["NSE:INFY"]["volume"] == 4
    assert isinstance(later, dict)
    assert later["candles"][0][5] == 5

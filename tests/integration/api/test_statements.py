"""Statements through the API, on SQLite and PostgreSQL: a deposit through the gateway, a
delivery trade, then the caller's statement, tradebook, P&L and contract note — and nobody
else's."""

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.funds_helpers import create_payment, deliver
from tests.integration.api.identity_helpers import assert_error, data
from tests.integration.api.trading_helpers import INFY, Trader, new_trader, open_venue, order

from bourse.domain.commands import DepositHoldings
from bourse.ledger.service import LedgerReader


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


def ledger_caught_up(venue: Served) -> None:
    seq = venue.platform.trading.query(lambda core: core.event_seq).result(timeout=10)
    reader = venue.platform.gateway.services["ledger_reader"]
    assert isinstance(reader, LedgerReader)
    assert reader.runner.wait_for(seq, timeout=30)


def traded(venue: Served, http: httpx.Client) -> tuple[Trader, Trader]:
    """Buyer deposits 20,000.00 through the gateway and buys 10 INFY at 1,500.00 from a seller
    who got the shares by a demat transfer."""
    buyer = new_trader(http, cash=None)
    payment = create_payment(buyer, "20000")
    data(deliver(http, "payment.captured", payment["payment_id"], 20_000_00))
    seller = new_trader(http)
    venue.platform.trading.submit_many(
        [
            DepositHoldings(
                account=seller.account_id, token=INFY.token, quantity=10, average_price=1_400_00
            )
        ]
    ).result(timeout=10)
    seller.place(order("SELL", 10, "1500"))
    buyer.place(order("BUY", 10, "1500"))
    ledger_caught_up(venue)
    return buyer, seller


def test_buyer_sees_statement_tradebook_pnl_and_contract_note(venue: Served) -> None:
    with venue.client() as http:
        buyer, seller = traded(venue, http)

        lines = data(buyer.get("/api/v1/reports/statement"))
        trades = data(buyer.get("/api/v1/reports/tradebook"))
        pnl = data(buyer.get("/api/v1/reports/pnl"))
        days = data(buyer.get("/api/v1/reports/contract-notes"))
        assert isinstance(days, list) and len(days) == 1
        note = buyer.get(f"/api/v1/reports/contract-notes/{days[0]}")
        trades_csv = buyer.get("/api/v1/reports/tradebook.csv")
        strangers = data(seller.get("/api/v1/reports/tradebook"))

    assert isinstance(lines, list)
    assert lines[0]["kind"] == "FundsDeposited" and Decimal(str(lines[0]["amount"])) == 20_000
    # Charges of a delivery buy of 15,000.00 (the contract note's arithmetic):
    #   STT 0.1 %                    = 15.00
    #   exchange 0.00297 % = 0.4455  ->  0.45
    #   SEBI 10 / crore    = 0.015   ->  0.02 (half-even)
    #   GST 18 % of 0.47   = 0.0846  ->  0.08
    #   stamp 0.015 %                =  2.25
    #   total                        = 17.80
    assert isinstance(trades, list) and len(trades) == 1
    assert (trades[0]["side"], trades[0]["quantity"]) == ("BUY", 10)
    assert Decimal(str(trades[0]["charges"])) == Decimal("17.80")
    assert isinstance(pnl, dict)
    assert Decimal(str(pnl["charges"])) == Decimal("17.80")
    assert Decimal(str(pnl["unrealized"])) == 0  # the last price is the buy price
    assert pnl["instruments"][0]["open_quantity"] == 10
    assert note.status_code == 200 and note.headers["content-type"].startswith("text/html")
    assert "17.80" in note.text and "-15017.80" in note.text and "Stamp duty" in note.text
    rows = list(csv.DictReader(io.StringIO(trades_csv.text)))
    assert trades_csv.headers["content-type"].startswith("text/csv")
    assert [(r["side"], r["quantity"], r["stt"], r["stamp_duty"]) for r in rows] == [
        ("BUY", "10", "1500", "225")
    ]
    assert isinstance(strangers, list) and [t["side"] for t in strangers] == ["SELL"]


def test_reports_refuse_bad_input_and_other_days(venue: Served) -> None:
    with venue.client() as http:
        buyer, _ = traded(venue, http)
        loner = new_trader(http, cash=None)

        assert buyer.get("/api/v1/reports/statement.csv").text.startswith("seq,ts_ns,kind")
        assert_error(buyer.get("/api/v1/reports/contract-notes/yesterday"), 400, "InputException")
        assert_error(
            buyer.get(f"/api/v1/reports/contract-notes/{date(2001, 1, 1).isoformat()}"), 404
        )
        assert data(loner.get("/api/v1/reports/tradebook")) == []
        assert data(loner.get("/api/v1/reports/contract-notes")) == []
        assert http.get("/api/v1/reports/statement").status_code == 401

"""Deposits through the sandbox gateway and its signed webhooks, withdrawals and payouts, on
SQLite and PostgreSQL: bad input is refused with a clear error and credits or debits nothing."""

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from tests.integration.api.conftest import Served
from tests.integration.api.funds_helpers import (
    add_bank_account,
    available,
    create_payment,
    deliver,
)
from tests.integration.api.identity_helpers import assert_error, data
from tests.integration.api.trading_helpers import Trader, new_trader, open_venue

from bourse.domain.commands import Deposit
from bourse.funds.signing import signature_header
from bourse.store.tables import payments


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


@pytest.fixture
def http(venue: Served) -> Iterator[httpx.Client]:
    with venue.client() as client:
        yield client


def test_checkout_pay_sends_the_webhook_that_credits_the_deposit(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)
    payment = create_payment(trader, "2500.50")
    assert payment["status"] == "created"

    page = http.get(payment["checkout_url"])
    paid = http.post(f"{payment['checkout_url']}/pay")

    assert page.status_code == 200 and "2500.50" in page.text and "<form" in page.text
    assert paid.status_code == 200 and "captured" in paid.text
    assert available(trader) == Decimal("2500.50")
    assert data(trader.get(f"/api/v1/funds/payments/{payment['payment_id']}"))["status"] == (  # type: ignore[index]
        "captured"
    )


def test_replayed_event_id_is_acknowledged_and_credits_once(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)
    payment = create_payment(trader, "100")

    first = deliver(http, "payment.captured", payment["payment_id"], 100_00, event_id="evt_1")
    again = deliver(http, "payment.captured", payment["payment_id"], 100_00, event_id="evt_1")
    other_id = deliver(http, "payment.captured", payment["payment_id"], 100_00, event_id="evt_2")

    assert data(first) == {"outcome": "applied"}
    assert data(again) == {"outcome": "duplicate"}
    assert data(other_id) == {"outcome": "ignored"}
    assert available(trader) == Decimal("100.00")


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("unsigned", "header is missing"),
        ("bad signature", "does not match"),
        ("wrong secret", "does not match"),
        ("stale", "more than 300 s"),
        ("future", "more than 300 s"),
        ("malformed header", "malformed"),
    ],
)
def test_badly_signed_or_stale_webhook_is_refused_and_credits_nothing(
    http: httpx.Client, how: str, message: str
) -> None:
    trader = new_trader(http, cash=None)
    payment = create_payment(trader, "100")
    now = int(time.time())
    pid = payment["payment_id"]
    kwargs: dict[str, object] = {
        "unsigned": {"header": ""},
        "bad signature": {"header": f"t={now},v1={'0' * 64}"},
        "wrong secret": {"secret": "another-secret-of-the-same-length-as-the-real-one"},
        "stale": {"at": now - 301},
        "future": {"at": now + 301},
        "malformed header": {"header": "v1=abc"},
    }[how]

    refused = deliver(http, "payment.captured", pid, 100_00, **kwargs)  # type: ignore[arg-type]

    body = assert_error(refused, 400, "InputException")
    assert message in str(body["message"])
    assert available(trader) == Decimal("0.00")
    assert data(trader.get(f"/api/v1/funds/payments/{pid}"))["status"] == "created"  # type: ignore[index]


def test_signature_over_another_body_is_refused(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)
    payment = create_payment(trader, "100")
    now = int(time.time())
    header = signature_header("x" * 64, now, b"{}")

    refused = deliver(http, "payment.captured", payment["payment_id"], 100_00, header=header)

    assert_error(refused, 400, "InputException")
    assert available(trader) == Decimal("0.00")


def test_wrong_amount_or_unknown_payment_in_a_signed_webhook_is_refused(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)
    payment = create_payment(trader, "100")

    wrong_amount = deliver(http, "payment.captured", payment["payment_id"], 1_000_00)
    unknown = deliver(http, "payment.captured", "pay_doesnotexist", 100_00)

    assert "is not the payment's" in str(assert_error(wrong_amount, 400)["message"])
    assert "is unknown" in str(assert_error(unknown, 400)["message"])
    assert available(trader) == Decimal("0.00")


def test_out_of_order_failure_after_capture_changes_nothing(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)
    late = create_payment(trader, "300")
    early = create_payment(trader, "50")

    assert data(deliver(http, "payment.captured", late["payment_id"], 300_00)) == {
        "outcome": "applied"
    }
    assert data(deliver(http, "payment.failed", late["payment_id"], 300_00)) == {
        "outcome": "ignored"
    }
    # A failure that arrives first, then a late capture: the capture still credits.
    assert data(deliver(http, "payment.failed", early["payment_id"], 50_00)) == {
        "outcome": "applied"
    }
    assert data(deliver(http, "payment.captured", early["payment_id"], 50_00)) == {
        "outcome": "applied"
    }

    assert available(trader) == Decimal("350.00")


def funded(http: httpx.Client, amount: str) -> Trader:
    trader = new_trader(http, cash=None)
    payment = create_payment(trader, amount)
    data(deliver(http, "payment.captured", payment["payment_id"], int(Decimal(amount) * 100)))
    return trader


def test_withdrawal_pending_then_payout_processed_debits_once(http: httpx.Client) -> None:
    trader = funded(http, "1000")
    bank = add_bank_account(trader)

    withdrawal = data(
        trader.send(
            "POST", "/api/v1/funds/withdrawals", {"amount": Decimal("400"), "bank_account_id": bank}
        ),
        201,
    )
    assert isinstance(withdrawal, dict) and withdrawal["status"] == "pending"
    assert available(trader) == Decimal("600.00")
    wid = withdrawal["withdrawal_id"]

    processed = deliver(http, "payout.processed", wid, 400_00, event_id="evt_p1")
    late_reversal = deliver(http, "payout.reversed", wid, 400_00, event_id="evt_p2")

    assert data(processed) == {"outcome": "applied"}
    assert data(late_reversal) == {"outcome": "ignored"}
    assert available(trader) == Decimal("600.00")
    (listed,) = data(trader.get("/api/v1/funds/withdrawals"))  # type: ignore[misc]
    assert listed["status"] == "processed"


def test_failed_payout_reverses_the_withdrawal(http: httpx.Client) -> None:
    trader = funded(http, "1000")
    bank = add_bank_account(trader)
    withdrawal = data(
        trader.send(
            "POST", "/api/v1/funds/withdrawals", {"amount": Decimal("400"), "bank_account_id": bank}
        ),
        201,
    )
    assert isinstance(withdrawal, dict)

    settled = data(trader.send("POST", f"/sandbox/payouts/{withdrawal['withdrawal_id']}/reversed"))

    assert settled == {"outcome": "applied"}
    assert available(trader) == Decimal("1000.00")


def test_withdrawal_above_withdrawable_or_to_an_unknown_bank_account_is_refused(
    http: httpx.Client,
) -> None:
    seller = funded(http, "1000")
    buyer = new_trader(http)
    bank = add_bank_account(seller)
    stranger_bank = add_bank_account(buyer)

    above = seller.send(
        "POST", "/api/v1/funds/withdrawals", {"amount": Decimal("1000.01"), "bank_account_id": bank}
    )
    theirs = seller.send(
        "POST",
        "/api/v1/funds/withdrawals",
        {"amount": Decimal("1"), "bank_account_id": stranger_bank},
    )
    malformed = [
        seller.send("POST", "/api/v1/funds/withdrawals", body)
        for body in (
            {"amount": Decimal("-5"), "bank_account_id": bank},
            {"amount": Decimal("0.001"), "bank_account_id": bank},
            {"amount": "ten", "bank_account_id": bank},
            {"amount": Decimal("5")},
        )
    ]

    body = assert_error(above, 400, "OrderException")
    assert body["data"] == {"reason": "INSUFFICIENT_FUNDS"}
    assert "withdrawable" in str(body["message"])
    assert_error(theirs, 404, "DataException")
    for response in malformed:
        assert response.status_code in (400, 422), response.text
    assert available(seller) == Decimal("1000.00")


def test_bank_account_input_is_checked(http: httpx.Client) -> None:
    trader = new_trader(http, cash=None)

    bad = [
        trader.send("POST", "/api/v1/funds/bank-accounts", body)
        for body in (
            {"holder_name": "A", "account_number": "12ab", "ifsc": "HDFC0001234"},
            {"holder_name": "A", "account_number": "123456789", "ifsc": "hdfc0001234"},
            {"holder_name": "", "account_number": "123456789", "ifsc": "HDFC0001234"},
        )
    ]

    for response in bad:
        assert_error(response, 422, "InputException")
    assert data(trader.get("/api/v1/funds/bank-accounts")) == []


def test_payments_of_another_user_are_not_found(http: httpx.Client) -> None:
    owner = new_trader(http, cash=None)
    other = new_trader(http, cash=None)
    payment = create_payment(owner, "10")

    assert_error(other.get(f"/api/v1/funds/payments/{payment['payment_id']}"), 404)
    assert_error(other.send("POST", f"/sandbox/payouts/{payment['payment_id']}/processed"), 404)


def interrupted_capture(venue: Served, payment_id: str, deposit_landed: bool) -> None:
    """What a crash mid-capture leaves: the payment 'capturing', its deposit durable or not."""
    platform = venue.platform
    with platform.engine.begin() as connection:
        connection.execute(
            sa.update(payments).where(payments.c.id == payment_id).values(status="capturing")
        )
        row = connection.execute(sa.select(payments).where(payments.c.id == payment_id)).one()
    if deposit_landed:
        platform.trading.submit(
            Deposit(account=row.account, amount=row.amount, reference=payment_id)
        ).result(timeout=10)


@pytest.mark.parametrize("deposit_landed", [True, False])
def test_retried_delivery_after_an_interrupted_capture_credits_exactly_once(
    venue: Served, http: httpx.Client, deposit_landed: bool
) -> None:
    trader = new_trader(http, cash=None)
    payment = create_payment(trader, "700")
    interrupted_capture(venue, payment["payment_id"], deposit_landed)

    retried = deliver(http, "payment.captured", payment["payment_id"], 700_00)

    assert data(retried) == {"outcome": "applied"}
    assert available(trader) == Decimal("700.00")
    status = data(trader.get(f"/api/v1/funds/payments/{payment['payment_id']}"))
    assert status["status"] == "captured"  # type: ignore[index]

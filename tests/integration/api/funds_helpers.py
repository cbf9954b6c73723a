"""Driving the funds routes in tests: payments, signed webhook deliveries, bank accounts."""

import time
from decimal import Decimal
from typing import Any

import httpx
from tests.integration.api.identity_helpers import data
from tests.integration.api.trading_helpers import Trader

from bourse.funds.sandbox import delivery
from bourse.funds.signing import SIGNATURE_HEADER
from bourse.settings import DEVELOPMENT_WEBHOOK_SECRET

SECRET = DEVELOPMENT_WEBHOOK_SECRET


def create_payment(trader: Trader, amount: str) -> dict[str, Any]:
    payment = data(trader.send("POST", "/api/v1/funds/payments", {"amount": Decimal(amount)}), 201)
    assert isinstance(payment, dict)
    return payment


def deliver(
    http: httpx.Client,
    kind: str,
    object_id: str,
    amount_paise: int,
    *,
    event_id: str = "",
    secret: str = SECRET,
    at: int | None = None,
    header: str | None = None,
) -> httpx.Response:
    """POST one webhook delivery as the gateway would (``header`` overrides the signature)."""
    now = int(time.time()) if at is None else at
    signed, body = delivery(secret, kind, object_id, amount_paise, now, event_id)
    headers = {"Content-Type": "application/json"}
    if header != "":
        headers[SIGNATURE_HEADER] = signed if header is None else header
    return http.post("/api/v1/funds/webhook", content=body, headers=headers)


def add_bank_account(trader: Trader) -> int:
    account = data(
        trader.send(
            "POST",
            "/api/v1/funds/bank-accounts",
            {"holder_name": "A Trader", "account_number": "123456789012", "ifsc": "HDFC0001234"},
        ),
        201,
    )
    assert isinstance(account, dict)
    return int(account["bank_account_id"])


def available(trader: Trader) -> Decimal:
    return Decimal(str(trader.funds()["available"]))

"""The payment gateway's sandbox, modelled on Razorpay/Stripe test mode: a hosted checkout page
and the signed webhook deliveries the gateway would POST back to the broker."""

import html
import secrets

import msgspec

from bourse.domain.money import format_rupees
from bourse.domain.types import Paise
from bourse.funds.signing import signature_header


def delivery(
    secret: str, kind: str, object_id: str, amount: Paise, now_seconds: int, event_id: str = ""
) -> tuple[str, bytes]:
    """(signature header, raw body) of one webhook delivery, as the gateway sends it."""
    body = msgspec.json.encode(
        {
            "id": event_id or "evt_" + secrets.token_hex(8),
            "type": kind,
            "created": now_seconds,
            "data": {"object_id": object_id, "amount": amount},
        }
    )
    return signature_header(secret, now_seconds, body), body


def checkout_page(payment_id: str, amount: Paise, status: str) -> str:
    """The hosted checkout: what the user sees between "add funds" and the webhook."""
    pid = html.escape(payment_id)
    rupees = html.escape(format_rupees(amount))
    if status != "created":
        action = f"<p>This payment is <strong>{html.escape(status)}</strong>.</p>"
    else:
        action = (
            f'<form method="post" action="/sandbox/checkout/{pid}/pay">'
            '<button type="submit">Pay</button></form>'
            f'<form method="post" action="/sandbox/checkout/{pid}/fail">'
            '<button type="submit">Decline</button></form>'
        )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>Bourse sandbox checkout</title></head><body>"
        "<h1>Sandbox checkout</h1>"
        f"<p>Payment <code>{pid}</code>: &#8377; {rupees}</p>"
        f"{action}"
        "<p><small>Test mode: no real money moves.</small></p></body></html>"
    )

"""Funds through the payment gateway: payments with a hosted checkout, the gateway's signed
webhook, bank accounts and withdrawals (see ``bourse.funds.service`` for the flows).

The sandbox routes stand in for the gateway itself: ``/sandbox/checkout/{id}`` is its hosted
page, and paying there (or, in development mode, settling a payout) sends the signed webhook to
the same handler a real delivery reaches. They are left out of the API document.
"""

import re
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bourse.api.envelope import success
from bourse.api.errors import ApiError
from bourse.api.gateway import Gateway
from bourse.api.operations import Operation, Parameter
from bourse.api.trading_services import trading_services
from bourse.api.wire_values import PositiveRupees, decode_body, paise_from_rupees, rupees
from bourse.funds.errors import FundsError
from bourse.funds.sandbox import checkout_page, delivery
from bourse.funds.service import NS_PER_SECOND, FundsService
from bourse.funds.signing import SIGNATURE_HEADER

FUNDS_SERVICE = "funds"
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_ACCOUNT_NUMBER = re.compile(r"^[0-9]{6,18}$")


class PaymentRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: PositiveRupees


class Payment(msgspec.Struct, frozen=True, kw_only=True):
    payment_id: str
    amount: Decimal
    status: str
    """created, capturing, captured or failed."""
    checkout_url: str


class BankAccountRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    holder_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    account_number: Annotated[str, msgspec.Meta(min_length=6, max_length=18, pattern=r"^[0-9]+$")]
    ifsc: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$")]


class BankAccount(msgspec.Struct, frozen=True, kw_only=True):
    bank_account_id: int
    holder_name: str
    account_last4: str
    ifsc: str


class WithdrawalRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: PositiveRupees
    bank_account_id: Annotated[int, msgspec.Meta(ge=1, le=2**62)]


class Withdrawal(msgspec.Struct, frozen=True, kw_only=True):
    withdrawal_id: str
    bank_account_id: int
    amount: Decimal
    status: str
    """requested, pending, processed, reversed or refused."""


class WebhookAck(msgspec.Struct, frozen=True, kw_only=True):
    outcome: str
    """applied, duplicate (event id seen before) or ignored (out of order / already final)."""


_payment_decoder = msgspec.json.Decoder(PaymentRequest)
_bank_decoder = msgspec.json.Decoder(BankAccountRequest)
_withdrawal_decoder = msgspec.json.Decoder(WithdrawalRequest)


def _api_error(error: FundsError) -> ApiError:
    data = {"reason": error.reason} if error.reason else None
    return ApiError(error.status, error.error_type, error.message, data)


def _payment_wire(row: dict[str, Any]) -> Payment:
    return Payment(
        payment_id=row["id"],
        amount=rupees(row["amount"]),
        status=row["status"],
        checkout_url=f"/sandbox/checkout/{row['id']}",
    )


def _withdrawal_wire(row: dict[str, Any]) -> Withdrawal:
    return Withdrawal(
        withdrawal_id=row["id"],
        bank_account_id=row["bank_account_id"],
        amount=rupees(row["amount"]),
        status=row["status"],
    )


def _bank_wire(row: dict[str, Any]) -> BankAccount:
    return BankAccount(
        bank_account_id=row["id"],
        holder_name=row["holder_name"],
        account_last4=row["account_last4"],
        ifsc=row["ifsc"],
    )


class FundsDesk:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.services = trading_services(gateway)
        service = gateway.services.get(FUNDS_SERVICE)
        if not isinstance(service, FundsService):
            raise RuntimeError("the composition root registers no FundsService")
        self.funds = service

    async def create_payment(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        body = decode_body(
            request.headers.get("content-type"),
            await request.body(),
            _payment_decoder,
            PaymentRequest,
        )
        amount = paise_from_rupees(body.amount, "amount")
        await self.services.accounts.ensure(principal.account_id)
        try:
            row = await self.funds.create_payment(principal.user_id, principal.account_id, amount)
        except FundsError as error:
            raise _api_error(error) from None
        return success(_payment_wire(row), status_code=201)

    async def payment(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        try:
            row = await self.funds.payment(principal.user_id, request.path_params["payment_id"])
        except FundsError as error:
            raise _api_error(error) from None
        return success(_payment_wire(row))

    async def webhook(self, request: Request) -> Response:
        self.gateway.guest(request)
        body = await request.body()
        try:
            outcome = await self.funds.receive_webhook(request.headers.get(SIGNATURE_HEADER), body)
        except FundsError as error:
            raise _api_error(error) from None
        return success(WebhookAck(outcome=outcome))

    async def add_bank_account(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        body = decode_body(
            request.headers.get("content-type"),
            await request.body(),
            _bank_decoder,
            BankAccountRequest,
        )
        if not _ACCOUNT_NUMBER.match(body.account_number) or not _IFSC.match(body.ifsc):
            raise ApiError(422, "InputException", "account_number or ifsc is malformed")
        row = await self.funds.add_bank_account(
            principal.user_id, body.holder_name, body.account_number, body.ifsc
        )
        return success(_bank_wire(row), status_code=201)

    async def bank_accounts(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await self.funds.bank_accounts(principal.user_id)
        return success([_bank_wire(row) for row in rows])

    async def withdraw(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        body = decode_body(
            request.headers.get("content-type"),
            await request.body(),
            _withdrawal_decoder,
            WithdrawalRequest,
        )
        amount = paise_from_rupees(body.amount, "amount")
        await self.services.accounts.ensure(principal.account_id)
        try:
            row = await self.funds.request_withdrawal(
                principal.user_id, principal.account_id, body.bank_account_id, amount
            )
        except FundsError as error:
            raise _api_error(error) from None
        return success(_withdrawal_wire(row), status_code=201)

    async def withdrawals(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await self.funds.payouts(principal.user_id)
        return success([_withdrawal_wire(row) for row in rows])

    # --- the sandbox gateway -------------------------------------------------------------------

    async def checkout(self, request: Request) -> Response:
        self.gateway.guest(request)
        try:
            row = await self.funds.payment(None, request.path_params["payment_id"])
        except FundsError as error:
            raise _api_error(error) from None
        return HTMLResponse(checkout_page(row["id"], row["amount"], row["status"]))

    async def checkout_outcome(self, request: Request) -> Response:
        self.gateway.guest(request)
        outcome = request.path_params["outcome"]
        if outcome not in ("pay", "fail"):
            raise ApiError(404, "DataException", f"checkout action {outcome[:20]} not found")
        try:
            row = await self.funds.payment(None, request.path_params["payment_id"])
            kind = "payment.captured" if outcome == "pay" else "payment.failed"
            header, body = delivery(
                self.funds.webhook_secret,
                kind,
                row["id"],
                row["amount"],
                self.funds.clock() // NS_PER_SECOND,
            )
            await self.funds.receive_webhook(header, body)
            row = await self.funds.payment(None, row["id"])
        except FundsError as error:
            raise _api_error(error) from None
        return HTMLResponse(checkout_page(row["id"], row["amount"], row["status"]))

    async def settle_payout(self, request: Request) -> Response:
        """The bank's answer to a payout (development mode): success or failure."""
        principal = await self.gateway.caller(request)
        if not self.gateway.settings.is_development:
            raise ApiError(
                403, "PermissionException", "the payout sandbox exists in development mode only"
            )
        outcome = request.path_params["outcome"]
        if outcome not in ("processed", "reversed"):
            raise ApiError(404, "DataException", f"payout outcome {outcome[:20]} not found")
        payout_id = request.path_params["withdrawal_id"]
        rows = [r for r in await self.funds.payouts(principal.user_id) if r["id"] == payout_id]
        if not rows:
            raise ApiError(404, "DataException", f"withdrawal {payout_id[:40]} not found")
        header, body = delivery(
            self.funds.webhook_secret,
            f"payout.{outcome}",
            payout_id,
            rows[0]["amount"],
            self.funds.clock() // NS_PER_SECOND,
        )
        try:
            result = await self.funds.receive_webhook(header, body)
        except FundsError as error:
            raise _api_error(error) from None
        return success(WebhookAck(outcome=result))


def operations(gateway: Gateway) -> list[Operation]:
    if FUNDS_SERVICE not in gateway.services:
        return []
    desk = FundsDesk(gateway)
    payment_id = Parameter("payment_id", "path", str)
    return [
        Operation(
            "POST",
            "/api/v1/funds/payments",
            desk.create_payment,
            tag="funds",
            summary="Start a deposit: a payment to complete on the gateway's hosted checkout",
            body=PaymentRequest,
            response=Payment,
            status=201,
            errors=(400, 401, 422, 429),
        ),
        Operation(
            "GET",
            "/api/v1/funds/payments/{payment_id}",
            desk.payment,
            tag="funds",
            summary="One of the caller's payments",
            response=Payment,
            parameters=(payment_id,),
            errors=(401, 404, 429),
        ),
        Operation(
            "POST",
            "/api/v1/funds/webhook",
            desk.webhook,
            tag="funds",
            summary=f"Payment gateway webhook, signed in the {SIGNATURE_HEADER} header",
            response=WebhookAck,
            authenticated=False,
            errors=(400, 429),
            include_in_schema=False,
        ),
        Operation(
            "POST",
            "/api/v1/funds/bank-accounts",
            desk.add_bank_account,
            tag="funds",
            summary="Register a bank account for withdrawals",
            body=BankAccountRequest,
            response=BankAccount,
            status=201,
            errors=(400, 401, 422, 429),
        ),
        Operation(
            "GET",
            "/api/v1/funds/bank-accounts",
            desk.bank_accounts,
            tag="funds",
            summary="The caller's bank accounts",
            response=list[BankAccount],
            errors=(401, 429),
        ),
        Operation(
            "POST",
            "/api/v1/funds/withdrawals",
            desk.withdraw,
            tag="funds",
            summary="Withdraw to a bank account (withdrawable cash only: not unsettled proceeds)",
            body=WithdrawalRequest,
            response=Withdrawal,
            status=201,
            errors=(400, 401, 403, 404, 422, 429),
        ),
        Operation(
            "GET",
            "/api/v1/funds/withdrawals",
            desk.withdrawals,
            tag="funds",
            summary="The caller's withdrawals",
            response=list[Withdrawal],
            errors=(401, 429),
        ),
        Operation(
            "GET",
            "/sandbox/checkout/{payment_id}",
            desk.checkout,
            tag="funds",
            summary="Sandbox gateway: the hosted checkout page",
            authenticated=False,
            errors=(404,),
            include_in_schema=False,
        ),
        Operation(
            "POST",
            "/sandbox/checkout/{payment_id}/{outcome}",
            desk.checkout_outcome,
            tag="funds",
            summary="Sandbox gateway: pay or decline, which sends the signed webhook",
            authenticated=False,
            errors=(400, 404),
            include_in_schema=False,
        ),
        Operation(
            "POST",
            "/sandbox/payouts/{withdrawal_id}/{outcome}",
            desk.settle_payout,
            tag="funds",
            summary="Sandbox gateway: the bank's answer to a payout (development mode)",
            errors=(401, 403, 404),
            include_in_schema=False,
        ),
    ]

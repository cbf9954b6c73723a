"""Deposits and withdrawals through the payment gateway, and the webhooks that settle them.

Deposit: ``create_payment`` (status ``created``) → the user pays on the hosted checkout → the
gateway's signed ``payment.captured`` webhook → ``Deposit`` journaled → ``captured``.
Withdrawal: ``request_withdrawal`` journals ``RequestWithdrawal`` (the core checks the
withdrawable cash) → ``pending`` → ``payout.processed`` (``CompleteWithdrawal``) or
``payout.reversed`` (``ReverseWithdrawal``).

Exactly once, across retries, replays and crashes:

* A webhook event id is recorded once its effect is durable; a replayed id is acknowledged and
  ignored. Out-of-order deliveries are judged by the object's status (a ``payment.failed``
  after the capture changes nothing).
* A capture marks the payment ``capturing`` *before* journaling the deposit. A delivery that
  finds ``capturing`` (the previous attempt crashed or is in flight) waits for the ledger to
  reach the core's current event and deposits only if the ledger has no deposit with that
  payment id; an in-process lock per payment serialises concurrent deliveries.
* Payout commands are idempotent in the core (a reference is pending once), so they are
  journaled first and the event recorded after.
"""

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy import Engine

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.money import format_rupees
from bourse.domain.types import AccountId, Paise
from bourse.funds import store
from bourse.funds.errors import (
    UnknownObjectError,
    WebhookRefusedError,
    WithdrawalRefusedError,
    WithdrawalsFrozenError,
)
from bourse.funds.signing import verify
from bourse.journal.group_commit import JournaledCore
from bourse.ledger.reconcile import withdrawals_frozen
from bourse.projection.port import ProjectionProgress

NS_PER_SECOND = 1_000_000_000
MAX_AMOUNT = 100_000_000_00  # Rs 10 crore per payment or payout


class WebhookData(msgspec.Struct, kw_only=True):
    object_id: str
    amount: int


class WebhookEvent(msgspec.Struct, kw_only=True):
    """A gateway notification; unknown fields are allowed (gateways add them over time)."""

    id: str
    type: str
    created: int
    data: WebhookData


_decode_event = msgspec.json.Decoder(WebhookEvent).decode
WEBHOOK_TYPES = ("payment.captured", "payment.failed", "payout.processed", "payout.reversed")


class FundsService:
    def __init__(
        self,
        engine: Engine,
        trading: JournaledCore[TradingCore],
        ledger: ProjectionProgress | None,
        webhook_secret: str,
        *,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self.engine = engine
        self.trading = trading
        self.ledger = ledger
        self.webhook_secret = webhook_secret
        self.clock = clock
        self._locks: dict[str, asyncio.Lock] = {}

    # --- deposits ------------------------------------------------------------------------------

    async def create_payment(
        self, user_id: int, account: AccountId, amount: Paise
    ) -> dict[str, Any]:
        _check_amount(amount)
        now = self.clock()
        row = {
            "id": "pay_" + secrets.token_hex(8),
            "user_id": user_id,
            "account": account,
            "amount": amount,
            "status": "created",
            "created_at_ns": now,
            "updated_at_ns": now,
        }
        await asyncio.to_thread(self._write, store.insert_payment, row)
        return row

    async def payment(self, user_id: int | None, payment_id: str) -> dict[str, Any]:
        """The payment (``user_id`` None: the hosted checkout, which knows only the id)."""
        row = await asyncio.to_thread(self._read, store.find_payment, payment_id)
        if row is None or (user_id is not None and row.user_id != user_id):
            raise UnknownObjectError(f"payment {payment_id[:40]} not found")
        return dict(row._mapping)

    # --- withdrawals ---------------------------------------------------------------------------

    async def add_bank_account(
        self, user_id: int, holder_name: str, account_number: str, ifsc: str
    ) -> dict[str, Any]:
        row = {
            "user_id": user_id,
            "holder_name": holder_name,
            "account_last4": account_number[-4:],
            "ifsc": ifsc,
            "created_at_ns": self.clock(),
            "removed_at_ns": None,
        }
        row["id"] = await asyncio.to_thread(self._write, store.insert_bank_account, row)
        return row

    async def bank_accounts(self, user_id: int) -> list[dict[str, Any]]:
        rows = await asyncio.to_thread(self._read, store.user_bank_accounts, user_id)
        return [dict(row._mapping) for row in rows]

    async def request_withdrawal(
        self, user_id: int, account: AccountId, bank_account_id: int, amount: Paise
    ) -> dict[str, Any]:
        _check_amount(amount)

        def check() -> str | None:
            with self.engine.connect() as connection:
                if store.find_bank_account(connection, user_id, bank_account_id) is None:
                    raise UnknownObjectError(f"bank account {bank_account_id} not found")
                return withdrawals_frozen(connection)

        frozen = await asyncio.to_thread(check)
        if frozen is not None:
            raise WithdrawalsFrozenError(frozen)
        now = self.clock()
        payout_id = "pout_" + secrets.token_hex(8)
        row: dict[str, Any] = {
            "id": payout_id,
            "user_id": user_id,
            "account": account,
            "bank_account_id": bank_account_id,
            "amount": amount,
            "status": "requested",
            "created_at_ns": now,
            "updated_at_ns": now,
        }
        await asyncio.to_thread(self._write, store.insert_payout, row)
        command = cmd.RequestWithdrawal(account=account, amount=amount, reference=payout_id)
        refused = _refusal(await self.trading.execute(command))
        row["status"] = "refused" if refused else "pending"
        await asyncio.to_thread(self._write, store.set_payout_status, row["id"], row["status"], now)
        if refused is not None:
            raise WithdrawalRefusedError(refused.message, reason=refused.reason.value)
        return row

    async def payouts(self, user_id: int) -> list[dict[str, Any]]:
        rows = await asyncio.to_thread(self._read, store.user_payouts, user_id)
        return [dict(row._mapping) for row in rows]

    # --- webhooks ------------------------------------------------------------------------------

    async def receive_webhook(self, signature_header: str | None, body: bytes) -> str:
        """Verify and apply one delivery; return what happened (``applied``, ``duplicate``,
        ``ignored``). Anything refused raises and changes nothing."""
        verify(self.webhook_secret, signature_header, body, self.clock() // NS_PER_SECOND)
        try:
            event = _decode_event(body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise WebhookRefusedError(f"webhook body is malformed: {exc}") from None
        if event.type not in WEBHOOK_TYPES:
            raise WebhookRefusedError(
                f"webhook type {event.type[:40]!r} is not one of {WEBHOOK_TYPES}"
            )
        if not 0 < len(event.id) <= 64:
            raise WebhookRefusedError("webhook id must be 1 to 64 characters")
        lock = self._locks.setdefault(event.data.object_id, asyncio.Lock())
        async with lock:
            if await asyncio.to_thread(self._read, store.webhook_seen, event.id):
                return "duplicate"
            if event.type.startswith("payment."):
                outcome = await self._payment_webhook(event)
            else:
                outcome = await self._payout_webhook(event)
            await asyncio.to_thread(
                self._write, store.record_webhook, event.id, event.type, self.clock()
            )
        # The lock stays: dropping it while a delivery waits on it would let a third one in.
        return outcome

    async def _payment_webhook(self, event: WebhookEvent) -> str:
        payment = await asyncio.to_thread(self._read, store.find_payment, event.data.object_id)
        if payment is None:
            raise WebhookRefusedError(f"payment {event.data.object_id[:40]} is unknown")
        if payment.amount != event.data.amount:
            raise WebhookRefusedError(
                f"webhook amount {event.data.amount} is not the payment's {payment.amount}"
            )
        now = self.clock()
        if event.type == "payment.failed":
            if payment.status != "created":
                return "ignored"  # a late failure after the capture changes nothing
            await asyncio.to_thread(
                self._write, store.set_payment_status, payment.id, "failed", now
            )
            return "applied"
        if payment.status == "captured":
            return "ignored"
        if payment.status == "capturing" and await self._deposit_landed(payment.id):
            await asyncio.to_thread(
                self._write, store.set_payment_status, payment.id, "captured", now
            )
            return "applied"
        await asyncio.to_thread(self._write, store.set_payment_status, payment.id, "capturing", now)
        command = cmd.Deposit(account=payment.account, amount=payment.amount, reference=payment.id)
        refused = _refusal(await self.trading.execute(command))
        if refused is not None:  # e.g. the account was never opened: leave it for a retry
            raise WebhookRefusedError(f"deposit refused by the core: {refused.message}")
        await asyncio.to_thread(self._write, store.set_payment_status, payment.id, "captured", now)
        return "applied"

    async def _deposit_landed(self, payment_id: str) -> bool:
        """Whether an earlier, interrupted capture's deposit is durable (asks the ledger once it
        has caught up with the core)."""
        if self.ledger is None:
            return False
        event_seq = await self.trading.read(lambda core: core.event_seq)
        ledger = self.ledger
        if not await asyncio.to_thread(ledger.wait_for, event_seq, 60):
            raise WebhookRefusedError("the ledger is behind; retry the delivery later")
        return bool(await asyncio.to_thread(self._read, store.deposit_booked, payment_id))

    async def _payout_webhook(self, event: WebhookEvent) -> str:
        payout = await asyncio.to_thread(self._read, store.find_payout, event.data.object_id)
        if payout is None:
            raise WebhookRefusedError(f"payout {event.data.object_id[:40]} is unknown")
        if payout.amount != event.data.amount:
            raise WebhookRefusedError(
                f"webhook amount {event.data.amount} is not the payout's {payout.amount}"
            )
        # "requested": the process stopped between journaling the request and marking it
        # pending; the core knows whether it is pending and refuses the command otherwise.
        if payout.status not in ("requested", "pending"):
            return "ignored"
        command: cmd.Command
        if event.type == "payout.processed":
            command = cmd.CompleteWithdrawal(account=payout.account, reference=payout.id)
            status = "processed"
        else:
            command = cmd.ReverseWithdrawal(
                account=payout.account, reference=payout.id, reason="bank"
            )
            status = "reversed"
        refused = _refusal(await self.trading.execute(command))
        if refused is not None:
            return "ignored"  # already settled by an earlier delivery whose record was lost
        await asyncio.to_thread(
            self._write, store.set_payout_status, payout.id, status, self.clock()
        )
        return "applied"

    # --- SQL helpers ---------------------------------------------------------------------------

    def _read(self, query: Callable[..., Any], *args: Any) -> Any:
        with self.engine.connect() as connection:
            return query(connection, *args)

    def _write(self, statement: Callable[..., Any], *args: Any) -> Any:
        with self.engine.begin() as connection:
            return statement(connection, *args)


def _check_amount(amount: Paise) -> None:
    if amount <= 0:
        raise WithdrawalRefusedError(
            f"amount {format_rupees(amount)} must be positive", reason="BAD_AMOUNT"
        )
    if amount > MAX_AMOUNT:
        raise WithdrawalRefusedError(
            f"amount {format_rupees(amount)} is above the maximum {format_rupees(MAX_AMOUNT)}",
            reason="BAD_AMOUNT",
        )


def _refusal(events: list[ev.Event]) -> ev.CommandRejected | None:
    for event in events:
        if type(event) is ev.CommandRejected:
            return event
    return None

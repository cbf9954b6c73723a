"""Withdrawals through a payment gateway: request, then the bank's success or failure.

    RequestWithdrawal ──► pending (cash left ``cash_available``, held under its reference)
                           ├── CompleteWithdrawal ──► paid out (the broker's books lose it)
                           └── ReverseWithdrawal  ──► back in ``cash_available``

Only withdrawable cash can be requested: available cash less unsettled sale proceeds (T+1).
A reference is unique per account while pending, so a retried request cannot pay out twice.
"""

from typing import TYPE_CHECKING

from bourse.core.administration import account_or_reject, positive_amount, reject_command
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.errors import RejectReason
from bourse.domain.money import format_rupees

if TYPE_CHECKING:
    from bourse.core.engine import TradingCore

MAX_REFERENCE_LENGTH = 64


def request_withdrawal(core: "TradingCore", c: cmd.RequestWithdrawal) -> None:
    account = account_or_reject(core, c, c.account)
    if account is None or not positive_amount(core, c):
        return
    if not c.reference or len(c.reference) > MAX_REFERENCE_LENGTH:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.BAD_AMOUNT,
            f"reference {c.reference!r} must be 1 to {MAX_REFERENCE_LENGTH} characters",
        )
        return
    if c.reference in account.payouts:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.DUPLICATE_WITHDRAWAL,
            f"withdrawal {c.reference} is already pending",
        )
        return
    withdrawable = account.withdrawable
    if c.amount > withdrawable:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.INSUFFICIENT_FUNDS,
            f"amount {format_rupees(c.amount)} is above the withdrawable "
            f"{format_rupees(withdrawable)}",
        )
        return
    account.cash_available -= c.amount
    account.payouts[c.reference] = c.amount
    core._events.append(
        ev.WithdrawalRequested(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            amount=c.amount,
            reference=c.reference,
            cash_available=account.cash_available,
        )
    )


def complete_withdrawal(core: "TradingCore", c: cmd.CompleteWithdrawal) -> None:
    account = account_or_reject(core, c, c.account)
    if account is None:
        return
    amount = account.payouts.pop(c.reference, None)
    if amount is None:
        _unknown(core, c)
        return
    core.totals.withdrawals += amount
    core._events.append(
        ev.WithdrawalCompleted(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            amount=amount,
            reference=c.reference,
        )
    )


def reverse_withdrawal(core: "TradingCore", c: cmd.ReverseWithdrawal) -> None:
    account = account_or_reject(core, c, c.account)
    if account is None:
        return
    amount = account.payouts.pop(c.reference, None)
    if amount is None:
        _unknown(core, c)
        return
    account.cash_available += amount
    core._events.append(
        ev.WithdrawalReversed(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            amount=amount,
            reference=c.reference,
            reason=c.reason,
            cash_available=account.cash_available,
        )
    )


def _unknown(core: "TradingCore", c: cmd.CompleteWithdrawal | cmd.ReverseWithdrawal) -> None:
    reject_command(
        core,
        c,
        c.account,
        RejectReason.UNKNOWN_WITHDRAWAL,
        f"withdrawal {c.reference} is not pending for account {c.account}",
    )

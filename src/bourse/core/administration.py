"""Handlers of market administration and account commands (bound as TradingCore methods)."""

from typing import TYPE_CHECKING

from bourse.core.book import OrderBook
from bourse.core.state import Account, InstrumentState
from bourse.core.stops import StopBook
from bourse.core.vocabulary import ACTIVE, HALTED
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.errors import RejectReason
from bourse.domain.money import format_rupees

if TYPE_CHECKING:
    from bourse.core.engine import TradingCore


def reject_command(
    core: "TradingCore", command: cmd.Command, account: int, reason: RejectReason, message: str
) -> None:
    core._events.append(
        ev.CommandRejected(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            command=type(command).__name__,
            account=account,
            reason=reason,
            message=message,
        )
    )


def list_instrument(core: "TradingCore", c: cmd.ListInstrument) -> None:
    instrument = c.instrument
    if instrument.token in core.instruments:
        reject_command(
            core,
            c,
            0,
            RejectReason.DUPLICATE_INSTRUMENT,
            f"instrument {instrument.token} is already listed",
        )
        return
    problem = instrument.validation_error()
    if problem is not None:
        reject_command(core, c, 0, RejectReason.BAD_INSTRUMENT, problem)
        return
    state = InstrumentState(instrument, core.config.leverage_for(instrument.token))
    # Keyed by the state's own token object: the order path looks them up with it.
    core.instruments[state.token_box] = state
    state.book = core.books[state.token_box] = OrderBook(instrument.token)
    state.stop_book = core.stops[state.token_box] = StopBook()
    core._events.append(
        ev.InstrumentListed(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            instrument=instrument,
        )
    )


def _instrument_or_reject(
    core: "TradingCore", c: cmd.HaltInstrument | cmd.ResumeInstrument
) -> InstrumentState | None:
    state = core.instruments.get(c.token)
    if state is None:
        reject_command(
            core, c, 0, RejectReason.UNKNOWN_INSTRUMENT, f"instrument {c.token} does not exist"
        )
    return state


def halt(core: "TradingCore", c: cmd.HaltInstrument) -> None:
    state = _instrument_or_reject(core, c)
    if state is None:
        return
    state.status = HALTED
    core._events.append(
        ev.InstrumentHalted(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            token=c.token,
            reason=c.reason,
        )
    )


def resume(core: "TradingCore", c: cmd.ResumeInstrument) -> None:
    state = _instrument_or_reject(core, c)
    if state is None:
        return
    state.status = ACTIVE
    core._events.append(
        ev.InstrumentResumed(
            seq=core._next_event(), command_seq=core.command_seq, ts_ns=core._ts, token=c.token
        )
    )


def set_cancel_only(core: "TradingCore", c: cmd.SetCancelOnly) -> None:
    core.cancel_only = c.enabled
    core._events.append(
        ev.CancelOnlyChanged(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            enabled=c.enabled,
            reason=c.reason,
        )
    )


def _limits_problem(limits: cmd.AccountLimits) -> str | None:
    if limits.max_open_orders <= 0:
        return f"max_open_orders {limits.max_open_orders} must be positive"
    if limits.max_order_value <= 0:
        return f"max_order_value {format_rupees(limits.max_order_value)} must be positive"
    if limits.max_orders_per_second <= 0:
        return f"max_orders_per_second {limits.max_orders_per_second} must be positive"
    return None


def open_account(core: "TradingCore", c: cmd.OpenAccount) -> None:
    if c.account in core.accounts:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.DUPLICATE_ACCOUNT,
            f"account {c.account} already exists",
        )
        return
    if c.account <= 0:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.UNKNOWN_ACCOUNT,
            f"account {c.account} must be a positive number",
        )
        return
    problem = _limits_problem(c.limits)
    if problem is not None:
        reject_command(core, c, c.account, RejectReason.BAD_AMOUNT, problem)
        return
    core.accounts[c.account] = Account(c.account, c.limits)
    core._events.append(
        ev.AccountOpened(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            limits=c.limits,
        )
    )


def account_or_reject(core: "TradingCore", c: cmd.Command, account_id: int) -> Account | None:
    account = core.accounts.get(account_id)
    if account is None:
        reject_command(
            core,
            c,
            account_id,
            RejectReason.UNKNOWN_ACCOUNT,
            f"account {account_id} does not exist",
        )
    return account


def set_limits(core: "TradingCore", c: cmd.SetAccountLimits) -> None:
    account = account_or_reject(core, c, c.account)
    if account is None:
        return
    problem = _limits_problem(c.limits)
    if problem is not None:
        reject_command(core, c, c.account, RejectReason.BAD_AMOUNT, problem)
        return
    account.set_limits(c.limits)
    core._events.append(
        ev.AccountLimitsChanged(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            limits=c.limits,
        )
    )


def positive_amount(
    core: "TradingCore", c: cmd.Deposit | cmd.Withdraw | cmd.RequestWithdrawal
) -> bool:
    if c.amount > 0:
        return True
    reject_command(
        core,
        c,
        c.account,
        RejectReason.BAD_AMOUNT,
        f"amount {format_rupees(c.amount)} must be positive",
    )
    return False


def deposit(core: "TradingCore", c: cmd.Deposit) -> None:
    account = account_or_reject(core, c, c.account)
    if account is None:
        return
    if not positive_amount(core, c):
        return
    account.cash_available += c.amount
    core.totals.deposits += c.amount
    core._events.append(
        ev.FundsDeposited(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            amount=c.amount,
            reference=c.reference,
            cash_available=account.cash_available,
        )
    )


def withdraw(core: "TradingCore", c: cmd.Withdraw) -> None:
    account = account_or_reject(core, c, c.account)
    if account is None:
        return
    if not positive_amount(core, c):
        return
    if c.amount > account.withdrawable:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.INSUFFICIENT_FUNDS,
            f"amount {format_rupees(c.amount)} is above the withdrawable "
            f"{format_rupees(account.withdrawable)}",
        )
        return
    account.cash_available -= c.amount
    core.totals.withdrawals += c.amount
    core._events.append(
        ev.FundsWithdrawn(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            amount=c.amount,
            reference=c.reference,
            cash_available=account.cash_available,
        )
    )


def deposit_holdings(core: "TradingCore", c: cmd.DepositHoldings) -> None:
    account = account_or_reject(core, c, c.account)
    if account is None:
        return
    if c.token not in core.instruments:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.UNKNOWN_INSTRUMENT,
            f"instrument {c.token} does not exist",
        )
        return
    if c.quantity <= 0 or c.average_price < 0:
        reject_command(
            core,
            c,
            c.account,
            RejectReason.BAD_QUANTITY,
            f"quantity {c.quantity} must be positive and average_price "
            f"{format_rupees(c.average_price)} not negative",
        )
        return
    holding = account.holding(c.token)
    holding.available += c.quantity
    holding.cost += c.quantity * c.average_price
    core._events.append(
        ev.HoldingsDeposited(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            account=c.account,
            token=c.token,
            quantity=c.quantity,
            average_price=c.average_price,
        )
    )

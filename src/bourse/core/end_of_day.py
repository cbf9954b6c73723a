"""End of the day: the MIS square-off and T+1 settlement (bound as TradingCore methods).

Both run when a command says so; the time they run at is the command's journal time, issued by
a scheduler outside the core, so a replay squares off and settles at exactly the same point.

Square-off closes each open MIS position at the instrument's last price against the broker's
clearing account, as a broker's auto square-off order would, and charges it as one executed
intraday order. The position's margin and P&L go back to available cash exactly as a closing
fill would move them (``settlement.apply_to_position``); the charges come out of available cash.
"""

from typing import TYPE_CHECKING

from bourse.core.settlement import apply_to_position
from bourse.core.vocabulary import BUY, MIS, SELL
from bourse.domain import events as ev

if TYPE_CHECKING:
    from bourse.core.engine import TradingCore


def square_off_positions(core: "TradingCore") -> None:
    """Close every open MIS position (accounts, then instruments, in id order)."""
    totals = core.totals
    for account_id in sorted(core.accounts):
        account = core.accounts[account_id]
        for token, product in sorted(account.positions):
            position = account.positions[(token, product)]
            net = position.net_quantity
            if product is not MIS or net == 0:
                continue
            is_buy = net < 0
            quantity = -net if is_buy else net
            price = core.instruments[token].last_price
            value = quantity * price
            _, margin_released, pnl = apply_to_position(position, is_buy, quantity, price)
            charges = core.schedule.total(BUY if is_buy else SELL, MIS, value)
            account.cash_blocked -= margin_released
            account.cash_available += margin_released + pnl - charges
            # The broker's clearing account is the counterparty: it takes the shares at the
            # last price, so only the position's P&L moves between it and the account.
            totals.clearing -= pnl
            totals.fees += charges
            core._events.append(
                ev.PositionSquaredOff(
                    seq=core._next_event(),
                    command_seq=core.command_seq,
                    ts_ns=core._ts,
                    account=account_id,
                    token=token,
                    side=BUY if is_buy else SELL,
                    quantity=quantity,
                    price=price,
                    charges=charges,
                    margin_released=margin_released,
                    pnl=pnl,
                )
            )


def settle_trades(core: "TradingCore") -> None:
    """T+1: every unsettled credit becomes settled; one event per account that had any."""
    for account_id in sorted(core.accounts):
        account = core.accounts[account_id]
        shares = []
        for token in sorted(account.holdings):
            holding = account.holdings[token]
            if holding.unsettled:
                shares.append(ev.SettledShares(token=token, quantity=holding.unsettled))
                holding.unsettled = 0
        cash = account.cash_unsettled
        if not cash and not shares:
            continue
        account.cash_unsettled = 0
        core._events.append(
            ev.AccountSettled(
                seq=core._next_event(),
                command_seq=core.command_seq,
                ts_ns=core._ts,
                account=account_id,
                cash=cash,
                shares=tuple(shares),
            )
        )

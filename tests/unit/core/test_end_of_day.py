"""Payouts, T+1 settlement and the MIS square-off, on a real core with zero charges unless a
test says otherwise."""

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import CancelReason, Product, Side
from bourse.domain.errors import RejectReason
from tests.unit.core.market import INFY, Market, of_type


def market_with_a_sale() -> Market:
    """Account 1 sold 10 INFY at 100.00 to account 2 for delivery; 500.00 of its cash is settled."""
    market = Market()
    market.account(1, cash=500_00, holdings={INFY: 10})
    market.account(2, cash=5_000_00)
    market.sell(1, 10, 100_00)
    market.buy(2, 10, 100_00)
    return market


def rejection(events: list[ev.Event]) -> ev.CommandRejected:
    (rejected,) = events
    assert isinstance(rejected, ev.CommandRejected)
    return rejected


def test_sale_proceeds_are_available_but_not_withdrawable_until_settlement() -> None:
    market = market_with_a_sale()
    seller = market.core.accounts[1]

    assert (seller.cash_available, seller.cash_unsettled, seller.withdrawable) == (
        1_500_00,
        1_000_00,
        500_00,
    )
    refused = rejection(
        market.apply(cmd.RequestWithdrawal(account=1, amount=500_01, reference="w"))
    )
    assert refused.reason is RejectReason.INSUFFICIENT_FUNDS
    assert "withdrawable 500.00" in refused.message

    events = market.apply(cmd.SettleTrades())

    (settled,) = [e for e in of_type(events, ev.AccountSettled) if e.account == 1]
    assert (settled.cash, settled.shares) == (1_000_00, ())
    assert seller.withdrawable == 1_500_00


def test_bought_shares_carry_the_t1_mark_until_settlement() -> None:
    market = market_with_a_sale()
    holding = market.core.accounts[2].holdings[INFY]
    assert (holding.available, holding.unsettled) == (10, 10)

    events = market.apply(cmd.SettleTrades())

    assert [e.account for e in of_type(events, ev.AccountSettled)] == [1, 2]
    (buyer,) = [e for e in of_type(events, ev.AccountSettled) if e.account == 2]
    assert [(s.token, s.quantity) for s in buyer.shares] == [(INFY, 10)]
    assert holding.unsettled == 0


def test_spending_takes_settled_cash_first() -> None:
    market = market_with_a_sale()
    seller = market.core.accounts[1]

    market.buy(1, 7, 100_00)  # blocks 700.00: 500.00 settled, 200.00 of the proceeds

    assert (seller.cash_available, seller.cash_unsettled, seller.withdrawable) == (
        800_00,
        800_00,
        0,
    )


def test_selling_t1_shares_takes_settled_shares_first() -> None:
    market = market_with_a_sale()
    market.apply(cmd.DepositHoldings(account=2, token=INFY, quantity=5))

    market.sell(2, 8, 110_00)

    holding = market.core.accounts[2].holdings[INFY]
    assert (holding.available, holding.blocked, holding.unsettled) == (7, 8, 7)


def test_withdrawal_request_then_payout_success_debits_the_cash_once() -> None:
    market = market_with_a_sale()
    seller = market.core.accounts[1]

    (requested,) = market.apply(cmd.RequestWithdrawal(account=1, amount=300_00, reference="w1"))
    (completed,) = market.apply(cmd.CompleteWithdrawal(account=1, reference="w1"))
    again = rejection(market.apply(cmd.CompleteWithdrawal(account=1, reference="w1")))

    assert isinstance(requested, ev.WithdrawalRequested) and requested.cash_available == 1_200_00
    assert isinstance(completed, ev.WithdrawalCompleted) and completed.amount == 300_00
    assert again.reason is RejectReason.UNKNOWN_WITHDRAWAL
    assert seller.cash_available == 1_200_00 and seller.payouts == {}
    assert market.core.totals.withdrawals == 300_00


def test_failed_payout_is_reversed_to_available_cash() -> None:
    market = market_with_a_sale()
    market.apply(cmd.RequestWithdrawal(account=1, amount=300_00, reference="w1"))

    (reversed_,) = market.apply(
        cmd.ReverseWithdrawal(account=1, reference="w1", reason="account closed")
    )

    assert isinstance(reversed_, ev.WithdrawalReversed)
    assert (reversed_.amount, reversed_.cash_available) == (300_00, 1_500_00)
    assert market.core.totals.withdrawals == 0


def test_bad_withdrawal_requests_are_refused_and_change_nothing() -> None:
    market = market_with_a_sale()
    market.apply(cmd.RequestWithdrawal(account=1, amount=100_00, reference="w1"))
    before = market.core.state_hash()

    refusals = [
        rejection(market.apply(c))
        for c in (
            cmd.RequestWithdrawal(account=1, amount=0, reference="w2"),
            cmd.RequestWithdrawal(account=1, amount=-5, reference="w2"),
            cmd.RequestWithdrawal(account=1, amount=1_00, reference="w1"),
            cmd.RequestWithdrawal(account=1, amount=1_00, reference=""),
            cmd.RequestWithdrawal(account=9, amount=1_00, reference="w2"),
            cmd.ReverseWithdrawal(account=2, reference="w1"),
        )
    ]

    assert [r.reason for r in refusals] == [
        RejectReason.BAD_AMOUNT,
        RejectReason.BAD_AMOUNT,
        RejectReason.DUPLICATE_WITHDRAWAL,
        RejectReason.BAD_AMOUNT,
        RejectReason.UNKNOWN_ACCOUNT,
        RejectReason.UNKNOWN_WITHDRAWAL,
    ]
    assert market.core.state_hash() == before


def test_square_off_cancels_mis_orders_and_closes_positions_at_the_last_price() -> None:
    market = Market(charges="nse-equity-2026-01")
    market.account(1, cash=10_000_00)
    market.account(2, cash=10_000_00, holdings={INFY: 100})
    market.place(1, Side.BUY, 10, 100_00, product=Product.MIS)
    market.place(2, Side.SELL, 10, 100_00)  # CNC seller
    market.place(1, Side.BUY, 5, 95_00, product=Product.MIS)  # left working
    market.place(2, Side.SELL, 1, 102_00)
    market.place(1, Side.BUY, 1, 102_00)  # CNC: last price 102.00
    core = market.core
    account = core.accounts[1]
    cash_before = account.cash_available + account.cash_blocked

    events = market.apply(cmd.SquareOffIntraday())

    (cancelled,) = of_type(events, ev.OrderCancelled)
    (closed,) = of_type(events, ev.PositionSquaredOff)
    assert cancelled.reason is CancelReason.SQUARE_OFF
    assert (closed.side, closed.quantity, closed.price, closed.pnl) == (
        Side.SELL,
        10,
        102_00,
        20_00,
    )
    # Charges of a 1020.00 intraday sell: brokerage 0.31, STT 0.26, exchange 0.03, SEBI 0.00,
    # GST 18 % of 0.34 = 0.06: 0.66.
    assert closed.charges == 66
    position = account.positions[(INFY, Product.MIS)]
    assert (position.net_quantity, position.margin) == (0, 0)
    assert account.cash_available + account.cash_blocked == cash_before + 20_00 - 66
    assert account.cash_blocked == 0


def test_square_off_and_settlement_survive_a_snapshot() -> None:
    market = market_with_a_sale()
    market.apply(cmd.RequestWithdrawal(account=1, amount=100_00, reference="w1"))

    restored = TradingCore.restore(market.core.snapshot())

    assert restored.state_hash() == market.core.state_hash()
    assert restored.accounts[1].payouts == {"w1": 100_00}
    assert restored.accounts[1].cash_unsettled == 1_000_00
    assert restored.accounts[2].holdings[INFY].unsettled == 10

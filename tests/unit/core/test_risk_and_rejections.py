"""Reservations, modifications and the rejection of bad input (which must change nothing)."""

import pytest

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import OrderType, Product, Side
from bourse.domain.errors import RejectReason
from tests.unit.core.market import INFY, Market, of_type, order_id, trades


def funded_market(cash: int = 1_000_00) -> Market:
    market = Market()
    market.account(1, cash=cash, holdings={INFY: 10})
    market.account(2, cash=10_000_000_00, holdings={INFY: 1_000})
    return market


@pytest.mark.parametrize(
    ("place", "reason", "message"),
    [
        (dict(quantity=1, price=100_01), RejectReason.OFF_TICK, "price 100.01 is not a multiple"),
        (dict(quantity=0, price=100_00), RejectReason.BAD_QUANTITY, "quantity 0 must be positive"),
        (dict(quantity=-3, price=100_00), RejectReason.BAD_QUANTITY, "quantity -3"),
        (dict(quantity=1, price=150_00), RejectReason.OUTSIDE_CIRCUIT, "outside the circuit"),
        (dict(quantity=1, price=0), RejectReason.BAD_PRICE, "price 0.00 must be positive"),
        (dict(quantity=11, price=100_00), RejectReason.INSUFFICIENT_FUNDS, "needs 1100.00"),
        (
            dict(quantity=1, price=101_00, order_type=OrderType.SL),
            RejectReason.MISSING_TRIGGER,
            "trigger_price 0.00 must be positive",
        ),
        (dict(quantity=1, price=100_00, token=999), RejectReason.UNKNOWN_INSTRUMENT, "999"),
    ],
)
def test_bad_buy_is_rejected_with_reason_and_changes_nothing(
    place: dict[str, object], reason: RejectReason, message: str
) -> None:
    market = funded_market()
    before = market.core.state_hash()

    events = market.place(1, Side.BUY, **place)  # type: ignore[arg-type]

    (rejected,) = events
    assert isinstance(rejected, ev.OrderRejected)
    assert rejected.reason is reason
    assert message in rejected.message
    assert market.core.state_hash() == before


def test_sell_beyond_holdings_is_rejected() -> None:
    market = funded_market()

    events = market.sell(1, 11, 100_00)

    assert of_type(events, ev.OrderRejected)[0].reason is RejectReason.INSUFFICIENT_HOLDINGS


def test_another_accounts_order_looks_like_no_order() -> None:
    market = funded_market()
    victim = order_id(market.sell(2, 5, 101_00))
    before = market.core.state_hash()

    modify = market.apply(cmd.ModifyOrder(account=1, order_id=victim, price=100_00))
    cancel = market.apply(cmd.CancelOrder(account=1, order_id=victim))

    assert of_type(modify, ev.ModifyRejected)[0].reason is RejectReason.ORDER_NOT_FOUND
    assert of_type(cancel, ev.CancelRejected)[0].reason is RejectReason.ORDER_NOT_FOUND
    assert market.core.state_hash() == before


def test_withdrawal_never_exceeds_available_cash() -> None:
    market = funded_market()
    market.buy(1, 6, 100_00)  # blocks 600.00 of 1,000.00

    refused = market.apply(cmd.Withdraw(account=1, amount=400_01))
    paid = market.apply(cmd.Withdraw(account=1, amount=400_00))

    assert of_type(refused, ev.CommandRejected)[0].reason is RejectReason.INSUFFICIENT_FUNDS
    assert of_type(paid, ev.FundsWithdrawn)[0].cash_available == 0


def test_modify_down_in_quantity_keeps_priority() -> None:
    market = funded_market()
    first = order_id(market.sell(2, 10, 101_00))
    market.account(3, holdings={INFY: 10})
    second = order_id(market.sell(3, 10, 101_00))

    modified = market.apply(cmd.ModifyOrder(account=2, order_id=first, quantity=4))
    events = market.buy(1, 5, 101_00)

    assert of_type(modified, ev.OrderModified)[0].priority_kept
    buy = order_id(events)
    assert trades(events) == [(101_00, 4, buy, first), (101_00, 1, buy, second)]


def test_modify_up_in_quantity_loses_priority() -> None:
    market = funded_market()
    first = order_id(market.sell(2, 4, 101_00))
    market.account(3, holdings={INFY: 10})
    second = order_id(market.sell(3, 4, 101_00))

    modified = market.apply(cmd.ModifyOrder(account=2, order_id=first, quantity=6))
    events = market.buy(1, 5, 101_00)

    assert not of_type(modified, ev.OrderModified)[0].priority_kept
    buy = order_id(events)
    assert trades(events) == [(101_00, 4, buy, second), (101_00, 1, buy, first)]


def test_modify_that_needs_more_cash_than_available_is_refused_and_keeps_the_order() -> None:
    market = funded_market()
    buy = order_id(market.buy(1, 9, 100_00))
    before = market.core.state_hash()

    events = market.apply(cmd.ModifyOrder(account=1, order_id=buy, quantity=11))

    assert of_type(events, ev.ModifyRejected)[0].reason is RejectReason.INSUFFICIENT_FUNDS
    assert market.core.state_hash() == before


def test_modify_price_down_releases_part_of_the_block() -> None:
    market = funded_market()
    buy = order_id(market.buy(1, 10, 100_00))
    account = market.core.accounts[1]

    market.apply(cmd.ModifyOrder(account=1, order_id=buy, price=90_00))

    assert account.cash_blocked == 900_00
    assert account.cash_available == 100_00


def test_open_orders_limit_is_enforced() -> None:
    market = Market()
    market.apply(cmd.OpenAccount(account=1, limits=cmd.AccountLimits(max_open_orders=2)))
    market.apply(cmd.Deposit(account=1, amount=1_000_000_00))
    market.buy(1, 1, 90_00)
    market.buy(1, 1, 90_00)

    events = market.buy(1, 1, 90_00)

    assert of_type(events, ev.OrderRejected)[0].reason is RejectReason.MAX_OPEN_ORDERS


def test_orders_per_second_limit_counts_command_time() -> None:
    market = Market()
    market.apply(cmd.OpenAccount(account=1, limits=cmd.AccountLimits(max_orders_per_second=2)))
    market.apply(cmd.Deposit(account=1, amount=1_000_000_00))
    market.buy(1, 1, 90_00)
    market.buy(1, 1, 90_00)

    limited = market.buy(1, 1, 90_00)
    later = market.place(1, Side.BUY, 1, 90_00)  # same second: still limited
    market.apply(cmd.ClockTick(), advance_ns=1_000_000_000)
    allowed = market.buy(1, 1, 90_00)

    assert of_type(limited, ev.OrderRejected)[0].reason is RejectReason.RATE_LIMITED
    assert of_type(later, ev.OrderRejected)
    assert of_type(allowed, ev.OrderAccepted)


def test_mis_buy_blocks_leveraged_margin() -> None:
    market = funded_market(cash=300_00)

    events = market.place(1, Side.BUY, 10, 100_00, product=Product.MIS)

    (accepted,) = of_type(events, ev.OrderAccepted)
    # 1,000.00 at 5x needs 200.00; the loss to the lower circuit (80.00) is 200.00 too.
    assert accepted.blocked_cash == 200_00

"""Stop orders, expiry driven by command time, halts and the cancel-only switch."""

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import CancelReason, OrderStatus, OrderType, Validity
from bourse.domain.errors import RejectReason
from tests.unit.core.market import INFY, Market, of_type, order_id, trades

RICH = 10_000_000_00
MINUTE_NS = 60_000_000_000


def market_with_traders() -> Market:
    market = Market()
    for account in (1, 2, 3, 4):
        market.account(account, cash=RICH, holdings={INFY: 10_000})
    return market


def test_buy_stop_waits_then_triggers_when_a_trade_prints_through() -> None:
    market = market_with_traders()
    stop = market.buy(1, 5, 102_00, order_type=OrderType.SL, trigger_price=101_00)
    (accepted,) = of_type(stop, ev.OrderAccepted)
    assert accepted.status is OrderStatus.TRIGGER_PENDING
    market.sell(2, 5, 101_00)
    market.sell(3, 5, 101_50)

    events = market.buy(4, 5, 101_00)  # prints at 101.00: the stop fires and lifts 101.50

    triggered = of_type(events, ev.OrderTriggered)
    assert [t.order_id for t in triggered] == [accepted.order_id]
    assert [t[:2] for t in trades(events)] == [(101_00, 5), (101_50, 5)]


def test_stops_trigger_in_acceptance_order_not_trigger_order() -> None:
    market = market_with_traders()
    accepted_first = order_id(market.sell(1, 1, order_type=OrderType.SL_M, trigger_price=99_00))
    accepted_second = order_id(market.sell(2, 1, order_type=OrderType.SL_M, trigger_price=99_50))
    market.buy(3, 10, 98_00)
    market.sell(4, 1, 98_50)

    events = market.buy(3, 1, 98_50)  # prints at 98.50, through both triggers

    triggered = [t.order_id for t in of_type(events, ev.OrderTriggered)]
    assert triggered == [accepted_first, accepted_second]
    assert accepted_first not in market.core.orders
    assert accepted_second not in market.core.orders


def test_stop_with_trigger_on_wrong_side_is_rejected_without_state_change() -> None:
    market = market_with_traders()
    before = market.core.state_hash()

    events = market.buy(1, 5, 99_00, order_type=OrderType.SL, trigger_price=99_00)

    (rejected,) = of_type(events, ev.OrderRejected)
    assert rejected.reason is RejectReason.TRIGGER_WRONG_SIDE
    assert "trigger_price 99.00 must be above the last price 100.00" in rejected.message
    assert market.core.state_hash() == before


def test_ttl_order_expires_on_the_first_command_after_its_time() -> None:
    market = market_with_traders()
    ttl = order_id(market.buy(1, 5, 99_00, validity=Validity.TTL, validity_ttl=2))

    early = market.apply(cmd.ClockTick(), advance_ns=MINUTE_NS)
    late = market.apply(cmd.ClockTick(), advance_ns=MINUTE_NS)

    assert of_type(early, ev.OrderCancelled) == []
    (expired,) = of_type(late, ev.OrderCancelled)
    assert (expired.order_id, expired.reason) == (ttl, CancelReason.EXPIRED)
    assert market.core.accounts[1].cash_blocked == 0


def test_close_session_expires_every_working_order() -> None:
    market = market_with_traders()
    market.buy(1, 5, 99_00)
    market.sell(2, 5, 101_00)
    market.buy(3, 5, 102_00, order_type=OrderType.SL, trigger_price=101_50)

    events = market.apply(cmd.CloseSession())

    assert len(of_type(events, ev.OrderCancelled)) == 3
    assert market.core.orders == {}
    assert all(a.cash_blocked == 0 for a in market.core.accounts.values())


def test_halted_instrument_rejects_orders_but_allows_cancel() -> None:
    market = market_with_traders()
    resting = order_id(market.buy(1, 5, 99_00))
    market.apply(cmd.HaltInstrument(token=INFY, reason="news pending"))

    placed = market.buy(2, 5, 99_00)
    cancelled = market.apply(cmd.CancelOrder(account=1, order_id=resting))

    assert of_type(placed, ev.OrderRejected)[0].reason is RejectReason.INSTRUMENT_HALTED
    assert of_type(cancelled, ev.OrderCancelled)[0].order_id == resting
    market.apply(cmd.ResumeInstrument(token=INFY))
    assert of_type(market.buy(2, 5, 99_00), ev.OrderAccepted)


def test_cancel_only_switch_refuses_new_orders_and_modifications() -> None:
    market = market_with_traders()
    resting = order_id(market.buy(1, 5, 99_00))
    market.apply(cmd.SetCancelOnly(enabled=True, reason="end of day"))

    placed = market.buy(2, 5, 99_00)
    modified = market.apply(cmd.ModifyOrder(account=1, order_id=resting, price=98_00))
    cancelled = market.apply(cmd.CancelOrder(account=1, order_id=resting))

    assert of_type(placed, ev.OrderRejected)[0].reason is RejectReason.CANCEL_ONLY
    assert of_type(modified, ev.ModifyRejected)[0].reason is RejectReason.CANCEL_ONLY
    assert of_type(cancelled, ev.OrderCancelled)

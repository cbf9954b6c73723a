"""Matching scenarios: priority, partial fills, market protection, IOC, iceberg, self-trade."""

from bourse.domain import events as ev
from bourse.domain.commands import CancelOrder, ModifyOrder, PlaceOrder
from bourse.domain.enums import CancelReason, OrderType, Product, Side, Validity
from tests.unit.core.market import INFY, Market, of_type, order_id, trades

RICH = 10_000_000_00


def market_with_traders() -> Market:
    market = Market()
    for account in (1, 2, 3, 4):
        market.account(account, cash=RICH, holdings={INFY: 10_000})
    return market


def test_crossing_limit_trades_at_resting_price_in_time_priority() -> None:
    market = market_with_traders()
    first = order_id(market.sell(1, 10, 100_00))
    second = order_id(market.sell(2, 10, 100_00))
    better = order_id(market.sell(3, 5, 99_95))

    events = market.buy(4, 20, 100_05)

    buy = order_id(events)
    assert trades(events) == [
        (99_95, 5, buy, better),
        (100_00, 10, buy, first),
        (100_00, 5, buy, second),
    ]
    assert market.core.depth(INFY) == ([], [(100_00, 5, 1)])


def test_non_crossing_limit_rests_and_reports_the_level() -> None:
    market = market_with_traders()

    events = market.buy(1, 7, 99_00)

    assert trades(events) == []
    (change,) = of_type(events, ev.BookChanged)
    assert (change.side, change.price, change.quantity, change.orders) == (Side.BUY, 99_00, 7, 1)


def test_market_order_stops_at_protection_price_and_cancels_rest() -> None:
    market = market_with_traders()  # last price = reference 100.00, protection 5 %
    market.sell(1, 5, 104_00)
    market.sell(2, 5, 106_00)  # beyond the 105.00 cap

    events = market.buy(3, 10, order_type=OrderType.MARKET)

    (accepted,) = of_type(events, ev.OrderAccepted)
    assert accepted.price == 105_00
    assert [t[:2] for t in trades(events)] == [(104_00, 5)]
    (cancelled,) = of_type(events, ev.OrderCancelled)
    assert (cancelled.reason, cancelled.cancelled_quantity) == (CancelReason.MARKET_REMAINDER, 5)


def test_ioc_remainder_is_cancelled_not_rested() -> None:
    market = market_with_traders()
    market.sell(1, 3, 100_00)

    events = market.buy(2, 10, 100_00, validity=Validity.IOC)

    assert [t[:2] for t in trades(events)] == [(100_00, 3)]
    (cancelled,) = of_type(events, ev.OrderCancelled)
    assert cancelled.reason is CancelReason.IOC_REMAINDER
    assert market.core.depth(INFY) == ([], [])


def test_iceberg_shows_slice_and_requeues_behind_later_orders() -> None:
    market = market_with_traders()
    iceberg = order_id(market.sell(1, 30, 100_00, disclosed_quantity=10))
    plain = order_id(market.sell(2, 10, 100_00))
    assert market.core.depth(INFY)[1] == [(100_00, 20, 2)]

    events = market.buy(3, 25, 100_00)

    buy = order_id(events)
    # The first slice trades, the iceberg re-queues behind `plain`, then shows its next slice.
    assert trades(events) == [
        (100_00, 10, buy, iceberg),
        (100_00, 10, buy, plain),
        (100_00, 5, buy, iceberg),
    ]
    assert market.core.depth(INFY)[1] == [(100_00, 5, 1)]


def test_self_trade_cancels_the_resting_order() -> None:
    market = market_with_traders()
    own = order_id(market.sell(1, 5, 100_00))
    other = order_id(market.sell(2, 5, 100_00))

    events = market.buy(1, 5, 100_00)

    (cancelled,) = of_type(events, ev.OrderCancelled)
    assert (cancelled.order_id, cancelled.reason) == (own, CancelReason.SELF_TRADE)
    assert trades(events) == [(100_00, 5, order_id(events), other)]


def test_cancel_removes_order_and_releases_block_once() -> None:
    market = market_with_traders()
    buy = order_id(market.buy(1, 10, 99_00))
    account = market.core.accounts[1]
    assert account.cash_blocked == 990_00

    first = market.apply(CancelOrder(account=1, order_id=buy))
    second = market.apply(CancelOrder(account=1, order_id=buy))

    (cancelled,) = of_type(first, ev.OrderCancelled)
    assert cancelled.released_cash == 990_00
    assert account.cash_blocked == 0 and account.cash_available == RICH
    (rejected,) = of_type(second, ev.CancelRejected)
    assert rejected.reason.value == "ORDER_NOT_FOUND"


def test_mis_round_trip_settles_pnl_through_margin() -> None:
    market = market_with_traders()
    market.sell(1, 10, 100_00)
    market.place(2, Side.BUY, 10, 100_00, product=Product.MIS)
    account = market.core.accounts[2]
    position = account.positions[(INFY, Product.MIS)]
    assert position.net_quantity == 10
    assert account.cash_blocked == position.margin == 200_00  # 20 % of 1,000.00 at 5x

    market.buy(3, 10, 101_00)
    market.place(2, Side.SELL, 10, 101_00, product=Product.MIS)

    assert position.net_quantity == 0 and position.margin == 0
    assert position.realized_pnl == 10_00
    assert account.cash_blocked == 0
    assert account.cash_available == RICH + 10_00


def test_snapshot_restores_an_identical_core_with_books_stops_and_positions() -> None:
    from bourse.core.engine import TradingCore
    from bourse.core.snapshot import CoreState, decode_snapshot

    market = market_with_traders()
    market.sell(1, 10, 101_00, disclosed_quantity=2)
    market.buy(2, 5, 99_00, validity=Validity.TTL, validity_ttl=5)
    market.buy(3, 2, 102_00, order_type=OrderType.SL, trigger_price=101_50)
    market.place(4, Side.BUY, 3, 101_00, product=Product.MIS)
    snapshot = market.core.snapshot()

    restored = TradingCore.restore(snapshot)

    assert restored.snapshot() == snapshot
    assert restored.state_hash() == market.core.state_hash()
    assert isinstance(decode_snapshot(snapshot).state, CoreState)
    # The restored core goes on exactly like the original.
    command = PlaceOrder(
        account=1, token=INFY, side=Side.BUY, order_type=OrderType.MARKET,
        product=Product.CNC, quantity=4,
    )  # fmt: skip
    assert restored.apply(command, market.ts + 1) == market.core.apply(command, market.ts + 1)
    assert restored.state_hash() == market.core.state_hash()


def test_snapshot_encoding_is_compact_arrays() -> None:
    import msgspec

    from bourse.core.snapshot import CoreState

    assert CoreState.__struct_config__.array_like
    assert CoreState.__struct_config__.frozen
    raw = msgspec.msgpack.decode(market_with_traders().core.snapshot())
    assert isinstance(raw, list)


def book_changes(events: list[ev.Event]) -> list[tuple[Side, int, int, int]]:
    return [(c.side, c.price, c.quantity, c.orders) for c in of_type(events, ev.BookChanged)]


def test_levels_are_reported_once_each_in_the_order_they_first_changed() -> None:
    market = market_with_traders()
    market.sell(1, 5, 100_10)
    market.sell(2, 5, 100_05)
    market.sell(3, 5, 100_05)

    events = market.buy(4, 12, 100_10)

    # 100.05 changes twice (two fills) and empties; 100.10 is half taken; one event each.
    assert book_changes(events) == [(Side.SELL, 100_05, 0, 0), (Side.SELL, 100_10, 3, 1)]


def test_level_emptied_and_refilled_in_one_command_is_reported_once_at_its_end_state() -> None:
    market = market_with_traders()
    alone = order_id(market.sell(1, 5, 100_05))

    # More quantity loses priority: the order leaves its level (which empties) and comes back.
    events = market.apply(ModifyOrder(account=1, order_id=alone, quantity=8))

    assert book_changes(events) == [(Side.SELL, 100_05, 8, 1)]
    assert market.core.depth(INFY)[1] == [(100_05, 8, 1)]
    assert book_changes(market.buy(2, 8, 100_05)) == [(Side.SELL, 100_05, 0, 0)]

"""The order-history projection, fed with the events of a real trading core."""

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import CancelReason, OrderStatus, OrderType, Side, Validity, Variety
from bourse.domain.errors import RejectReason
from bourse.readmodel.orders import OrderHistory
from bourse.readmodel.views import OrderView
from tests.unit.core.market import Market, Product, instrument

A, B = 1, 2


class ProjectedMarket(Market):
    """A core whose every event also goes through an ``OrderHistory``."""

    def __init__(self) -> None:
        self.history = OrderHistory()
        self.events: list[ev.Event] = []
        self.changed: list[OrderView] = []
        super().__init__(instruments=(instrument(reference_price=100_00),))
        for account in (A, B):
            self.account(account, cash=10_000_000)

    def apply(self, command: cmd.Command, *, advance_ns: int = 1_000_000) -> list[ev.Event]:
        events = super().apply(command, advance_ns=advance_ns)
        self.events.extend(events)
        self.changed = self.history.apply(events)
        return events


def statuses(market: ProjectedMarket, account: int, order_id: str) -> list[OrderStatus]:
    states = market.history.history(account, order_id)
    assert states is not None
    return [state.status for state in states]


def test_an_accepted_order_is_listed_open_under_its_core_number() -> None:
    market = ProjectedMarket()

    market.buy(A, 10, 100_00, tag="mine")

    [state] = market.changed
    assert state.order_id == "1"
    assert state.status is OrderStatus.OPEN
    assert (state.exchange, state.tradingsymbol) == ("NSE", "SYM1")
    assert (state.quantity, state.price, state.pending_quantity) == (10, 100_00, 10)
    assert state.tag == "mine"
    assert state.exchange_order
    assert market.history.orders(A) == [state]
    assert market.history.orders(B) == []


def test_a_rejected_order_is_listed_under_its_event_number() -> None:
    market = ProjectedMarket()

    events = market.buy(A, 10, 100_03)

    [rejected] = [e for e in events if isinstance(e, ev.OrderRejected)]
    [state] = market.history.orders(A)
    assert state.order_id == f"R{rejected.seq}"
    assert state.status is OrderStatus.REJECTED
    assert state.status_reason == RejectReason.OFF_TICK.value
    assert state.status_message == rejected.message
    assert state.pending_quantity == 0
    assert not state.exchange_order


def test_fills_move_both_sides_and_record_trades_per_account() -> None:
    market = ProjectedMarket()
    market.buy(A, 10, 100_00)

    market.sell(B, 4, 100_00, product=Product.MIS)
    market.sell(B, 6, 100_00, product=Product.MIS)

    assert statuses(market, A, "1") == [OrderStatus.OPEN, OrderStatus.OPEN, OrderStatus.COMPLETE]
    final = market.history.order(A, "1")
    assert final is not None
    assert (final.filled_quantity, final.filled_value, final.pending_quantity) == (10, 1000_00, 0)
    assert [t.quantity for t in market.history.trades(A)] == [4, 6]
    assert [t.side for t in market.history.trades(B)] == [Side.SELL, Side.SELL]
    assert [t.order_id for t in market.history.trades(B)] == ["2", "3"]
    assert market.history.order_trades(A, "1") == market.history.trades(A)
    assert market.history.order_trades(B, "1") == []


def test_modify_trigger_and_cancel_each_append_a_state() -> None:
    market = ProjectedMarket()
    market.buy(A, 5, 101_00, order_type=OrderType.SL, trigger_price=100_50)
    market.apply(cmd.ModifyOrder(account=A, order_id=1, trigger_price=100_40))
    market.sell(B, 10, 100_50, product=Product.MIS)

    market.buy(A, 1, 100_50)  # prints 100.50: the stop triggers and meets B's offer

    states = market.history.history(A, "1")
    assert states is not None
    assert [s.status for s in states] == [
        OrderStatus.TRIGGER_PENDING,
        OrderStatus.TRIGGER_PENDING,
        OrderStatus.OPEN,
        OrderStatus.COMPLETE,
    ]
    assert states[1].trigger_price == 100_40
    assert states[1].price == 101_00


def test_cancelled_and_expired_orders_carry_their_reason() -> None:
    market = ProjectedMarket()
    market.buy(A, 5, 99_00)
    market.buy(A, 5, 99_00, validity=Validity.IOC)
    market.buy(A, 5, 99_00, validity=Validity.TTL, validity_ttl=1)

    market.apply(cmd.CancelOrder(account=A, order_id=1))
    market.apply(cmd.ClockTick(), advance_ns=61 * 10**9)

    by_id = {state.order_id: state for state in market.history.orders(A)}
    assert by_id["1"].status_reason == CancelReason.USER.value
    assert by_id["1"].status_message is None
    assert by_id["2"].status_reason == CancelReason.IOC_REMAINDER.value
    assert by_id["3"].status_reason == CancelReason.EXPIRED.value
    assert by_id["3"].validity_ttl == 1
    assert all(s.status is OrderStatus.CANCELLED for s in by_id.values())
    assert all(s.cancelled_quantity == 5 and s.pending_quantity == 0 for s in by_id.values())


def test_market_orders_show_no_price_and_icebergs_their_variety() -> None:
    market = ProjectedMarket()
    market.sell(B, 5, 100_00, product=Product.MIS)

    market.buy(A, 3, 0, order_type=OrderType.MARKET)
    market.buy(A, 50, 99_00, variety=Variety.ICEBERG, disclosed_quantity=10)

    market_order, iceberg = market.history.orders(A)
    assert market_order.price == 0
    assert market_order.status is OrderStatus.COMPLETE
    assert iceberg.variety is Variety.ICEBERG
    assert iceberg.disclosed_quantity == 10


def test_lookups_are_per_account() -> None:
    market = ProjectedMarket()
    market.buy(A, 5, 99_00)

    assert market.history.order(B, "1") is None
    assert market.history.history(B, "1") is None
    assert market.history.order(A, "2") is None


def test_replaying_the_same_events_rebuilds_the_same_history() -> None:
    market = ProjectedMarket()
    market.buy(A, 10, 100_00)
    market.sell(B, 4, 100_00, product=Product.MIS)
    market.buy(A, 1, 100_01)
    market.apply(cmd.CancelOrder(account=A, order_id=1))

    rebuilt = OrderHistory()
    rebuilt.apply(market.events)

    for account in (A, B):
        assert rebuilt.orders(account) == market.history.orders(account)
        assert rebuilt.trades(account) == market.history.trades(account)
    assert rebuilt.has_account(A)
    assert not rebuilt.has_account(3)
    assert rebuilt.last_seq == market.events[-1].seq

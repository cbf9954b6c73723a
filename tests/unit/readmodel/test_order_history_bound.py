"""The order history keeps every working order and only the newest finished ones per account."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import OrderStatus, OrderType
from bourse.domain.orders import FINISHED_STATUSES
from bourse.readmodel.orders import OrderHistory
from tests.unit.core.market import Market, instrument

A, B = 1, 2
KEPT = 4
STEP = 1  # an eighth of KEPT, at least one order
FORGET_ABOVE = KEPT + STEP


def kept_after(finished: int) -> int:
    """How many finished orders are kept once ``finished`` have finished: up to KEPT + STEP,
    then back to KEPT."""
    return finished if finished <= KEPT else KEPT + (finished - KEPT) % (STEP + 1)


class TwoHistories(Market):
    """A core whose events go through a bounded and an unbounded ``OrderHistory``."""

    def __init__(self) -> None:
        self.bounded = OrderHistory(finished_kept=KEPT)
        self.unbounded = OrderHistory(finished_kept=10**9)
        super().__init__(instruments=(instrument(reference_price=100_00),))
        for account in (A, B):
            self.account(account, cash=10**12, holdings={instrument().token: 10**6})

    def apply(self, command: cmd.Command, *, advance_ns: int = 1_000_000) -> list[ev.Event]:
        events = super().apply(command, advance_ns=advance_ns)
        self.bounded.apply(events)
        self.unbounded.apply(events)
        return events


def finished_in_order(history: OrderHistory, account: int) -> list[str]:
    """Finished order ids in the order they finished (by their last state's event)."""
    done = [o for o in history.orders(account) if o.status in FINISHED_STATUSES]
    return [o.order_id for o in sorted(done, key=lambda o: o.event_seq)]


def assert_bounded_view(market: TwoHistories) -> None:
    for account in (A, B):
        everything = market.unbounded.orders(account)
        kept = market.bounded.orders(account)
        kept_ids = {o.order_id for o in kept}
        # What is kept is exactly what the unbounded history says, in the same order.
        assert kept == [o for o in everything if o.order_id in kept_ids]
        # Every working order is kept.
        assert {o.order_id for o in everything if o.status not in FINISHED_STATUSES} <= kept_ids
        # The finished ones kept are the newest, at least KEPT of them when there are that many.
        finished = finished_in_order(market.unbounded, account)
        kept_finished = [i for i in finished if i in kept_ids]
        assert kept_finished == finished[len(finished) - len(kept_finished) :]
        assert len(kept_finished) == kept_after(len(finished))
        # Trades of kept orders only, all of them, in execution order.
        assert market.bounded.trades(account) == [
            t for t in market.unbounded.trades(account) if t.order_id in kept_ids
        ]
        for order in everything:
            if order.order_id in kept_ids:
                assert market.bounded.history(account, order.order_id) == (
                    market.unbounded.history(account, order.order_id)
                )
                assert market.bounded.order_trades(account, order.order_id) == (
                    market.unbounded.order_trades(account, order.order_id)
                )
            else:
                assert market.bounded.order(account, order.order_id) is None
                assert market.bounded.history(account, order.order_id) is None
                assert market.bounded.order_trades(account, order.order_id) == []


def test_a_resting_order_outlives_many_finished_ones() -> None:
    market = TwoHistories()
    market.buy(A, 1, 90_00)  # order 1 rests all along
    for _ in range(20):
        market.sell(B, 2, 100_00)
        market.buy(A, 2, 100_00)  # fills B's sell: both complete

    ids = [o.order_id for o in market.bounded.orders(A)]
    assert ids[0] == "1"
    assert market.bounded.order(A, "1") is not None
    assert KEPT <= len(ids) - 1 <= FORGET_ABOVE
    assert len(market.bounded.trades(A)) == len(ids) - 1
    assert_bounded_view(market)


def test_a_rejected_order_counts_as_finished() -> None:
    market = TwoHistories()
    for _ in range(10):
        market.buy(A, 1, 100_03)  # off tick: rejected, listed as R<seq>

    kept = market.bounded.orders(A)
    assert all(o.status is OrderStatus.REJECTED for o in kept)
    assert KEPT <= len(kept) <= FORGET_ABOVE
    assert_bounded_view(market)


def test_the_bound_must_keep_something() -> None:
    with pytest.raises(ValueError, match="finished_kept 0"):
        OrderHistory(finished_kept=0)


actions = st.lists(
    st.tuples(
        st.sampled_from(["buy", "sell", "market", "cancel", "off_tick"]),
        st.sampled_from([A, B]),
        st.integers(min_value=1, max_value=5),
        st.integers(min_value=-3, max_value=3),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(actions)
def test_any_sequence_keeps_working_orders_and_the_newest_finished(
    steps: list[tuple[str, int, int, int]],
) -> None:
    market = TwoHistories()
    for kind, account, quantity, ticks in steps:
        price = 100_00 + ticks * 5
        if kind == "buy":
            market.buy(account, quantity, price)
        elif kind == "sell":
            market.sell(account, quantity, price)
        elif kind == "market":
            market.buy(account, quantity, order_type=OrderType.MARKET)
        elif kind == "off_tick":
            market.sell(account, quantity, price + 1)
        else:
            working = [o for o in market.core.orders.values() if o.account == account]
            if working:
                target = working[quantity % len(working)]
                market.apply(cmd.CancelOrder(account=account, order_id=target.order_id))
        assert_bounded_view(market)

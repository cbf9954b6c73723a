"""Another account's orders stay invisible (DESIGN.md §8: no user can see or touch another's
orders): a stranger's cancel or modify is refused the same way whatever became of the order it
names (open, complete, cancelled) and whether or not it was ever issued."""

from hypothesis import given
from hypothesis import strategies as st

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import OrderType, Product, Side
from tests.property.one_instrument import REFERENCE_PRICE, TICK, TOKEN, OneInstrument

orders = st.lists(
    st.tuples(
        st.sampled_from((1, 2)),
        st.sampled_from(Side),
        st.integers(1, 10),
        st.integers(-3, 3),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
)
"""(account, side, quantity, ticks from the reference price, cancel it right away)"""


@given(orders)
def test_stranger_is_refused_alike_for_open_finished_and_unknown_orders(
    flow: list[tuple[int, Side, int, int, bool]],
) -> None:
    market = OneInstrument(range(1, 4), cash=10**9, shares=1_000, charges="zero")
    issued = 0
    for account, side, quantity, ticks, cancel in flow:
        events = market.apply(
            cmd.PlaceOrder(
                account=account,
                token=TOKEN,
                side=side,
                order_type=OrderType.LIMIT,
                product=Product.CNC,
                quantity=quantity,
                price=REFERENCE_PRICE + ticks * TICK,
            )
        )
        (accepted,) = [e for e in events if isinstance(e, ev.OrderAccepted)]
        issued = accepted.order_id
        if cancel:
            market.apply(cmd.CancelOrder(account=account, order_id=accepted.order_id))

    # Account 3 never placed anything: every id is somebody else's or none at all.
    reasons = set()
    for order_id in range(1, issued + 2):
        for command in (
            cmd.CancelOrder(account=3, order_id=order_id),
            cmd.ModifyOrder(account=3, order_id=order_id, quantity=1),
        ):
            (refusal,) = market.apply(command)
            assert isinstance(refusal, ev.CancelRejected | ev.ModifyRejected), refusal
            reasons.add(refusal.reason)
    assert len(reasons) == 1, (
        f"a stranger can tell orders apart by the refusal reason: {sorted(reasons)}"
    )

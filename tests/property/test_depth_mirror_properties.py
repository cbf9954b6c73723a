"""The depth mirror kept from BookChanged events shows exactly the core's books: the same
levels (20 a side) and the same visible totals, after any mix of orders, icebergs, modifies,
cancels, market orders and a session close."""

from hypothesis import given
from hypothesis import strategies as st

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import OrderType, Product, Side
from bourse.marketdata.depth import MAX_DEPTH_LEVELS, DepthMirror
from tests.unit.core.market import INFY, Market, of_type

A, B = 1, 2
PRICES = st.integers(90, 110).map(lambda rupees: rupees * 100)

place = st.tuples(
    st.just("place"),
    st.sampled_from([A, B]),
    st.sampled_from([Side.BUY, Side.SELL]),
    st.integers(1, 50),
    PRICES,
    st.booleans(),
)
market_order = st.tuples(
    st.just("market"), st.sampled_from([A, B]), st.sampled_from([Side.BUY, Side.SELL]),
    st.integers(1, 80), st.just(0), st.just(False),
)  # fmt: skip
cancel = st.tuples(st.just("cancel"), st.integers(0, 40))
modify = st.tuples(st.just("modify"), st.integers(0, 40), st.integers(1, 60), PRICES)
close = st.tuples(st.just("close"))
steps = st.lists(st.one_of(place, place, market_order, cancel, modify, close), max_size=40)


def run(market: Market, mirror: DepthMirror, command: cmd.Command, live: list[int]) -> None:
    events = market.apply(command)
    for event in events:
        if isinstance(event, ev.BookChanged):
            mirror.apply(event)
    live.extend(accepted.order_id for accepted in of_type(events, ev.OrderAccepted))


@given(steps)
def test_the_mirror_shows_the_cores_books_after_any_orders(actions: list[tuple]) -> None:  # type: ignore[type-arg]
    market = Market()
    mirror = DepthMirror()
    for account in (A, B):
        market.account(account, cash=10**12, holdings={INFY: 10**6})
    orders: list[int] = []
    owners: dict[int, int] = {}
    for action in actions:
        kind = action[0]
        if kind in ("place", "market"):
            _, account, side, quantity, price, iceberg = action
            extra: dict[str, object] = {}
            if iceberg and quantity >= 10:
                extra["disclosed_quantity"] = quantity // 5 * 2 or 1
            command: cmd.Command = cmd.PlaceOrder(
                account=account,
                token=INFY,
                side=side,
                order_type=OrderType.LIMIT if kind == "place" else OrderType.MARKET,
                product=Product.CNC,
                quantity=quantity,
                price=price,
                **extra,  # type: ignore[arg-type]
            )
            before = len(orders)
            run(market, mirror, command, orders)
            for order in orders[before:]:
                owners[order] = account
        elif kind == "cancel" and orders:
            order = orders[action[1] % len(orders)]
            run(market, mirror, cmd.CancelOrder(account=owners[order], order_id=order), orders)
        elif kind == "modify" and orders:
            order = orders[action[1] % len(orders)]
            command = cmd.ModifyOrder(
                account=owners[order], order_id=order, quantity=action[2], price=action[3]
            )
            run(market, mirror, command, orders)
        elif kind == "close":
            run(market, mirror, cmd.CloseSession(), orders)

        bids, asks = market.core.depth(INFY, MAX_DEPTH_LEVELS)
        book = market.core.books[INFY]
        shown = mirror.depth(INFY, MAX_DEPTH_LEVELS)
        assert (shown.bids, shown.asks) == (bids, asks)
        assert shown.total_buy_quantity == book.bids.total_visible()
        assert shown.total_sell_quantity == book.asks.total_visible()

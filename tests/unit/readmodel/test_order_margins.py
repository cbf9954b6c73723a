"""Order margins read from a real core: exactly what placing the order blocks."""

import pytest

from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from bourse.readmodel.margins import ProposedOrder, order_margin, read_order_margins
from bourse.readmodel.portfolio import read_funds
from tests.unit.core.market import INFY, Market

ACCOUNT = 7


def proposed(
    side: Side = Side.BUY,
    order_type: OrderType = OrderType.LIMIT,
    product: Product = Product.CNC,
    quantity: int = 10,
    price: int = 100_00,
    trigger_price: int = 0,
) -> ProposedOrder:
    return ProposedOrder(
        token=INFY,
        side=side,
        order_type=order_type,
        product=product,
        quantity=quantity,
        price=price,
        trigger_price=trigger_price,
    )


@pytest.mark.parametrize(
    "order",
    [
        proposed(),
        proposed(product=Product.MIS),
        proposed(order_type=OrderType.SL_M, price=0, trigger_price=102_00),
        proposed(side=Side.SELL, product=Product.MIS, price=101_00),
    ],
    ids=["cnc-limit-buy", "mis-limit-buy", "cnc-stop-market-buy", "mis-short-sell"],
)
def test_margin_equals_the_cash_placing_the_order_blocks(order: ProposedOrder) -> None:
    market = Market(charges="nse-equity-2026-01")
    market.account(ACCOUNT, cash=10_000_00)
    margin = order_margin(market.core, order)

    market.apply(
        cmd.PlaceOrder(
            account=ACCOUNT,
            token=order.token,
            side=order.side,
            order_type=order.order_type,
            product=order.product,
            quantity=order.quantity,
            price=order.price,
            trigger_price=order.trigger_price,
        )
    )

    assert read_funds(ACCOUNT)(market.core).blocked == margin.blocked
    assert margin.charges.total > 0


def test_market_order_is_valued_at_the_last_price_and_blocked_at_the_cap() -> None:
    market = Market(charges="nse-equity-2026-01")

    margin = order_margin(market.core, proposed(order_type=OrderType.MARKET, price=0))

    assert margin.value == 10 * 100_00
    assert margin.margin == 10 * 105_00  # 5 % market protection


def test_unlisted_instrument_is_named_instead_of_priced() -> None:
    market = Market()
    unknown = ProposedOrder(
        token=INFY + 256,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        product=Product.CNC,
        quantity=1,
        price=1_00,
        trigger_price=0,
    )

    assert read_order_margins([proposed(), unknown])(market.core) == INFY + 256

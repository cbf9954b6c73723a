"""What an order would block and cost, computed by the core's own rules, read in line.

``read_order_margins`` returns a function for ``JournaledCore.read``: for each proposed order it
builds the working order the core would build (MARKET and SL-M capped at the protection price
from the last or trigger price), asks ``cash_needed`` what the core would block for it, and
prices the charges on the order's value with the core's charge schedule. Nothing is changed.
"""

from collections.abc import Callable

import msgspec

from bourse.core.engine import TradingCore
from bourse.core.risk import cash_needed, protection_price
from bourse.core.state import WorkingOrder
from bourse.domain.charges import ChargeBreakdown
from bourse.domain.enums import OrderType, Product, Side, Validity
from bourse.domain.types import InstrumentToken, Paise, Quantity


class ProposedOrder(msgspec.Struct, frozen=True, kw_only=True):
    token: InstrumentToken
    side: Side
    order_type: OrderType
    product: Product
    quantity: Quantity
    price: Paise
    trigger_price: Paise


class OrderMargin(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    token: InstrumentToken
    value: Paise
    """Quantity at the limit price (MARKET: last price; SL-M: trigger)."""
    blocked: Paise
    """Cash the core would block on acceptance: value or MIS margin, plus charges."""
    margin: Paise
    """``blocked`` less the estimated charges."""
    leverage: int
    charges: ChargeBreakdown


def _valued_price(core: TradingCore, order: ProposedOrder) -> Paise:
    if order.order_type is OrderType.MARKET:
        return core.instruments[order.token].last_price
    if order.order_type is OrderType.SL_M:
        return order.trigger_price
    return order.price


def _working_price(core: TradingCore, order: ProposedOrder) -> Paise:
    if order.order_type not in (OrderType.MARKET, OrderType.SL_M):
        return order.price
    state = core.instruments[order.token]
    reference = state.last_price if order.order_type is OrderType.MARKET else order.trigger_price
    return protection_price(
        order.side is Side.BUY,
        reference,
        core.config.market_protection_bp,
        state.instrument.tick_size,
        state.lower_circuit,
        state.upper_circuit,
    )


def order_margin(core: TradingCore, order: ProposedOrder) -> OrderMargin:
    state = core.instruments[order.token]
    working = WorkingOrder(
        order_id=0,
        account=0,
        token=order.token,
        side=order.side,
        order_type=order.order_type,
        product=order.product,
        validity=Validity.DAY,
        variety="regular",
        quantity=order.quantity,
        price=_working_price(core, order),
        trigger_price=order.trigger_price,
        disclosed_quantity=0,
        expires_at_ns=0,
        client_order_id="",
        tag="",
    )
    blocked = cash_needed(
        working, core.schedule, state.leverage, state.lower_circuit, state.upper_circuit
    )
    value = order.quantity * _valued_price(core, order)
    charges = core.schedule.breakdown(order.side, order.product, value)
    # The block covers charges on the worst-case value; what is left of it is the margin.
    worst_charges = (
        core.schedule.total(order.side, order.product, working.quantity * working.price)
        if order.side is Side.BUY or order.product is Product.MIS
        else 0
    )
    return OrderMargin(
        token=order.token,
        value=value,
        blocked=blocked,
        margin=max(0, blocked - worst_charges),
        leverage=state.leverage if order.product is Product.MIS else 1,
        charges=charges,
    )


def read_order_margins(
    orders: list[ProposedOrder],
) -> Callable[[TradingCore], list[OrderMargin] | InstrumentToken]:
    """The margins of ``orders``, or the token of the first one the core does not list."""

    def read(core: TradingCore) -> list[OrderMargin] | InstrumentToken:
        for order in orders:
            if order.token not in core.instruments:
                return order.token
        return [order_margin(core, order) for order in orders]

    return read

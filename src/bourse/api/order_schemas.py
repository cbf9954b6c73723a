"""Wire types of the order routes, with Kite Connect v3 field names.

Order and trade ids are strings, as Kite sends them: an accepted order's id is the core's order
number ("17"); a rejected order has no exchange order id and is listed as ``R<n>``.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from bourse.api.wire_values import (
    MAX_QUANTITY,
    Rupees,
    average_rupees,
    optional_timestamp,
    rupees,
    timestamp,
)
from bourse.domain.enums import OrderStatus, OrderType, Product, Side, Validity, Variety
from bourse.readmodel.views import OrderView, TradeView

Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]
OptionalQuantity = Annotated[int, msgspec.Meta(ge=0, le=MAX_QUANTITY)]
Tag = Annotated[str, msgspec.Meta(max_length=20)]
TTL_MINUTES_MAX = 365 * 24 * 60


class PlaceOrderRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new order, Kite's fields. Prices are rupees; ``price`` is for LIMIT and SL,
    ``trigger_price`` for SL and SL-M; iceberg orders (variety ``iceberg``) show
    ``disclosed_quantity`` at a time."""

    exchange: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    tradingsymbol: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    transaction_type: Side
    order_type: OrderType
    product: Product
    quantity: Quantity
    price: Rupees | None = None
    trigger_price: Rupees | None = None
    validity: Validity = Validity.DAY
    validity_ttl: Annotated[int, msgspec.Meta(ge=0, le=TTL_MINUTES_MAX)] = 0
    disclosed_quantity: OptionalQuantity = 0
    tag: Tag | None = None


class ModifyOrderRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields to change on an open or trigger-pending order; the others keep their value."""

    quantity: Quantity | None = None
    price: Rupees | None = None
    trigger_price: Rupees | None = None
    order_type: OrderType | None = None
    disclosed_quantity: OptionalQuantity | None = None
    validity: Validity | None = None
    """Accepted for Kite clients, which send it; it must be the order's own validity."""


class OrderReference(msgspec.Struct, frozen=True):
    order_id: str


class Order(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    exchange_order_id: str | None
    variety: Variety
    status: OrderStatus
    status_message: str | None
    status_reason: str | None
    """Machine-readable reject/cancel reason (e.g. ``OFF_TICK``, ``IOC_REMAINDER``)."""
    exchange: str
    tradingsymbol: str
    instrument_token: int
    transaction_type: Side
    order_type: OrderType
    product: Product
    validity: Validity
    validity_ttl: int
    quantity: int
    disclosed_quantity: int
    price: Decimal
    trigger_price: Decimal
    average_price: Decimal
    filled_quantity: int
    pending_quantity: int
    cancelled_quantity: int
    order_timestamp: datetime
    exchange_timestamp: datetime | None
    exchange_update_timestamp: datetime
    tag: str | None


class Trade(msgspec.Struct, frozen=True, kw_only=True):
    trade_id: str
    order_id: str
    exchange_order_id: str
    exchange: str
    tradingsymbol: str
    instrument_token: int
    product: Product
    transaction_type: Side
    average_price: Decimal
    """The trade's price (Kite's name)."""
    quantity: int
    charges: Decimal
    """What this fill cost this side in brokerage, taxes and fees."""
    fill_timestamp: datetime
    exchange_timestamp: datetime


class OrderUpdate(msgspec.Struct, frozen=True):
    """A WebSocket message: one new state of one of the user's orders."""

    data: Order
    type: str = "order"


def order_wire(view: OrderView) -> Order:
    return Order(
        order_id=view.order_id,
        exchange_order_id=view.order_id if view.exchange_order else None,
        variety=view.variety,
        status=view.status,
        status_message=view.status_message,
        status_reason=view.status_reason,
        exchange=view.exchange,
        tradingsymbol=view.tradingsymbol,
        instrument_token=view.token,
        transaction_type=view.side,
        order_type=view.order_type,
        product=view.product,
        validity=view.validity,
        validity_ttl=view.validity_ttl,
        quantity=view.quantity,
        disclosed_quantity=view.disclosed_quantity,
        price=rupees(view.price),
        trigger_price=rupees(view.trigger_price),
        average_price=average_rupees(view.filled_value, view.filled_quantity),
        filled_quantity=view.filled_quantity,
        pending_quantity=view.pending_quantity,
        cancelled_quantity=view.cancelled_quantity,
        order_timestamp=timestamp(view.placed_at_ns),
        exchange_timestamp=optional_timestamp(view.placed_at_ns if view.exchange_order else 0),
        exchange_update_timestamp=timestamp(view.updated_at_ns),
        tag=view.tag or None,
    )


def trade_wire(view: TradeView) -> Trade:
    executed = timestamp(view.executed_at_ns)
    return Trade(
        trade_id=view.trade_id,
        order_id=view.order_id,
        exchange_order_id=view.order_id,
        exchange=view.exchange,
        tradingsymbol=view.tradingsymbol,
        instrument_token=view.token,
        product=view.product,
        transaction_type=view.side,
        average_price=rupees(view.price),
        quantity=view.quantity,
        charges=rupees(view.charges),
        fill_timestamp=executed,
        exchange_timestamp=executed,
    )

"""The read models' values: one state of an order, one side of a trade, in core units.

Immutable, so a projection can hand them out and keep appending without copying.
"""

import msgspec

from bourse.domain.enums import OrderStatus, OrderType, Product, Side, Validity, Variety
from bourse.domain.types import AccountId, InstrumentToken, Paise, Quantity


class OrderView(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One state of an order, in core units (paise, shares, nanoseconds)."""

    order_id: str
    account: AccountId
    token: InstrumentToken
    exchange: str
    tradingsymbol: str
    side: Side
    order_type: OrderType
    product: Product
    validity: Validity
    validity_ttl: int
    variety: Variety
    quantity: Quantity
    price: Paise
    """The limit as the client gave it; 0 for MARKET and SL-M (the protection cap is internal)."""
    trigger_price: Paise
    disclosed_quantity: Quantity
    status: OrderStatus
    status_message: str | None
    status_reason: str | None
    """Reject or cancel reason code (``RejectReason`` / ``CancelReason``), else None."""
    filled_quantity: Quantity
    filled_value: Paise
    cancelled_quantity: Quantity
    exchange_order: bool
    """Whether the core accepted it (a rejected order has no exchange order id)."""
    placed_at_ns: int
    updated_at_ns: int
    tag: str
    client_order_id: str
    event_seq: int
    """Number of the event that produced this state."""

    @property
    def pending_quantity(self) -> Quantity:
        if self.status is OrderStatus.REJECTED:
            return 0
        return self.quantity - self.filled_quantity - self.cancelled_quantity


class TradeView(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One account's side of a trade."""

    trade_id: str
    order_id: str
    account: AccountId
    token: InstrumentToken
    exchange: str
    tradingsymbol: str
    product: Product
    side: Side
    price: Paise
    quantity: Quantity
    charges: Paise
    executed_at_ns: int

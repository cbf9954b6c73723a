"""Kite's order margin calculator: ``POST /margins/orders`` (a JSON list of orders).

For each order it answers what the core would block on acceptance (the core's own
``cash_needed``, MARKET and SL-M valued at the protection cap as the core does) and the charges
on the order's value (the core's charge schedule), in Kite's shape. The read goes through the
journaled core (``trading.read``), in line with commands; nothing is journaled.
"""

from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.bodies import read_body
from bourse.api.envelope import JSON, success
from bourse.api.errors import order_rejected
from bourse.api.gateway import Gateway
from bourse.api.operations import Operation
from bourse.api.order_schemas import Quantity
from bourse.api.trading_services import trading_services
from bourse.api.wire_values import Rupees, decode_body, optional_paise, rupees
from bourse.domain.enums import OrderType, Product, Side, Variety
from bourse.domain.errors import RejectReason
from bourse.readmodel.margins import OrderMargin, ProposedOrder, read_order_margins

MAX_ORDERS = 50
_NEEDS_PRICE = (OrderType.LIMIT, OrderType.SL)
_NEEDS_TRIGGER = (OrderType.SL, OrderType.SL_M)


class MarginOrderRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One order to price, Kite's fields (``price`` for LIMIT and SL, ``trigger_price`` for
    SL and SL-M)."""

    exchange: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    tradingsymbol: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    transaction_type: Side
    variety: Variety = Variety.REGULAR
    product: Product
    order_type: OrderType
    quantity: Quantity
    price: Rupees | None = None
    trigger_price: Rupees | None = None


MarginOrders = Annotated[
    list[MarginOrderRequest], msgspec.Meta(min_length=1, max_length=MAX_ORDERS)
]
_RawOrders = Annotated[list[msgspec.Raw], msgspec.Meta(min_length=1, max_length=MAX_ORDERS)]
_list_decoder = msgspec.json.Decoder(_RawOrders)
_order_decoder = msgspec.json.Decoder(MarginOrderRequest)


def decode_orders(body: bytes) -> list[MarginOrderRequest]:
    """The list, each order decoded as the order routes decode one (``5.0`` is an integer)."""
    return [
        decode_body(JSON, bytes(raw), _order_decoder, MarginOrderRequest)
        for raw in _list_decoder.decode(body)
    ]


class Gst(msgspec.Struct, frozen=True, kw_only=True):
    igst: Decimal
    cgst: Decimal
    sgst: Decimal
    total: Decimal


class Charges(msgspec.Struct, frozen=True, kw_only=True):
    transaction_tax: Decimal
    transaction_tax_type: Literal["stt"]
    exchange_turnover_charge: Decimal
    sebi_turnover_charge: Decimal
    brokerage: Decimal
    stamp_duty: Decimal
    gst: Gst
    total: Decimal


class Pnl(msgspec.Struct, frozen=True, kw_only=True):
    realised: Decimal
    unrealised: Decimal


class OrderMarginResponse(msgspec.Struct, frozen=True, kw_only=True):
    type: Literal["equity"]
    tradingsymbol: str
    exchange: str
    span: Decimal
    exposure: Decimal
    option_premium: Decimal
    additional: Decimal
    bo: Decimal
    cash: Decimal
    var: Decimal
    """The order's value (CNC buys) or MIS margin the core would block, charges excluded."""
    pnl: Pnl
    leverage: int
    charges: Charges
    """Charges on the order's value (MARKET: at the last price)."""
    total: Decimal
    """Cash the core blocks on acceptance: ``var`` plus charges on the worst-case value."""


def _proposed(order: MarginOrderRequest, token: int) -> ProposedOrder:
    # Refused as the core refuses such an order (400 naming the rule in data.reason).
    if order.order_type in _NEEDS_PRICE and not order.price:
        raise order_rejected(
            RejectReason.BAD_PRICE.value, f"price is required for {order.order_type.value} orders"
        )
    if order.order_type in _NEEDS_TRIGGER and not order.trigger_price:
        raise order_rejected(
            RejectReason.MISSING_TRIGGER.value,
            f"trigger_price is required for {order.order_type.value} orders",
        )
    price = optional_paise(order.price, "price") or 0
    trigger = optional_paise(order.trigger_price, "trigger_price") or 0
    return ProposedOrder(
        token=token,
        side=order.transaction_type,
        order_type=order.order_type,
        product=order.product,
        quantity=order.quantity,
        price=price if order.order_type in _NEEDS_PRICE else 0,
        trigger_price=trigger if order.order_type in _NEEDS_TRIGGER else 0,
    )


def margin_wire(order: MarginOrderRequest, margin: OrderMargin) -> OrderMarginResponse:
    charges = margin.charges
    zero = rupees(0)
    return OrderMarginResponse(
        type="equity",
        tradingsymbol=order.tradingsymbol,
        exchange=order.exchange,
        span=zero,
        exposure=zero,
        option_premium=zero,
        additional=zero,
        bo=zero,
        cash=zero,
        var=rupees(margin.margin),
        pnl=Pnl(realised=zero, unrealised=zero),
        leverage=margin.leverage,
        charges=Charges(
            transaction_tax=rupees(charges.stt),
            transaction_tax_type="stt",
            exchange_turnover_charge=rupees(charges.exchange_charge),
            sebi_turnover_charge=rupees(charges.sebi_fee),
            brokerage=rupees(charges.brokerage),
            stamp_duty=rupees(charges.stamp_duty),
            gst=Gst(igst=rupees(charges.gst), cgst=zero, sgst=zero, total=rupees(charges.gst)),
            total=rupees(charges.total),
        ),
        total=rupees(margin.blocked),
    )


def operations(gateway: Gateway) -> list[Operation]:
    services = trading_services(gateway)
    board = services.models.market

    async def order_margins(request: Request) -> Response:
        await gateway.caller(request)
        orders = decode_orders(await read_body(request))
        proposed: list[ProposedOrder] = []
        for order in orders:
            token = board.token_of(order.exchange, order.tradingsymbol)
            if token is None:
                raise order_rejected(
                    RejectReason.UNKNOWN_INSTRUMENT.value,
                    f"instrument {order.exchange}:{order.tradingsymbol} does not exist",
                )
            proposed.append(_proposed(order, token))
        found = await services.trading.read(read_order_margins(proposed))
        if not isinstance(found, list):
            raise order_rejected(
                RejectReason.UNKNOWN_INSTRUMENT.value, f"instrument {found} is not listed"
            )
        return success([margin_wire(o, m) for o, m in zip(orders, found, strict=True)])

    return [
        Operation(
            "POST",
            "/api/v1/margins/orders",
            order_margins,
            summary="Margin and charges of orders before placing them (Kite's calculator)",
            tag="margins",
            body=MarginOrders,
            response=list[OrderMarginResponse],
            errors=(400, 401, 413, 422, 429),
        )
    ]

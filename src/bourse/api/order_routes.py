"""Orders: place, modify, cancel (Kite paths), the order book, each order's history, trades.

The order path is kept lean: authenticate (cached principal), decode with a module-level
msgspec decoder, one ``trading.execute`` (answered once the command is durable and applied),
encode. No database access. Reads come from the order-history projection, keyed by the
caller's account, so another user's order id is simply not found (404).
"""

import msgspec
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.bodies import read_body
from bourse.api.envelope import success
from bourse.api.errors import ApiError, input_error, not_found, order_rejected
from bourse.api.gateway import Gateway
from bourse.api.operations import Operation, Parameter
from bourse.api.order_schemas import (
    ModifyOrderRequest,
    Order,
    OrderReference,
    PlaceOrderRequest,
    Trade,
    order_wire,
    trade_wire,
)
from bourse.api.trading_services import TradingServices, trading_services
from bourse.api.wire_values import decode_body, optional_paise
from bourse.domain import events as ev
from bourse.domain.commands import CancelOrder, ModifyOrder, PlaceOrder
from bourse.domain.enums import Variety
from bourse.domain.errors import RejectReason
from bourse.domain.orders import is_finished
from bourse.domain.types import AccountId, InstrumentToken
from bourse.readmodel.orders import REJECTED_ID_PREFIX
from bourse.readmodel.views import OrderView

_place_decoder = msgspec.json.Decoder(PlaceOrderRequest)
_modify_decoder = msgspec.json.Decoder(ModifyOrderRequest)
_VARIETIES = {variety.value: variety for variety in Variety}


class VarietyConvertor(Convertor[str]):
    """Matches only the varieties, so ``POST /orders/{order_id}`` is a 405 (the order routes
    share their Kite paths), not a variety error."""

    regex = "|".join(_VARIETIES)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


WRITE_ERRORS = (400, 401, 404, 405, 409, 413, 422, 429)
"""405: a path whose variety is none of the varieties names an order (GET only)."""
READ_ERRORS = (401, 404, 429)

VARIETY = Parameter("variety", "path", Variety, description="regular, iceberg, amo or co")
ORDER_ID = Parameter("order_id", "path", str, description="the order id, as listed")


def path_variety(request: Request) -> Variety:
    raw = request.path_params["variety"]
    variety = _VARIETIES.get(raw)
    if variety is None:
        raise input_error(f"variety {raw!r} is not one of {', '.join(_VARIETIES)}")
    return variety


def rejection(event: ev.Event) -> ApiError:
    """The API error for a core rejection event of the caller's own order.

    The core answers ORDER_NOT_FOUND for any order that is not an open order of the caller (so
    no account can probe another's); the gateway has already found the order in the caller's
    own history, so here it can only mean the order finished in the meantime.
    """
    reason: RejectReason = event.reason  # type: ignore[attr-defined]
    message: str = event.message  # type: ignore[attr-defined]
    if reason is RejectReason.ORDER_NOT_FOUND:
        return order_rejected(RejectReason.ORDER_FINISHED.value, message)
    return order_rejected(reason.value, message)


class OrderDesk:
    """The order routes' handlers over the trading services."""

    def __init__(self, gateway: Gateway, services: TradingServices) -> None:
        self.gateway = gateway
        self.services = services
        self.trading = services.trading
        self.orders = services.models.orders
        self.market = services.models.market

    # --- writes ------------------------------------------------------------------------------

    async def place(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        variety = path_variety(request)
        body = await read_body(request)
        account = principal.account_id
        content_type = request.headers.get("content-type")
        return await self.services.idempotency.respond(
            request,
            principal.user_id,
            body,
            lambda: self._place(
                account, variety, decode_body(content_type, body, _place_decoder, PlaceOrderRequest)
            ),
        )

    async def _place(
        self, account: AccountId, variety: Variety, order: PlaceOrderRequest
    ) -> Response:
        command = PlaceOrder(
            account=account,
            token=self._token(order),
            side=order.transaction_type,
            order_type=order.order_type,
            product=order.product,
            quantity=order.quantity,
            price=optional_paise(order.price, "price") or 0,
            trigger_price=optional_paise(order.trigger_price, "trigger_price") or 0,
            validity=order.validity,
            validity_ttl=order.validity_ttl,
            disclosed_quantity=order.disclosed_quantity,
            variety=variety,
            tag=order.tag or "",
        )
        await self.services.accounts.ensure(account)
        for event in await self.trading.execute(command):
            if type(event) is ev.OrderAccepted:
                return success(OrderReference(str(event.order_id)))
            if type(event) is ev.OrderRejected:
                # Listed as REJECTED under this id, as Kite lists rejected orders.
                rejected_id = f"{REJECTED_ID_PREFIX}{event.seq}"
                data = {"reason": event.reason.value, "order_id": rejected_id}
                raise ApiError(400, "OrderException", event.message, data)
        raise RuntimeError("PlaceOrder produced neither OrderAccepted nor OrderRejected")

    def _token(self, order: PlaceOrderRequest) -> InstrumentToken:
        token = self.market.token_of(order.exchange, order.tradingsymbol)
        if token is None:
            raise order_rejected(
                RejectReason.UNKNOWN_INSTRUMENT.value,
                f"instrument {order.exchange}:{order.tradingsymbol} does not exist",
            )
        return token

    async def modify(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        variety = path_variety(request)
        body = await read_body(request)
        account = principal.account_id
        order_id = request.path_params["order_id"]
        content_type = request.headers.get("content-type")
        return await self.services.idempotency.respond(
            request,
            principal.user_id,
            body,
            lambda: self._modify(account, variety, order_id, content_type, body),
        )

    async def _modify(
        self,
        account: AccountId,
        variety: Variety,
        order_id: str,
        content_type: str | None,
        body: bytes,
    ) -> Response:
        change = decode_body(content_type, body, _modify_decoder, ModifyOrderRequest)
        core_id = self._working_order_id(account, variety, order_id)
        if (
            change.validity is not None
            and change.validity is not self._own(account, order_id).validity
        ):
            raise order_rejected(
                RejectReason.UNSUPPORTED.value, "validity cannot be changed by a modification"
            )
        command = ModifyOrder(
            account=account,
            order_id=core_id,
            quantity=change.quantity,
            price=optional_paise(change.price, "price"),
            trigger_price=optional_paise(change.trigger_price, "trigger_price"),
            order_type=change.order_type,
            disclosed_quantity=change.disclosed_quantity,
        )
        for event in await self.trading.execute(command):
            if type(event) is ev.OrderModified:
                return success(OrderReference(order_id))
            if type(event) is ev.ModifyRejected:
                raise rejection(event)
        raise RuntimeError("ModifyOrder produced neither OrderModified nor ModifyRejected")

    async def cancel(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        variety = path_variety(request)
        body = await read_body(request)
        account = principal.account_id
        order_id = request.path_params["order_id"]
        return await self.services.idempotency.respond(
            request, principal.user_id, body, lambda: self._cancel(account, variety, order_id)
        )

    async def _cancel(self, account: AccountId, variety: Variety, order_id: str) -> Response:
        core_id = self._working_order_id(account, variety, order_id)
        for event in await self.trading.execute(CancelOrder(account=account, order_id=core_id)):
            if type(event) is ev.OrderCancelled and event.order_id == core_id:
                return success(OrderReference(order_id))
            if type(event) is ev.CancelRejected:
                raise rejection(event)
        raise RuntimeError("CancelOrder produced neither OrderCancelled nor CancelRejected")

    def _working_order_id(self, account: AccountId, variety: Variety, order_id: str) -> int:
        """The core's id of the caller's order ``order_id`` (404 if the caller has none)."""
        view = self._own(account, order_id)
        if not view.exchange_order:
            raise order_rejected(
                RejectReason.ORDER_FINISHED.value, f"order {order_id} was rejected"
            )
        if view.variety is not variety:
            # /orders/iceberg/17 does not exist when 17 is a regular order.
            raise not_found(f"{variety.value} order {order_id}")
        if is_finished(view.status):
            raise order_rejected(
                RejectReason.ORDER_FINISHED.value,
                f"order {order_id} is {view.status.value} and can no longer change",
            )
        return int(order_id)

    def _own(self, account: AccountId, order_id: str) -> OrderView:
        view = self.orders.order(account, order_id)
        if view is None:
            raise not_found(f"order {order_id}")
        return view

    # --- reads -------------------------------------------------------------------------------

    async def list_orders(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        return success([order_wire(view) for view in self.orders.orders(principal.account_id)])

    async def order_history(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        order_id = request.path_params["order_id"]
        states = self.orders.history(principal.account_id, order_id)
        if states is None:
            raise not_found(f"order {order_id}")
        return success([order_wire(view) for view in states])

    async def order_trades(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        order_id = request.path_params["order_id"]
        self._own(principal.account_id, order_id)
        trades = self.orders.order_trades(principal.account_id, order_id)
        return success([trade_wire(view) for view in trades])

    async def list_trades(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        return success([trade_wire(view) for view in self.orders.trades(principal.account_id)])


def operations(gateway: Gateway) -> list[Operation]:
    register_url_convertor("variety", VarietyConvertor())
    desk = OrderDesk(gateway, trading_services(gateway))
    tag = "orders"
    return [
        Operation(
            "POST",
            "/api/v1/orders/{variety:variety}",
            desk.place,
            tag=tag,
            summary="Place an order (every order type, product and validity of the core)",
            body=PlaceOrderRequest,
            response=OrderReference,
            idempotent_key=True,
            form=True,
            parameters=(VARIETY,),
            errors=WRITE_ERRORS,
        ),
        Operation(
            "PUT",
            "/api/v1/orders/{variety:variety}/{order_id}",
            desk.modify,
            tag=tag,
            summary="Modify an open or trigger-pending order",
            body=ModifyOrderRequest,
            response=OrderReference,
            idempotent_key=True,
            form=True,
            parameters=(VARIETY, ORDER_ID),
            errors=WRITE_ERRORS,
        ),
        Operation(
            "DELETE",
            "/api/v1/orders/{variety:variety}/{order_id}",
            desk.cancel,
            tag=tag,
            summary="Cancel an open or trigger-pending order",
            response=OrderReference,
            idempotent_key=True,
            parameters=(VARIETY, ORDER_ID),
            errors=WRITE_ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/orders",
            desk.list_orders,
            tag=tag,
            summary="Every order of the caller, oldest first, in its current state",
            response=list[Order],
            errors=READ_ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/orders/{order_id}",
            desk.order_history,
            tag=tag,
            summary="One order's history: each state it went through, oldest first",
            response=list[Order],
            parameters=(ORDER_ID,),
            errors=READ_ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/orders/{order_id}/trades",
            desk.order_trades,
            tag=tag,
            summary="The trades (fills) of one order",
            response=list[Trade],
            parameters=(ORDER_ID,),
            errors=READ_ERRORS,
        ),
        Operation(
            "GET",
            "/api/v1/trades",
            desk.list_trades,
            tag=tag,
            summary="Every trade of the caller, in execution order",
            response=list[Trade],
            errors=READ_ERRORS,
        ),
    ]

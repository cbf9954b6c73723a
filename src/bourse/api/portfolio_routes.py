"""Funds, positions and holdings, read from the core; the development-mode deposit.

Each read is one ``trading.read`` of the caller's own account (the account id comes from the
verified token, never from the request), in line with commands and released once every
earlier command is durable, so a client always sees its acknowledged orders' effects.
"""

from decimal import Decimal
from typing import Annotated

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.bodies import read_body
from bourse.api.envelope import success
from bourse.api.errors import ApiError, order_rejected
from bourse.api.gateway import Gateway
from bourse.api.operations import Operation
from bourse.api.trading_services import TradingServices, trading_services
from bourse.api.wire_values import (
    PositiveRupees,
    average_rupees,
    decode_body,
    paise_from_rupees,
    rupees,
)
from bourse.domain import events as ev
from bourse.domain.commands import Deposit
from bourse.domain.enums import Product
from bourse.domain.types import AccountId
from bourse.readmodel.portfolio import (
    FundsSnapshot,
    HoldingSnapshot,
    PositionSnapshot,
    read_funds,
    read_holdings,
    read_positions,
)


class Funds(msgspec.Struct, frozen=True, kw_only=True):
    available: Decimal
    """Cash free to trade (including today's unsettled sale proceeds)."""
    blocked: Decimal
    """Held for working orders (value or margin plus estimated charges)."""
    utilised: Decimal
    """Margin held against open intraday (MIS) positions."""
    net: Decimal
    """available + blocked + utilised."""
    unsettled: Decimal
    """The part of ``available`` that is delivery sale proceeds not yet settled (T+1): free
    to trade with, not to withdraw."""
    withdrawable: Decimal
    """What a withdrawal may take now: available less unsettled (never below zero)."""


class DepositRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: PositiveRupees
    reference: Annotated[str, msgspec.Meta(max_length=64)] = ""


class Position(msgspec.Struct, frozen=True, kw_only=True):
    tradingsymbol: str
    exchange: str
    instrument_token: int
    product: Product
    quantity: int
    average_price: Decimal
    last_price: Decimal
    close_price: Decimal
    value: Decimal
    pnl: Decimal
    realised: Decimal
    unrealised: Decimal
    margin: Decimal
    buy_quantity: int
    buy_price: Decimal
    buy_value: Decimal
    sell_quantity: int
    sell_price: Decimal
    sell_value: Decimal


class Positions(msgspec.Struct, frozen=True):
    net: list[Position]
    day: list[Position]


class Holding(msgspec.Struct, frozen=True, kw_only=True):
    tradingsymbol: str
    exchange: str
    instrument_token: int
    isin: str
    product: Product
    quantity: int
    used_quantity: int
    """Shares held for working sell orders."""
    average_price: Decimal
    last_price: Decimal
    close_price: Decimal
    pnl: Decimal
    day_change: Decimal


_deposit_decoder = msgspec.json.Decoder(DepositRequest)


def funds_wire(funds: FundsSnapshot) -> Funds:
    return Funds(
        available=rupees(funds.available),
        blocked=rupees(funds.blocked),
        utilised=rupees(funds.utilised),
        net=rupees(funds.available + funds.blocked + funds.utilised),
        unsettled=rupees(funds.unsettled),
        withdrawable=rupees(funds.withdrawable),
    )


def position_wire(p: PositionSnapshot) -> Position:
    size = abs(p.net_quantity)
    marked = size * p.last_price
    unrealised = marked - p.cost if p.net_quantity > 0 else p.cost - marked
    return Position(
        tradingsymbol=p.instrument.tradingsymbol,
        exchange=p.instrument.exchange,
        instrument_token=p.instrument.token,
        product=p.product,
        quantity=p.net_quantity,
        average_price=average_rupees(p.cost, size),
        last_price=rupees(p.last_price),
        close_price=rupees(p.instrument.reference_price),
        value=rupees(p.sell_value - p.buy_value),
        pnl=rupees(p.realized_pnl + unrealised),
        realised=rupees(p.realized_pnl),
        unrealised=rupees(unrealised),
        margin=rupees(p.margin),
        buy_quantity=p.buy_quantity,
        buy_price=average_rupees(p.buy_value, p.buy_quantity),
        buy_value=rupees(p.buy_value),
        sell_quantity=p.sell_quantity,
        sell_price=average_rupees(p.sell_value, p.sell_quantity),
        sell_value=rupees(p.sell_value),
    )


def holding_wire(h: HoldingSnapshot) -> Holding:
    quantity = h.available + h.blocked
    return Holding(
        tradingsymbol=h.instrument.tradingsymbol,
        exchange=h.instrument.exchange,
        instrument_token=h.instrument.token,
        isin=h.instrument.isin,
        product=Product.CNC,
        quantity=quantity,
        used_quantity=h.blocked,
        average_price=average_rupees(h.cost, quantity),
        last_price=rupees(h.last_price),
        close_price=rupees(h.instrument.reference_price),
        pnl=rupees(quantity * h.last_price - h.cost),
        day_change=rupees(h.last_price - h.instrument.reference_price),
    )


class PortfolioDesk:
    def __init__(self, gateway: Gateway, services: TradingServices) -> None:
        self.gateway = gateway
        self.services = services
        self.trading = services.trading

    async def funds(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        return success(funds_wire(await self.trading.read(read_funds(principal.account_id))))

    async def positions(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        found = await self.trading.read(read_positions(principal.account_id))
        positions = [position_wire(p) for p in found]
        return success(Positions(net=positions, day=positions))

    async def holdings(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        found = await self.trading.read(read_holdings(principal.account_id))
        return success([holding_wire(h) for h in found])

    async def deposit(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        if not self.gateway.settings.is_development:
            raise ApiError(
                403, "PermissionException", "direct deposits exist in development mode only"
            )
        body = await read_body(request)
        account = principal.account_id
        content_type = request.headers.get("content-type")
        return await self.services.idempotency.respond(
            request,
            principal.user_id,
            body,
            lambda: self._deposit(account, content_type, body),
        )

    async def _deposit(self, account: AccountId, content_type: str | None, body: bytes) -> Response:
        deposit = decode_body(content_type, body, _deposit_decoder, DepositRequest)
        amount = paise_from_rupees(deposit.amount, "amount")
        await self.services.accounts.ensure(account)
        command = Deposit(account=account, amount=amount, reference=deposit.reference)
        for event in await self.trading.execute(command):
            if type(event) is ev.CommandRejected:
                raise order_rejected(event.reason.value, event.message)
        return success(funds_wire(await self.trading.read(read_funds(account))))


def operations(gateway: Gateway) -> list[Operation]:
    desk = PortfolioDesk(gateway, trading_services(gateway))
    reads = (401, 429)
    return [
        Operation(
            "GET",
            "/api/v1/funds",
            desk.funds,
            tag="portfolio",
            summary="Cash available, blocked by working orders, and utilised as margin",
            response=Funds,
            errors=reads,
        ),
        Operation(
            "POST",
            "/api/v1/funds/deposit",
            desk.deposit,
            tag="portfolio",
            summary="Add cash to the caller's account (development mode only)",
            body=DepositRequest,
            response=Funds,
            idempotent_key=True,
            form=True,
            errors=(400, 401, 403, 409, 413, 422, 429),
        ),
        Operation(
            "GET",
            "/api/v1/portfolio/positions",
            desk.positions,
            tag="portfolio",
            summary="The caller's positions of the day, per instrument and product",
            response=Positions,
            errors=reads,
        ),
        Operation(
            "GET",
            "/api/v1/portfolio/holdings",
            desk.holdings,
            tag="portfolio",
            summary="The caller's delivery holdings",
            response=list[Holding],
            errors=reads,
        ),
    ]

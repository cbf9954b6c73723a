"""The simulator's side of its orders: commands out, the core's events back in.

Agents place and cancel through `OrderDesk`, which writes the commands into the current step's
outbox and keeps each order it sent: by client order id until the core accepts it, then by the
core's order id until it is filled or cancelled. `OrderDesk.apply` reads the event stream (the
core's results in the deterministic runner, the journal's durable events in the live driver),
tells each agent about its fills and finished orders, and records every trade for the market
view (last prices and aggressive flow), whoever traded.
"""

from collections.abc import Callable, Sequence
from typing import Protocol

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import OrderType, Product, Side, Validity
from bourse.domain.types import AccountId, InstrumentToken, OrderId, Paise, Quantity


class SimOrder:
    __slots__ = ("agent", "client_id", "index", "is_buy", "order_id", "price", "remaining")

    def __init__(
        self, agent: "Agent", client_id: str, index: int, is_buy: bool, price: Paise, qty: int
    ) -> None:
        self.agent = agent
        self.client_id = client_id
        self.index = index
        self.is_buy = is_buy
        self.price = price
        self.remaining = qty
        self.order_id: OrderId = 0


class Agent(Protocol):
    account: AccountId

    def on_fill(self, order: SimOrder, quantity: Quantity, price: Paise) -> None: ...

    def on_done(self, order: SimOrder) -> None:
        """The order is finished (filled, cancelled, expired or rejected)."""
        ...


TradeListener = Callable[[int, bool, Quantity, Paise], None]
"""(instrument index, aggressor is a buyer, quantity, price) for every trade in the market."""


class OrderDesk:
    product = Product.CNC
    """The product of every order (the remote driver, whose agents have no holdings, uses MIS)."""

    def __init__(self, tokens: Sequence[InstrumentToken], on_trade: TradeListener) -> None:
        self.tokens = list(tokens)
        self.index_of = {token: n for n, token in enumerate(self.tokens)}
        self.outbox: list[cmd.Command] = []
        self.agents: dict[AccountId, Agent] = {}
        self._pending: dict[str, SimOrder] = {}
        self._live: dict[OrderId, SimOrder] = {}
        self._next_client = 0
        self._on_trade = on_trade
        self.rejections = 0

    def register(self, agent: Agent) -> None:
        self.agents[agent.account] = agent

    @property
    def working(self) -> int:
        return len(self._live)

    def take_outbox(self) -> list[cmd.Command]:
        out, self.outbox = self.outbox, []
        return out

    def place(
        self,
        agent: Agent,
        index: int,
        is_buy: bool,
        quantity: Quantity,
        price: Paise = 0,
        *,
        validity: Validity = Validity.DAY,
        ttl_minutes: int = 0,
    ) -> SimOrder:
        """A LIMIT order (a MARKET order when ``price`` is 0)."""
        self._next_client += 1
        client_id = f"sim{self._next_client}"
        order = SimOrder(agent, client_id, index, is_buy, price, quantity)
        self._pending[client_id] = order
        self.outbox.append(
            cmd.PlaceOrder(
                account=agent.account,
                token=self.tokens[index],
                side=Side.BUY if is_buy else Side.SELL,
                order_type=OrderType.LIMIT if price else OrderType.MARKET,
                product=self.product,
                quantity=quantity,
                price=price,
                validity=validity,
                validity_ttl=ttl_minutes,
                client_order_id=client_id,
                tag="sim",
            )
        )
        return order

    def cancel(self, order: SimOrder) -> None:
        if order.order_id:
            self.outbox.append(
                cmd.CancelOrder(account=order.agent.account, order_id=order.order_id)
            )

    def apply(self, events: Sequence[ev.Event]) -> None:
        agents = self.agents
        for event in events:
            kind = type(event)
            if kind is ev.TradeExecuted:
                self._trade(event)  # type: ignore[arg-type]
            elif kind is ev.OrderAccepted:
                if event.account in agents:  # type: ignore[attr-defined]
                    self._accepted(event)  # type: ignore[arg-type]
            elif kind is ev.OrderCancelled:
                if event.account in agents:  # type: ignore[attr-defined]
                    self._finished(event.order_id)  # type: ignore[attr-defined]
            elif kind is ev.OrderRejected and event.account in agents:  # type: ignore[attr-defined]
                self.rejected(event.client_order_id)  # type: ignore[attr-defined]

    def _accepted(self, e: ev.OrderAccepted) -> None:
        self.accepted(e.client_order_id, e.order_id)

    def _finished(self, order_id: OrderId) -> None:
        order = self._live.pop(order_id, None)
        if order is not None:
            order.remaining = 0
            order.agent.on_done(order)

    def _trade(self, e: ev.TradeExecuted) -> None:
        index = self.index_of.get(e.token)
        if index is None:
            return
        self._on_trade(index, e.aggressor is Side.BUY, e.quantity, e.price)
        self.filled(e.buy_order_id, e.quantity, e.price)
        self.filled(e.sell_order_id, e.quantity, e.price)

    # Confirmations one by one, for drivers that learn of them without the event stream (the
    # remote driver: HTTP answers and WebSocket order updates).

    def accepted(self, client_id: str, order_id: OrderId) -> None:
        order = self._pending.pop(client_id, None)
        if order is not None:
            order.order_id = order_id
            self._live[order_id] = order

    def rejected(self, client_id: str) -> None:
        self.rejections += 1
        order = self._pending.pop(client_id, None)
        if order is not None:
            order.agent.on_done(order)

    def finished(self, order_id: OrderId) -> None:
        self._finished(order_id)

    def filled(self, order_id: OrderId, quantity: Quantity, price: Paise) -> None:
        order = self._live.get(order_id)
        if order is None:
            return
        order.remaining -= quantity
        order.agent.on_fill(order, quantity, price)
        if order.remaining <= 0:
            del self._live[order_id]
            order.agent.on_done(order)

"""Mutable state objects of the core: working orders, accounts, positions, instruments.

Plain classes with ``__slots__``: they are touched on every command, so attribute access must be
cheap. Only the core mutates them; everything outside sees events and snapshots.

Compiled, an ``int`` attribute is a machine integer, and every time one is handed to Python (an
event's field, a dict key) it is boxed into a new int object, which the event or the lookup then
frees again. The identifiers that go into many events and lookups (``WorkingOrder.id_box``,
``Account.id_box``, ``InstrumentState.token_box``) are therefore also kept as one int object
each, made once; the ``int`` attributes stay the ones to compute with.
"""

from typing import Any

from bourse.core.vocabulary import ACTIVE, BUY, MARKET, OPEN, SL_M
from bourse.domain.commands import AccountLimits
from bourse.domain.enums import OrderType, Product, Side, Validity
from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, InstrumentToken, OrderId, Paise, Quantity


class WorkingOrder:
    """An order that is open or trigger-pending; dropped from the core when it finishes."""

    __slots__ = (
        "account",
        "blocked_cash",
        "blocked_quantity",
        "charges_paid",
        "client_order_id",
        "disclosed_quantity",
        "expires_at_ns",
        "filled_quantity",
        "filled_value",
        "holding",
        "id_box",
        "in_book",
        "instrument",
        "is_buy",
        "order_id",
        "order_type",
        "owner",
        "position",
        "price",
        "product",
        "quantity",
        "side",
        "status",
        "tag",
        "token",
        "trigger_price",
        "validity",
        "variety",
        "visible_quantity",
    )

    def __init__(
        self,
        *,
        order_id: OrderId,
        account: AccountId,
        token: InstrumentToken,
        side: Side,
        order_type: OrderType,
        product: Product,
        validity: Validity,
        variety: str,
        quantity: Quantity,
        price: Paise,
        trigger_price: Paise,
        disclosed_quantity: Quantity,
        expires_at_ns: int,
        client_order_id: str,
        tag: str,
    ) -> None:
        self.order_id = order_id
        self.id_box: Any = order_id  # the order id as one int object: see the module docstring
        self.account = account
        self.token = token
        self.side = side
        self.is_buy = side is BUY
        self.order_type = order_type
        self.product = product
        self.validity = validity
        self.variety = variety
        self.quantity = quantity
        # LIMIT/SL: the limit. MARKET/SL-M: the market-protection cap fixed at acceptance.
        self.price = price
        self.trigger_price = trigger_price
        self.disclosed_quantity = disclosed_quantity
        self.expires_at_ns = expires_at_ns
        self.client_order_id = client_order_id
        self.tag = tag
        self.status = OPEN
        self.filled_quantity = 0
        self.filled_value = 0
        self.charges_paid = 0
        self.blocked_cash = 0
        self.blocked_quantity = 0
        self.visible_quantity = 0
        self.in_book = False
        # Direct references, set by the core on acceptance, so fills need no dict lookups.
        self.owner: Account | None = None
        self.position: Position | None = None
        self.holding: Holding | None = None
        self.instrument: InstrumentState | None = None

    def requeue_copy(self) -> "WorkingOrder":
        """A copy to put back in the book after the order left it.

        The book's queues drop departed orders lazily, by object, so a departed order must
        never come back as the same object: its old queue entry would come back to life ahead
        of everyone who joined since.
        """
        copy = WorkingOrder(
            order_id=self.order_id,
            account=self.account,
            token=self.token,
            side=self.side,
            order_type=self.order_type,
            product=self.product,
            validity=self.validity,
            variety=self.variety,
            quantity=self.quantity,
            price=self.price,
            trigger_price=self.trigger_price,
            disclosed_quantity=self.disclosed_quantity,
            expires_at_ns=self.expires_at_ns,
            client_order_id=self.client_order_id,
            tag=self.tag,
        )
        copy.id_box = self.id_box
        copy.blocked_cash = self.blocked_cash
        copy.blocked_quantity = self.blocked_quantity
        copy.charges_paid = self.charges_paid
        copy.filled_quantity = self.filled_quantity
        copy.filled_value = self.filled_value
        copy.status = self.status
        copy.visible_quantity = self.visible_quantity
        copy.owner = self.owner
        copy.position = self.position
        copy.holding = self.holding
        copy.instrument = self.instrument
        return copy

    @property
    def pending_quantity(self) -> Quantity:
        return self.quantity - self.filled_quantity

    @property
    def is_market(self) -> bool:
        return self.order_type is MARKET or self.order_type is SL_M

    def next_peak(self) -> Quantity:
        """The quantity shown in the book: the disclosed slice of an iceberg, else everything."""
        leaves = self.quantity - self.filled_quantity
        if self.disclosed_quantity and self.disclosed_quantity < leaves:
            return self.disclosed_quantity
        return leaves


class Position:
    """Day position of one account in one instrument and product.

    ``cost`` is the basis of the open ``net_quantity`` (always >= 0, in paise); realized P&L is
    booked when a fill reduces the position. For MIS, ``margin`` is the cash held against the
    open position (part of the account's blocked cash).
    """

    __slots__ = (
        "buy_quantity",
        "buy_value",
        "cost",
        "margin",
        "net_quantity",
        "realized_pnl",
        "sell_quantity",
        "sell_value",
    )

    def __init__(self) -> None:
        self.net_quantity = 0
        self.cost = 0
        self.margin = 0
        self.realized_pnl = 0
        self.buy_quantity = 0
        self.buy_value = 0
        self.sell_quantity = 0
        self.sell_value = 0


class Holding:
    """Shares of one instrument. ``unsettled`` is the part of ``available`` bought for delivery
    and not yet settled (T1): sellable, but marked until the next settlement. Blocking for a
    sale takes settled shares first."""

    __slots__ = ("available", "blocked", "cost", "unsettled")

    def __init__(
        self, available: Quantity = 0, blocked: Quantity = 0, cost: Paise = 0, unsettled: int = 0
    ) -> None:
        self.available = available
        self.blocked = blocked
        self.cost = cost
        self.unsettled = unsettled


class Account:
    """Cash and shares of one account.

    ``cash_unsettled`` is the part of ``cash_available`` that is delivery sale proceeds not yet
    settled (T+1): usable for new orders but not withdrawable; spending takes settled cash
    first. ``payouts`` holds pending withdrawals by reference: money that left the available
    cash and waits for the bank's answer.
    """

    __slots__ = (
        "account_id",
        "cash_available",
        "cash_blocked",
        "cash_unsettled",
        "holdings",
        "id_box",
        "limits",
        "max_open_orders",
        "max_order_value",
        "max_orders_per_second",
        "open_orders",
        "payouts",
        "positions",
        "rate_count",
        "rate_second",
    )

    def __init__(self, account_id: AccountId, limits: AccountLimits) -> None:
        self.account_id = account_id
        self.id_box: Any = account_id  # as one int object: see the module docstring
        self.set_limits(limits)
        self.cash_available = 0
        self.cash_blocked = 0
        self.cash_unsettled = 0
        self.payouts: dict[str, Paise] = {}
        self.holdings: dict[InstrumentToken, Holding] = {}
        self.positions: dict[tuple[InstrumentToken, Product], Position] = {}
        self.open_orders = 0
        # Orders accepted in the current second of command time, for the per-second limit.
        self.rate_second = -1
        self.rate_count = 0

    def set_limits(self, limits: AccountLimits) -> None:
        """Take ``limits``, keeping their figures as plain attributes as well: the order path
        checks them on every order, and reading a msgspec Struct's field is a generic
        attribute lookup where a native attribute is a load."""
        self.limits = limits
        self.max_open_orders = limits.max_open_orders
        self.max_order_value = limits.max_order_value
        self.max_orders_per_second = limits.max_orders_per_second

    @property
    def withdrawable(self) -> Paise:
        """Available cash less unsettled sale proceeds (never below zero)."""
        settled = self.cash_available - self.cash_unsettled
        return settled if settled > 0 else 0

    def spend(self, cash: Paise) -> None:
        """Take ``cash`` out of the available cash, settled money first."""
        settled = self.cash_available - self.cash_unsettled
        if cash > settled:
            self.cash_unsettled -= cash - settled
        self.cash_available -= cash

    def holding(self, token: InstrumentToken) -> Holding:
        holding = self.holdings.get(token)
        if holding is None:
            holding = self.holdings[token] = Holding()
        return holding

    def position(self, token: InstrumentToken, product: Product) -> Position:
        # One tuple object for the look-up and the insert: compiled, a typed tuple is a C
        # struct, made into a new tuple (and the token into a new int) at each use.
        key: Any = (token, product)
        position = self.positions.get(key)
        if position is None:
            position = self.positions[key] = Position()
        return position


class InstrumentState:
    """An instrument plus what changes during the day: status and last traded price."""

    __slots__ = (
        "book",
        "freeze_quantity",
        "instrument",
        "last_price",
        "leverage",
        "lot_size",
        "lower_circuit",
        "status",
        "stop_book",
        "sweep_high",
        "sweep_low",
        "tick_size",
        "token_box",
        "upper_circuit",
    )

    def __init__(self, instrument: Instrument, leverage: int) -> None:
        self.instrument = instrument
        # The token as one int object (see the module docstring); the core's dicts of
        # instruments, books and stop books are keyed by this very object, so a lookup with it
        # matches by identity.
        self.token_box: Any = instrument.token
        # The instrument (a frozen msgspec Struct) never changes; the figures every order is
        # checked against are copied into native attributes (cheap reads when compiled).
        self.tick_size = instrument.tick_size
        self.lot_size = instrument.lot_size
        self.freeze_quantity = instrument.freeze_quantity
        self.status = ACTIVE
        # Before the first trade the reference price (previous close) stands in for the LTP.
        self.last_price = instrument.reference_price
        self.upper_circuit = instrument.upper_circuit
        self.lower_circuit = instrument.lower_circuit
        self.leverage = leverage
        # Lowest and highest trade price of the command being applied (0: no trade yet); stop
        # orders are released against them.
        self.sweep_low = 0
        self.sweep_high = 0
        # The instrument's OrderBook and StopBook, set by the core when it lists or restores
        # the instrument (also in its dicts ``books`` and ``stops``): the order path reaches
        # them from the order without a look-up. Typed Any because ``core.book`` and
        # ``core.stops`` import this module; the core reads them into typed locals.
        self.book: Any = None
        self.stop_book: Any = None

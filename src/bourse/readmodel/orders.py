"""Order history: every order of every account with its status history, and the trades.

A projection of the durable event stream. Each event that changes an order appends a new
immutable snapshot (``OrderView``) to that order's history: accepted or rejected, modified,
triggered, each fill, cancelled or expired. The last snapshot is the order's current state.

Order ids are strings (Kite's wire form): an accepted order's id is the core's order number;
a rejected PlaceOrder never got one, so it is listed (status REJECTED, as Kite lists it) under
``R<event seq>`` — the number of its rejection event, stable across replays of the journal.

Everything is keyed by account first, so a lookup with another account's order id finds
nothing: ownership is a property of the data structure, not a check a route may forget.

Memory is bounded: every working order is kept, and of the finished ones (complete, cancelled,
rejected) the newest ``finished_kept`` per account with their trades. Older finished orders are
forgotten in steps of an eighth of that (so forgetting costs a constant per order), oldest
finished first; the ledger keeps their money for good. Without the bound, a market maker
requoting all day grew the serving process by tens of MB a minute.
"""

from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import msgspec

from bourse.domain import events as ev
from bourse.domain.enums import CancelReason, OrderStatus, OrderType, Side, Validity, Variety
from bourse.domain.orders import FINISHED_STATUSES
from bourse.domain.types import AccountId, InstrumentToken, Paise, Quantity
from bourse.readmodel.views import OrderView, TradeView

NS_PER_MINUTE = 60 * 1_000_000_000
DEFAULT_FINISHED_KEPT = 5_000
"""Finished orders kept per account (Kite caps a day's orders per account at a few thousand)."""
REJECTED_ID_PREFIX = "R"
_CLIENT_PRICED = (OrderType.LIMIT, OrderType.SL)

CANCEL_MESSAGES: dict[CancelReason, str | None] = {
    CancelReason.USER: None,
    CancelReason.IOC_REMAINDER: "IOC order: the unfilled quantity was cancelled",
    CancelReason.MARKET_REMAINDER: (
        "market order: the quantity left at the market protection limit was cancelled"
    ),
    CancelReason.SELF_TRADE: "cancelled to prevent a trade with your own order",
    CancelReason.EXPIRED: "order expired",
    CancelReason.INSTRUMENT_DELISTED: "instrument delisted",
    CancelReason.SQUARE_OFF: "intraday order cancelled at the square-off time",
}


_Applier = Callable[[Any, list[OrderView]], None]
"""Applies one event of the type it is registered under."""

T = TypeVar("T")


class _Link(msgspec.Struct, Generic[T], frozen=True, gc=False):
    """One entry of a newest-first chain: the entry and the chain before it."""

    value: T
    earlier: "_Link[T] | None"


def _oldest_first(newest: "_Link[T] | None") -> list[T]:
    found = []
    while newest is not None:
        found.append(newest.value)
        newest = newest.earlier
    found.reverse()
    return found


class _OrderRecord(msgspec.Struct, gc=False):
    """One order's states and trades, each a chain from the newest.

    Neither this nor its links is tracked by the garbage collector (they cannot form a cycle:
    a link only points at older ones), unlike a list or two per order, which every young-
    generation collection of a busy day used to walk and which made those collections come
    every few thousand orders.
    """

    states: _Link[OrderView]
    trades: _Link[TradeView] | None = None


class _AccountOrders:
    __slots__ = ("finished", "orders", "trades")

    def __init__(self) -> None:
        self.orders: dict[str, _OrderRecord] = {}
        self.trades: list[TradeView] = []
        self.finished: deque[str] = deque()
        """Ids of the kept finished orders, in the order they finished."""


class OrderHistory:
    """Orders and trades per account. Not thread-safe: one thread applies and reads."""

    def __init__(self, finished_kept: int = DEFAULT_FINISHED_KEPT) -> None:
        if finished_kept < 1:
            raise ValueError(f"finished_kept {finished_kept} must be at least 1")
        self._finished_kept = finished_kept
        self._forget_above = finished_kept + max(1, finished_kept // 8)
        self._accounts: dict[AccountId, _AccountOrders] = {}
        # The accepted orders again, by the core's order number: the key every later event of
        # an order carries, so a fill finds its order without building the wire id.
        self._by_core_id: dict[int, _OrderRecord] = {}
        self._opened: set[AccountId] = set()
        self._symbols: dict[InstrumentToken, tuple[str, str]] = {}
        self.last_seq = 0
        self._appliers: dict[type[ev.Event], _Applier] = {
            ev.TradeExecuted: self._trade,
            ev.OrderAccepted: self._accepted,
            ev.OrderRejected: self._rejected,
            ev.OrderCancelled: self._cancelled,
            ev.OrderModified: self._modified,
            ev.OrderTriggered: self._triggered,
            ev.InstrumentListed: self._listed,
            ev.AccountOpened: self._account_opened,
        }

    # --- queries -------------------------------------------------------------------------------

    def has_account(self, account: AccountId) -> bool:
        """Whether the core has opened this trading account."""
        return account in self._opened

    def orders(self, account: AccountId) -> list[OrderView]:
        """Current state of every order of the account, oldest first."""
        book = self._accounts.get(account)
        return [] if book is None else [record.states.value for record in book.orders.values()]

    def order(self, account: AccountId, order_id: str) -> OrderView | None:
        record = self._record(account, order_id)
        return None if record is None else record.states.value

    def history(self, account: AccountId, order_id: str) -> list[OrderView] | None:
        """The order's states, oldest first; None if the account has no such order."""
        record = self._record(account, order_id)
        return None if record is None else _oldest_first(record.states)

    def trades(self, account: AccountId) -> list[TradeView]:
        book = self._accounts.get(account)
        return [] if book is None else list(book.trades)

    def order_trades(self, account: AccountId, order_id: str) -> list[TradeView]:
        record = self._record(account, order_id)
        return [] if record is None else _oldest_first(record.trades)

    def _record(self, account: AccountId, order_id: str) -> _OrderRecord | None:
        book = self._accounts.get(account)
        return None if book is None else book.orders.get(order_id)

    # --- projection ----------------------------------------------------------------------------

    def apply(self, events: list[ev.Event]) -> list[OrderView]:
        """Apply events in stream order; return the order states they produced, in order."""
        changed: list[OrderView] = []
        appliers = self._appliers
        for event in events:
            applier = appliers.get(type(event))
            if applier is not None:
                applier(event, changed)
        if events:
            self.last_seq = events[-1].seq
        return changed

    def _listed(self, e: ev.InstrumentListed, changed: list[OrderView]) -> None:
        self._symbols[e.instrument.token] = (e.instrument.exchange, e.instrument.tradingsymbol)

    def _account_opened(self, e: ev.AccountOpened, changed: list[OrderView]) -> None:
        self._opened.add(e.account)

    def _symbol(self, token: InstrumentToken) -> tuple[str, str]:
        return self._symbols.get(token) or ("", str(token))

    def _push(self, account: AccountId, state: OrderView, changed: list[OrderView]) -> None:
        """Record a new order (accepted or rejected) with its first state."""
        book = self._accounts.get(account)
        if book is None:
            book = self._accounts[account] = _AccountOrders()
        record = book.orders.get(state.order_id)
        if record is None:
            record = book.orders[state.order_id] = _OrderRecord(_Link(state, None))
            if state.exchange_order:
                self._by_core_id[int(state.order_id)] = record
        else:
            record.states = _Link(state, record.states)
        changed.append(state)
        if state.status in FINISHED_STATUSES:
            self._finished(book, state.order_id)

    def _update(self, order_id: int, changed: list[OrderView], **fields: object) -> None:
        record = self._by_core_id.get(order_id)
        if record is None:  # an order accepted before this projection started: unknown here
            return
        state = msgspec.structs.replace(record.states.value, **fields)
        record.states = _Link(state, record.states)
        changed.append(state)
        if state.status in FINISHED_STATUSES:
            self._finished(self._accounts[state.account], state.order_id)

    def _accepted(self, e: ev.OrderAccepted, changed: list[OrderView]) -> None:
        exchange, symbol = self._symbol(e.token)
        state = OrderView(
            order_id=str(e.order_id),
            account=e.account,
            token=e.token,
            exchange=exchange,
            tradingsymbol=symbol,
            side=e.side,
            order_type=e.order_type,
            product=e.product,
            validity=e.validity,
            validity_ttl=(e.expires_at_ns - e.ts_ns) // NS_PER_MINUTE if e.expires_at_ns else 0,
            variety=e.variety,
            quantity=e.quantity,
            price=e.price if e.order_type in _CLIENT_PRICED else 0,
            trigger_price=e.trigger_price,
            disclosed_quantity=e.disclosed_quantity,
            status=e.status,
            status_message=None,
            status_reason=None,
            filled_quantity=0,
            filled_value=0,
            cancelled_quantity=0,
            exchange_order=True,
            placed_at_ns=e.ts_ns,
            updated_at_ns=e.ts_ns,
            tag=e.tag,
            client_order_id=e.client_order_id,
            event_seq=e.seq,
        )
        self._push(e.account, state, changed)

    def _rejected(self, e: ev.OrderRejected, changed: list[OrderView]) -> None:
        exchange, symbol = self._symbol(e.token)
        state = OrderView(
            order_id=f"{REJECTED_ID_PREFIX}{e.seq}",
            account=e.account,
            token=e.token,
            exchange=exchange,
            tradingsymbol=symbol,
            side=e.side,
            order_type=e.order_type,
            product=e.product,
            validity=Validity.DAY,
            validity_ttl=0,
            variety=Variety.REGULAR,
            quantity=e.quantity,
            price=e.price,
            trigger_price=e.trigger_price,
            disclosed_quantity=0,
            status=OrderStatus.REJECTED,
            status_message=e.message,
            status_reason=e.reason.value,
            filled_quantity=0,
            filled_value=0,
            cancelled_quantity=0,
            exchange_order=False,
            placed_at_ns=e.ts_ns,
            updated_at_ns=e.ts_ns,
            tag=e.tag,
            client_order_id=e.client_order_id,
            event_seq=e.seq,
        )
        self._push(e.account, state, changed)

    def _modified(self, e: ev.OrderModified, changed: list[OrderView]) -> None:
        self._update(
            e.order_id,
            changed,
            order_type=e.order_type,
            quantity=e.quantity,
            price=e.price if e.order_type in _CLIENT_PRICED else 0,
            trigger_price=e.trigger_price,
            disclosed_quantity=e.disclosed_quantity,
            status=e.status,
            updated_at_ns=e.ts_ns,
            event_seq=e.seq,
        )

    def _triggered(self, e: ev.OrderTriggered, changed: list[OrderView]) -> None:
        self._update(
            e.order_id,
            changed,
            status=OrderStatus.OPEN,
            updated_at_ns=e.ts_ns,
            event_seq=e.seq,
        )

    def _cancelled(self, e: ev.OrderCancelled, changed: list[OrderView]) -> None:
        self._update(
            e.order_id,
            changed,
            status=OrderStatus.CANCELLED,
            status_message=CANCEL_MESSAGES.get(e.reason),
            status_reason=e.reason.value,
            filled_quantity=e.filled_quantity,
            cancelled_quantity=e.cancelled_quantity,
            updated_at_ns=e.ts_ns,
            event_seq=e.seq,
        )

    def _trade(self, e: ev.TradeExecuted, changed: list[OrderView]) -> None:
        self._fill(e, Side.BUY, e.buy_order_id, e.buy_filled_quantity, e.buy_pending_quantity,
                   e.buy_charges, changed)  # fmt: skip
        self._fill(e, Side.SELL, e.sell_order_id, e.sell_filled_quantity,
                   e.sell_pending_quantity, e.sell_charges, changed)  # fmt: skip

    def _fill(
        self,
        e: ev.TradeExecuted,
        side: Side,
        order_id: int,
        filled: Quantity,
        pending: Quantity,
        charges: Paise,
        changed: list[OrderView],
    ) -> None:
        record = self._by_core_id.get(order_id)
        if record is None:
            return
        current = record.states.value
        state = msgspec.structs.replace(
            current,
            filled_quantity=filled,
            filled_value=current.filled_value + e.quantity * e.price,
            status=OrderStatus.COMPLETE if pending == 0 else current.status,
            updated_at_ns=e.ts_ns,
            event_seq=e.seq,
        )
        record.states = _Link(state, record.states)
        changed.append(state)
        trade = TradeView(
            trade_id=str(e.trade_id),
            order_id=current.order_id,
            account=current.account,
            token=e.token,
            exchange=current.exchange,
            tradingsymbol=current.tradingsymbol,
            product=current.product,
            side=side,
            price=e.price,
            quantity=e.quantity,
            charges=charges,
            executed_at_ns=e.ts_ns,
        )
        record.trades = _Link(trade, record.trades)
        book = self._accounts[current.account]
        book.trades.append(trade)
        if pending == 0:
            self._finished(book, current.order_id)

    def _finished(self, book: _AccountOrders, order_id: str) -> None:
        """Note a finished order; past the bound, forget the oldest finished ones."""
        finished = book.finished
        finished.append(order_id)
        if len(finished) <= self._forget_above:
            return
        forgotten: set[str] = set()
        while len(finished) > self._finished_kept:
            gone = finished.popleft()
            record = book.orders.pop(gone, None)
            if record is None:  # noted twice (a replayed stream's duplicate): already gone
                continue
            if record.states.value.exchange_order:
                self._by_core_id.pop(int(gone), None)
            if record.trades is not None:
                forgotten.add(gone)
        if forgotten:
            book.trades = [trade for trade in book.trades if trade.order_id not in forgotten]

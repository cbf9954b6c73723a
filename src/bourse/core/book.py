"""Limit order book of one instrument: price levels of FIFO queues with best-price tracking.

Each side keeps a dict ``price -> Level`` and a heap of its prices for the best price. A level's
queue is a deque in time priority; cancelling marks the order out of the book (``in_book``) and
adjusts the level's totals in O(1), and dead entries are skipped when they reach the front or
swept out when they outnumber the live ones. Heaps drop stale prices lazily, and a price is
pushed only while it is not already in its heap, so heaps stay bounded by the band's width.
"""

from abc import ABC, abstractmethod
from collections import deque
from heapq import heappop, heappush
from typing import Any, Final

from bourse.core.state import WorkingOrder
from bourse.domain.types import Paise, Quantity

MAX_DEPTH = 20

# As Final constants these are C statics, not a look-up in the module's globals at each call.
HEAPPUSH: Final = heappush
HEAPPOP: Final = heappop


class Level:
    """The orders resting at one price of one side.

    ``price_box`` is the price as one int object, made once per level, for the events that
    report the level (see ``core.state``), and ``heap_key`` its entry in its side's heap (the
    price object itself for an ask, its negation, also made once, for a bid). ``noted`` is set
    while the level is on its book's list of changed levels."""

    __slots__ = (
        "dead",
        "heap_key",
        "is_bid",
        "live",
        "noted",
        "price",
        "price_box",
        "queue",
        "visible",
    )

    def __init__(self, price: Paise, is_bid: bool) -> None:
        self.price = price
        self.price_box: Any = price
        self.heap_key: Any = -price if is_bid else self.price_box
        self.is_bid = is_bid
        self.queue: deque[WorkingOrder] = deque()
        self.visible = 0
        self.live = 0
        self.dead = 0
        self.noted = False

    def front(self) -> WorkingOrder | None:
        """The first live order, dropping dead entries ahead of it."""
        queue = self.queue
        while queue:
            order = queue[0]
            if order.in_book:
                return order
            queue.popleft()
            self.dead -= 1
        return None

    def compact(self) -> None:
        self.queue = deque(order for order in self.queue if order.in_book)
        self.dead = 0


class BookSide:
    """One side of a book. ``sign`` is -1 for bids (so the heap yields the highest price).

    ``changes`` (shared with the other side) lists the levels changed since the owner last
    reported them, in the order they first changed, when the book tracks changes.

    ``by_heap_key`` finds a level by its heap entry: for asks it is ``levels`` itself, for bids
    a second dict keyed by the negated prices. Heap entries are the levels' own ``heap_key``
    objects, so finding the best level matches its key by identity on both sides.
    """

    __slots__ = ("by_heap_key", "changes", "heap", "in_heap", "is_bid", "levels", "sign")

    def __init__(self, is_bid: bool, changes: list[Level] | None) -> None:
        self.is_bid = is_bid
        self.sign = -1 if is_bid else 1
        self.levels: dict[Paise, Level] = {}
        self.by_heap_key: dict[Paise, Level] = {} if is_bid else self.levels
        self.heap: list[Paise] = []
        self.in_heap: set[Paise] = set()
        self.changes = changes

    def note_change(self, level: Level) -> None:
        changes = self.changes
        if changes is not None and not level.noted:
            level.noted = True
            changes.append(level)

    def _new_level(self, price: Paise) -> Level:
        """A level for ``price``, which has none. When this command emptied (and dropped) a
        level at this price, that very level comes back: a price is reported once per command,
        at the place it first changed."""
        changes = self.changes
        if changes:
            for level in changes:
                if level.live == 0 and level.price == price and level.is_bid == self.is_bid:
                    level.queue = deque()
                    level.visible = 0
                    level.dead = 0
                    return level
        return Level(price, self.is_bid)

    def best(self) -> Level | None:
        # Read as a list of objects: an item of a ``list[int]`` becomes a machine int, boxed
        # into a new object again for the look-up.
        heap: list[Any] = self.heap
        levels = self.by_heap_key
        while heap:
            # The entry is a level's own heap key object (unless that level emptied and a new
            # one took its price: an equal key, found all the same).
            top = heap[0]
            level = levels.get(top)
            if level is not None:
                return level
            HEAPPOP(heap)
            # Negation, not ``* self.sign``: compiled, multiplying by -1 takes the slow path.
            self.in_heap.discard(-top if self.is_bid else top)
        return None

    def _drop(self, level: Level) -> None:
        """Forget an emptied level (its heap entry goes stale and is dropped lazily)."""
        del self.levels[level.price_box]
        if self.is_bid:
            del self.by_heap_key[level.heap_key]

    def add(self, order: WorkingOrder) -> Level:
        price = order.price
        level = self.levels.get(price)
        if level is None:
            level = self._new_level(price)
            self.levels[level.price_box] = level
            if self.is_bid:
                self.by_heap_key[level.heap_key] = level
            if price not in self.in_heap:
                self.in_heap.add(price)
                HEAPPUSH(self.heap, level.heap_key)
        level.queue.append(order)
        level.visible += order.visible_quantity
        level.live += 1
        order.in_book = True
        if not level.noted and self.changes is not None:
            level.noted = True
            self.changes.append(level)
        return level

    def remove(self, order: WorkingOrder) -> Level:
        """Take a resting order out of its level (O(1)); drops the level when it empties."""
        level = self.levels[order.price]
        if not level.noted and self.changes is not None:
            level.noted = True
            self.changes.append(level)
        order.in_book = False
        level.visible -= order.visible_quantity
        level.live -= 1
        if level.live == 0:
            self._drop(level)
        else:
            level.dead += 1
            if level.dead > 16 and level.dead > 2 * level.live:
                level.compact()
        return level

    def depth(self, levels: int) -> list[tuple[Paise, Quantity, int]]:
        """Best ``levels`` levels as (price, visible quantity, order count), best first."""
        prices = sorted(self.levels, reverse=self.sign < 0)[:levels]
        return [(p, self.levels[p].visible, self.levels[p].live) for p in prices]

    def total_visible(self) -> Quantity:
        return sum(level.visible for level in self.levels.values())


class FillHandler(ABC):
    """Receives the decisions of matching. The trading core settles and reports them; the bare
    book only counts them. Matching itself lives in ``OrderBook.match`` and nowhere else."""

    @abstractmethod
    def fill(
        self, aggressor: WorkingOrder, resting: WorkingOrder, quantity: Quantity, level: Level
    ) -> None:
        """A trade at ``level``'s price: must add ``quantity`` to both orders'
        ``filled_quantity``. The level, not just its price, so that the trade's event can carry
        the level's own price object (``price_box``) rather than a new one."""

    @abstractmethod
    def resting_filled(self, resting: WorkingOrder) -> None:
        """The resting order is complete and already out of the book."""

    @abstractmethod
    def self_trade(self, resting: WorkingOrder) -> None:
        """The incoming order met its own account's resting order: take the resting one out of
        the book (self-trade prevention cancels it)."""


class OrderBook:
    """Both sides of one instrument's book. With ``track_changes`` every level that an add, a
    removal or a fill changes is noted in ``changes`` (once, flagged ``noted``) until the owner
    reads them and calls ``forget_changes``. A list of the levels themselves: a dict keyed by
    price and side cost a key object per change, a lookup per report and a new table per
    command."""

    __slots__ = ("asks", "bids", "changes", "reported", "token", "token_box")

    def __init__(self, token: int, *, track_changes: bool = True) -> None:
        self.token = token
        self.token_box: Any = token  # one int object for the events (see core.state)
        self.changes: list[Level] | None = [] if track_changes else None
        self.bids = BookSide(True, self.changes)
        self.asks = BookSide(False, self.changes)
        self.reported = False
        """Set while the owner has this book on its list of books to report."""

    def forget_changes(self) -> None:
        changes = self.changes
        if changes:
            for level in changes:
                level.noted = False
            changes.clear()

    def side_of(self, is_buy: bool) -> BookSide:
        return self.bids if is_buy else self.asks

    def best_bid(self) -> Paise | None:
        level = self.bids.best()
        return None if level is None else level.price

    def best_ask(self) -> Paise | None:
        level = self.asks.best()
        return None if level is None else level.price

    def match(self, order: WorkingOrder, handler: FillHandler) -> None:
        """Match an incoming order against the opposite side in price-time priority, up to its
        limit (``order.price``; for market orders the protection cap). Trades print at the
        resting order's price; an iceberg whose slice is used up shows its next slice at the
        back of its level."""
        is_buy = order.is_buy
        opposite = self.asks if is_buy else self.bids
        limit = order.price
        while order.filled_quantity < order.quantity:
            level = opposite.best()
            if level is None:
                return
            price = level.price
            if (price > limit) if is_buy else (price < limit):
                return
            resting = level.front()
            assert resting is not None  # a level in the dict always has a live order
            if resting.account == order.account:
                handler.self_trade(resting)
                continue
            leaves = order.quantity - order.filled_quantity
            visible = resting.visible_quantity
            quantity = leaves if leaves < visible else visible
            handler.fill(order, resting, quantity, level)
            resting.visible_quantity = visible - quantity
            level.visible -= quantity
            if not level.noted and opposite.changes is not None:
                level.noted = True
                opposite.changes.append(level)
            if resting.filled_quantity == resting.quantity:
                level.queue.popleft()
                resting.in_book = False
                level.live -= 1
                if level.live == 0:
                    opposite._drop(level)
                handler.resting_filled(resting)
            elif resting.visible_quantity == 0:
                level.queue.popleft()
                peak = resting.next_peak()
                resting.visible_quantity = peak
                level.visible += peak
                level.queue.append(resting)

    def resting_orders(self) -> list[WorkingOrder]:
        """Every resting order, bids then asks, each side best price first in time priority."""
        result: list[WorkingOrder] = []
        for side in (self.bids, self.asks):
            for price in sorted(side.levels, reverse=side.sign < 0):
                result.extend(order for order in side.levels[price].queue if order.in_book)
        return result

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
from typing import Any

from bourse.core.state import WorkingOrder
from bourse.domain.types import Paise, Quantity

MAX_DEPTH = 20


class Level:
    __slots__ = ("dead", "live", "price", "queue", "visible")

    def __init__(self, price: Paise) -> None:
        self.price = price
        self.queue: deque[WorkingOrder] = deque()
        self.visible = 0
        self.live = 0
        self.dead = 0

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


def change_key(price: Paise, is_bid: bool) -> int:
    """Key of a changed level in ``OrderBook.changes``: the price and the side in one int."""
    return (price << 1) | is_bid


class BookSide:
    """One side of a book. ``sign`` is -1 for bids (so the heap yields the highest price).

    ``changes`` (shared with the other side) collects the levels changed since the owner last
    reported them, when the book tracks changes.
    """

    __slots__ = ("changes", "heap", "in_heap", "is_bid", "levels", "sign")

    def __init__(self, is_bid: bool, changes: dict[int, None] | None) -> None:
        self.is_bid = is_bid
        self.sign = -1 if is_bid else 1
        self.levels: dict[Paise, Level] = {}
        self.heap: list[Paise] = []
        self.in_heap: set[Paise] = set()
        self.changes = changes

    def note_change(self, price: Paise) -> None:
        if self.changes is not None:
            self.changes[(price << 1) | self.is_bid] = None

    def best(self) -> Level | None:
        heap = self.heap
        levels = self.levels
        while heap:
            level = levels.get(heap[0] * self.sign)
            if level is not None:
                return level
            self.in_heap.discard(heappop(heap) * self.sign)
        return None

    def add(self, order: WorkingOrder) -> Level:
        price = order.price
        level = self.levels.get(price)
        if level is None:
            level = self.levels[price] = Level(price)
            if price not in self.in_heap:
                self.in_heap.add(price)
                heappush(self.heap, price * self.sign)
        level.queue.append(order)
        level.visible += order.visible_quantity
        level.live += 1
        order.in_book = True
        if self.changes is not None:
            self.changes[(price << 1) | self.is_bid] = None
        return level

    def remove(self, order: WorkingOrder) -> Level:
        """Take a resting order out of its level (O(1)); drops the level when it empties."""
        level = self.levels[order.price]
        if self.changes is not None:
            self.changes[(order.price << 1) | self.is_bid] = None
        order.in_book = False
        level.visible -= order.visible_quantity
        level.live -= 1
        if level.live == 0:
            del self.levels[order.price]
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
        self, aggressor: WorkingOrder, resting: WorkingOrder, quantity: Quantity, price: Paise
    ) -> None:
        """A trade: must add ``quantity`` to both orders' ``filled_quantity``."""

    @abstractmethod
    def resting_filled(self, resting: WorkingOrder) -> None:
        """The resting order is complete and already out of the book."""

    @abstractmethod
    def self_trade(self, resting: WorkingOrder) -> None:
        """The incoming order met its own account's resting order: take the resting one out of
        the book (self-trade prevention cancels it)."""


class OrderBook:
    """Both sides of one instrument's book. With ``track_changes`` every level that an add, a
    removal or a fill changes is noted in ``changes`` until the owner reads and clears it."""

    __slots__ = ("asks", "bids", "changes", "reported", "token", "token_box")

    def __init__(self, token: int, *, track_changes: bool = True) -> None:
        self.token = token
        self.token_box: Any = token  # one int object for the events (see core.state)
        self.changes: dict[int, None] | None = {} if track_changes else None
        self.bids = BookSide(True, self.changes)
        self.asks = BookSide(False, self.changes)
        self.reported = False
        """Set while the owner has this book on its list of books to report."""

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
            handler.fill(order, resting, quantity, price)
            resting.visible_quantity = visible - quantity
            level.visible -= quantity
            if opposite.changes is not None:
                opposite.changes[(price << 1) | opposite.is_bid] = None
            if resting.filled_quantity == resting.quantity:
                level.queue.popleft()
                resting.in_book = False
                level.live -= 1
                if level.live == 0:
                    del opposite.levels[price]
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

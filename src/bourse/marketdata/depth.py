"""A mirror of every order book's visible levels, kept from ``BookChanged`` events.

The core owns the books and reports each change of a level's visible total; replaying those
reports in order gives the same levels the core shows (a property test compares them), so
depth and total buy/sell quantity are read here without a trip to the core thread. Prices of
each side are kept sorted (best first) so the top 5 or 20 levels are a slice.
"""

from bisect import bisect_left, insort

import msgspec

from bourse.domain import events as ev
from bourse.domain.enums import Side
from bourse.domain.types import InstrumentToken, Paise, Quantity

MAX_DEPTH_LEVELS = 20
Level = tuple[Paise, Quantity, int]
"""(price, visible quantity, orders)."""


class BookSide:
    """One side's levels. Prices are stored negated for bids so ascending order is best
    first on both sides."""

    __slots__ = ("_keys", "_levels", "_sign", "total")

    def __init__(self, sign: int) -> None:
        self._sign = sign
        self._keys: list[Paise] = []
        self._levels: dict[Paise, tuple[Quantity, int]] = {}
        self.total: Quantity = 0

    def set(self, price: Paise, quantity: Quantity, orders: int) -> None:
        key = price * self._sign
        old = self._levels.get(key)
        if old is not None:
            self.total -= old[0]
        if quantity == 0 and orders == 0:
            if old is not None:
                del self._levels[key]
                del self._keys[bisect_left(self._keys, key)]
            return
        if old is None:
            insort(self._keys, key)
        self._levels[key] = (quantity, orders)
        self.total += quantity

    def top(self, levels: int) -> list[Level]:
        sign, found = self._sign, self._levels
        return [(key * sign, *found[key]) for key in self._keys[:levels]]


class DepthView(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    token: InstrumentToken
    bids: list[Level]
    asks: list[Level]
    """Best first."""
    total_buy_quantity: Quantity
    total_sell_quantity: Quantity


class DepthMirror:
    def __init__(self) -> None:
        self._books: dict[InstrumentToken, tuple[BookSide, BookSide]] = {}

    def apply(self, event: ev.BookChanged) -> None:
        book = self._books.get(event.token)
        if book is None:
            book = self._books[event.token] = (BookSide(-1), BookSide(1))
        side = book[0] if event.side is Side.BUY else book[1]
        side.set(event.price, event.quantity, event.orders)

    def totals(self, token: InstrumentToken) -> tuple[Quantity, Quantity]:
        book = self._books.get(token)
        return (0, 0) if book is None else (book[0].total, book[1].total)

    def depth(self, token: InstrumentToken, levels: int = 5) -> DepthView:
        book = self._books.get(token)
        if book is None:
            return DepthView(
                token=token, bids=[], asks=[], total_buy_quantity=0, total_sell_quantity=0
            )
        bids, asks = book
        return DepthView(
            token=token,
            bids=bids.top(levels),
            asks=asks.top(levels),
            total_buy_quantity=bids.total,
            total_sell_quantity=asks.total,
        )

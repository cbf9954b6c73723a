"""A minimal reference book used only to *generate* the benchmark stream.

The workload generator needs to know, while it writes the stream, which orders are still live
(so every cancel targets a live order), where the mid is (so limit prices sit around it) and
whether a limit order crosses (to measure the crossing fraction). This book answers those
questions with the semantics every engine under test shares: price-time priority, fills at the
resting order's price, partial fills, market orders that never rest. With ``stp`` on it also
models Bourse's self-trade prevention (the resting order of the same account is cancelled).

It is never timed: generation happens before any engine sees the stream.
"""

from collections import deque
from heapq import heappop, heappush

ORDER_QTY = 0
ORDER_PRICE = 1
ORDER_IS_BUY = 2
ORDER_ACCOUNT = 3
ORDER_ALIVE = 4
ORDER_NO = 5


class _Side:
    __slots__ = ("heap", "levels", "sign")

    def __init__(self, is_bid: bool) -> None:
        self.sign = -1 if is_bid else 1
        self.levels: dict[int, deque[list[int]]] = {}
        self.heap: list[int] = []

    def best(self) -> int | None:
        heap = self.heap
        while heap:
            price = heap[0] * self.sign
            level = self.levels.get(price)
            if level:
                while level and not level[0][ORDER_ALIVE]:
                    level.popleft()
                if level:
                    return price
                del self.levels[price]
            heappop(heap)
        return None

    def add(self, order: list[int]) -> None:
        price = order[ORDER_PRICE]
        level = self.levels.get(price)
        if level is None:
            level = self.levels[price] = deque()
            heappush(self.heap, price * self.sign)
        level.append(order)


class SimBook:
    """Live orders of one instrument keyed by the stream's order number."""

    def __init__(self, *, stp: bool) -> None:
        self.stp = stp
        self.bids = _Side(is_bid=True)
        self.asks = _Side(is_bid=False)
        self.orders: dict[int, list[int]] = {}
        # Order numbers of live orders, for picking a uniform random cancel target in O(1).
        self.live: list[int] = []
        self._slot: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.live)

    def best_bid(self) -> int | None:
        return self.bids.best()

    def best_ask(self) -> int | None:
        return self.asks.best()

    def crosses(self, is_buy: bool, price: int) -> bool:
        best = self.best_ask() if is_buy else self.best_bid()
        return best is not None and (price >= best if is_buy else price <= best)

    def place(self, order_no: int, is_buy: bool, price: int, qty: int, account: int) -> int:
        """Match an incoming order (``price`` 0: market); rest a limit's remainder.

        Returns the quantity traded.
        """
        opposite = self.asks if is_buy else self.bids
        left = qty
        while left:
            best = opposite.best()
            if best is None or (price and (best > price if is_buy else best < price)):
                break
            resting = opposite.levels[best][0]
            if self.stp and resting[ORDER_ACCOUNT] == account:
                self._kill(resting[ORDER_NO])
                continue
            fill = min(left, resting[ORDER_QTY])
            left -= fill
            resting[ORDER_QTY] -= fill
            if resting[ORDER_QTY] == 0:
                self._kill(resting[ORDER_NO])
        if left and price:
            order = [left, price, int(is_buy), account, 1, order_no]  # see ORDER_*
            self.orders[order_no] = order
            self._slot[order_no] = len(self.live)
            self.live.append(order_no)
            (self.bids if is_buy else self.asks).add(order)
        return qty - left

    def cancel(self, order_no: int) -> None:
        self._kill(order_no)

    def account_of(self, order_no: int) -> int:
        return self.orders[order_no][ORDER_ACCOUNT]

    def _kill(self, order_no: int) -> None:
        order = self.orders.pop(order_no)
        order[ORDER_ALIVE] = 0
        slot = self._slot.pop(order_no)
        last = self.live.pop()
        if last != order_no:
            self.live[slot] = last
            self._slot[last] = slot

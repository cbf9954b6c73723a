"""Stop orders (SL, SL-M) held off-book until a trade prints through their trigger.

A buy stop triggers when a trade prints at or above its trigger, a sell stop at or below. Heaps
keyed by trigger give the candidates; entries are verified against the live order (a modified
or cancelled stop leaves a stale entry that is skipped). Triggered orders are released in
acceptance (order id) order.
"""

from heapq import heappop, heappush

from bourse.core.state import WorkingOrder
from bourse.core.vocabulary import TRIGGER_PENDING
from bourse.domain.types import OrderId, Paise


class StopBook:
    __slots__ = ("buy_heap", "orders", "sell_heap")

    def __init__(self) -> None:
        self.buy_heap: list[tuple[Paise, OrderId]] = []
        self.sell_heap: list[tuple[Paise, OrderId]] = []
        self.orders: dict[OrderId, WorkingOrder] = {}

    def add(self, order: WorkingOrder) -> None:
        self.orders[order.order_id] = order
        if order.is_buy:
            heappush(self.buy_heap, (order.trigger_price, order.order_id))
        else:
            heappush(self.sell_heap, (-order.trigger_price, order.order_id))

    def remove(self, order: WorkingOrder) -> None:
        self.orders.pop(order.order_id, None)
        # Cancelled and re-triggered stops leave stale heap entries; rebuild when they dominate.
        if len(self.buy_heap) + len(self.sell_heap) > 2 * len(self.orders) + 64:
            self.rebuild()

    def rebuild(self) -> None:
        pending = list(self.orders.values())
        self.buy_heap = []
        self.sell_heap = []
        self.orders = {}
        for order in pending:
            self.add(order)

    def triggered(self, low: Paise, high: Paise) -> list[WorkingOrder]:
        """Pop every stop crossed by trades printed within [low, high], in order id order."""
        fired: dict[OrderId, WorkingOrder] = {}
        orders = self.orders
        heap = self.buy_heap
        while heap and heap[0][0] <= high:
            trigger, order_id = heappop(heap)
            order = orders.get(order_id)
            if order is not None and order.trigger_price == trigger:
                fired[order_id] = order
        heap = self.sell_heap
        while heap and -heap[0][0] >= low:
            negative_trigger, order_id = heappop(heap)
            order = orders.get(order_id)
            if order is not None and order.trigger_price == -negative_trigger:
                fired[order_id] = order
        for order_id in fired:
            del orders[order_id]
        return [fired[order_id] for order_id in sorted(fired)]

    def pending(self) -> list[WorkingOrder]:
        return [self.orders[order_id] for order_id in sorted(self.orders)]

    def is_pending(self, order: WorkingOrder) -> bool:
        return order.status is TRIGGER_PENDING and order.order_id in self.orders

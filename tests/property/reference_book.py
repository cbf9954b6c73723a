"""A naive reference matching engine, written separately from ``bourse.core`` (it imports
nothing from it) so the core can be compared with it trade by trade.

Every instrument's resting orders live in one plain list. To find the next order to trade with,
the whole list is scanned and the best candidate chosen by (price, arrival number); a resting
order that shows a new iceberg slice gets a fresh arrival number, which sends it to the back of
its price level. Stops are working orders flagged as waiting. Nothing is indexed, cached or
incremental: it is meant to be slow and obviously right.

The reference decides nothing about validation or money. The test feeds it the orders the core
accepted (with the limit the core fixed, which for MARKET and SL-M orders is the protection cap)
and the modifications the core accepted; the reference replies with what must happen next, as a
log of entries in the order the core must report them (``matching_log`` translates the core's
events into the same entries):

* ``("trade", price, quantity, buy_order_id, sell_order_id, aggressor_side)``
* ``("cancel", order_id, reason, cancelled_quantity)``
* ``("trigger", order_id)``
"""

from dataclasses import dataclass

from bourse.domain import events as ev

NS_PER_MINUTE = 60 * 1_000_000_000

LIMIT = "LIMIT"
MARKET = "MARKET"
STOP_LIMIT = "SL"
STOP_MARKET = "SL-M"
STOP_KINDS = (STOP_LIMIT, STOP_MARKET)
MARKET_KINDS = (MARKET, STOP_MARKET)

LogEntry = tuple[object, ...]


def matching_log(events: list[ev.Event]) -> list[LogEntry]:
    """The core's events in the reference book's vocabulary."""
    log: list[LogEntry] = []
    for e in events:
        if isinstance(e, ev.TradeExecuted):
            log.append(
                ("trade", e.price, e.quantity, e.buy_order_id, e.sell_order_id, e.aggressor.value)
            )
        elif isinstance(e, ev.OrderCancelled):
            log.append(("cancel", e.order_id, e.reason.value, e.cancelled_quantity))
        elif isinstance(e, ev.OrderTriggered):
            log.append(("trigger", e.order_id))
    return log


@dataclass(eq=False)
class RefOrder:
    order_id: int
    account: int
    token: int
    is_buy: bool
    kind: str
    """LIMIT, MARKET, SL or SL-M (a released stop keeps its kind)."""
    validity: str
    """DAY, IOC or TTL."""
    quantity: int
    limit: int
    """The price the order may trade at or better: its price, or the cap of MARKET and SL-M."""
    trigger: int = 0
    disclosed: int = 0
    expires_at_ns: int = 0
    filled: int = 0
    shown: int = 0
    arrival: int = 0
    waiting: bool = False
    """A stop that has not been released yet."""

    @property
    def leaves(self) -> int:
        return self.quantity - self.filled

    def slice_to_show(self) -> int:
        if self.disclosed:
            return min(self.disclosed, self.leaves)
        return self.leaves


class ReferenceBook:
    """All instruments' books, stops and working orders, matched by brute force."""

    def __init__(self) -> None:
        self.working: dict[int, RefOrder] = {}
        self.resting: list[RefOrder] = []
        self.arrivals = 0
        self.log: list[LogEntry] = []

    # --- what the test asks --------------------------------------------------------------------

    def working_ids(self) -> set[int]:
        return set(self.working)

    def book(self, token: int, is_buy: bool) -> list[tuple[int, int, int]]:
        """(price, order id, shown quantity) of one side, best first, in queue order."""
        side = [o for o in self.resting if o.token == token and o.is_buy == is_buy]
        side.sort(key=lambda o: (-o.limit if is_buy else o.limit, o.arrival))
        return [(o.limit, o.order_id, o.shown) for o in side]

    # --- commands ------------------------------------------------------------------------------

    def expire(self, now_ns: int) -> list[LogEntry]:
        """Cancel every order whose time ran out, earliest expiry first, then by id."""
        self.log = []
        due = [o for o in self.working.values() if o.expires_at_ns and o.expires_at_ns <= now_ns]
        for order in sorted(due, key=lambda o: (o.expires_at_ns, o.order_id)):
            self._cancel(order, "EXPIRED")
        return self.log

    def close_session(self) -> list[LogEntry]:
        self.log = []
        for order_id in sorted(self.working):
            self._cancel(self.working[order_id], "EXPIRED")
        return self.log

    def cancel(self, order_id: int) -> list[LogEntry]:
        self.log = []
        self._cancel(self.working[order_id], "USER")
        return self.log

    def place(self, order: RefOrder) -> list[LogEntry]:
        self.log = []
        self.working[order.order_id] = order
        if order.kind in STOP_KINDS:
            order.waiting = True
            return self.log
        self._process_with_stops(order)
        return self.log

    def modify(
        self,
        order_id: int,
        *,
        kind: str,
        quantity: int,
        limit: int,
        trigger: int,
        disclosed: int,
    ) -> tuple[bool, list[LogEntry]]:
        """Apply an accepted modification; returns (kept its queue place, log)."""
        self.log = []
        order = self.working[order_id]
        if order.waiting:
            order.kind, order.quantity, order.limit = kind, quantity, limit
            order.trigger, order.disclosed = trigger, disclosed
            if kind in STOP_KINDS:
                return False, self.log
            order.waiting = False
            self._process_with_stops(order)
            return False, self.log
        keeps_place = (
            limit == order.limit
            and quantity < order.quantity
            and disclosed == order.disclosed
            and kind == order.kind
        )
        order.kind, order.quantity, order.limit = kind, quantity, limit
        order.trigger, order.disclosed = trigger, disclosed
        if keeps_place:
            order.shown = min(order.shown, order.leaves)
            return True, self.log
        self.resting.remove(order)
        self._process_with_stops(order)
        return False, self.log

    # --- matching ------------------------------------------------------------------------------

    def _process_with_stops(self, order: RefOrder) -> None:
        """Work one incoming order, then release the stops its trades crossed, round by round."""
        prices = self._process(order)
        while prices:
            low, high = min(prices), max(prices)
            released = [
                o
                for o in self.working.values()
                if o.waiting
                and o.token == order.token
                and ((o.is_buy and o.trigger <= high) or (not o.is_buy and o.trigger >= low))
            ]
            prices = []
            for stop in sorted(released, key=lambda o: o.order_id):
                stop.waiting = False
            for stop in sorted(released, key=lambda o: o.order_id):
                self.log.append(("trigger", stop.order_id))
                prices += self._process(stop)

    def _process(self, order: RefOrder) -> list[int]:
        """Match, then complete, cancel or rest the rest; returns the prices traded."""
        prices: list[int] = []
        while order.leaves > 0:
            other = self._best_opposite(order)
            if other is None:
                break
            if other.account == order.account:
                self._cancel(other, "SELF_TRADE")
                continue
            quantity = min(order.leaves, other.shown)
            price = other.limit
            buy, sell = (order, other) if order.is_buy else (other, order)
            aggressor = "BUY" if order.is_buy else "SELL"
            self.log.append(("trade", price, quantity, buy.order_id, sell.order_id, aggressor))
            prices.append(price)
            order.filled += quantity
            other.filled += quantity
            other.shown -= quantity
            if other.leaves == 0:
                self.resting.remove(other)
                del self.working[other.order_id]
            elif other.shown == 0:
                other.shown = other.slice_to_show()
                other.arrival = self._next_arrival()
        if order.leaves == 0:
            del self.working[order.order_id]
        elif order.kind in MARKET_KINDS:
            self._cancel(order, "MARKET_REMAINDER")
        elif order.validity == "IOC":
            self._cancel(order, "IOC_REMAINDER")
        else:
            order.shown = order.slice_to_show()
            order.arrival = self._next_arrival()
            self.resting.append(order)
        return prices

    def _best_opposite(self, order: RefOrder) -> RefOrder | None:
        if order.is_buy:
            candidates = [
                o
                for o in self.resting
                if o.token == order.token and not o.is_buy and o.limit <= order.limit
            ]
            return min(candidates, key=lambda o: (o.limit, o.arrival), default=None)
        candidates = [
            o
            for o in self.resting
            if o.token == order.token and o.is_buy and o.limit >= order.limit
        ]
        return min(candidates, key=lambda o: (-o.limit, o.arrival), default=None)

    def _cancel(self, order: RefOrder, reason: str) -> None:
        if order in self.resting:
            self.resting.remove(order)
        del self.working[order.order_id]
        self.log.append(("cancel", order.order_id, reason, order.leaves))

    def _next_arrival(self) -> int:
        self.arrivals += 1
        return self.arrivals

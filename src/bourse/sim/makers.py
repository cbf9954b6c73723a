"""Market makers: several levels each side around the fair value, skewed by inventory.

A firm quotes every instrument from one account. Its inner bid and ask sit ``inner_ticks`` from
the fair value, shifted against its inventory (a long firm quotes lower to sell), more steeply
near its limit. Deeper levels are on a grid of ``gap`` ticks (about half a basis point of the
price) so that they stay put while the inner quotes move; on cheap stocks the grid is every
tick.

Inventory is bounded by construction: the firm's resting bids never exceed
``max_inventory - inventory`` shares (asks: ``max_inventory + inventory``), so no sequence of
fills can take it past ``max_inventory`` either way. Requoting cancels before it places,
and orders still being cancelled count as resting until the core confirms.
"""

import math

from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, Paise, Quantity
from bourse.sim.config import MakerConfig
from bourse.sim.orders import OrderDesk, SimOrder

GAP_BP = 0.5


def _lots(quantity: int, lot: int) -> int:
    return quantity // lot * lot


class _Quotes:
    """One firm's quotes and inventory in one instrument."""

    __slots__ = ("asks", "bids", "cancelling", "dirty", "inventory", "key", "quoted_at")

    def __init__(self) -> None:
        self.bids: dict[Paise, list[SimOrder]] = {}
        self.asks: dict[Paise, list[SimOrder]] = {}
        self.cancelling: set[SimOrder] = set()
        """Cancelled but not yet confirmed: they may still fill, so they count as resting."""
        self.inventory = 0
        self.dirty = True
        self.key: tuple[int, int] = (0, 0)
        self.quoted_at = float("-inf")


class MarketMaker:
    def __init__(
        self,
        account: AccountId,
        config: MakerConfig,
        instruments: list[Instrument],
        desk: OrderDesk,
    ) -> None:
        self.account = account
        self.config = config
        self._desk = desk
        self._instruments = instruments
        self._quotes = [_Quotes() for _ in instruments]
        self._deferred: list[tuple[int, bool, Paise, int]] = []
        self._gap = [
            max(1, round(i.reference_price * GAP_BP / 10_000 / i.tick_size)) for i in instruments
        ]
        self._base = [
            max(i.lot_size, _lots(config.level_notional_paise // i.reference_price, i.lot_size))
            for i in instruments
        ]
        self.max_inventory = [
            max(
                i.lot_size,
                _lots(config.max_inventory_notional_paise // i.reference_price, i.lot_size),
            )
            for i in instruments
        ]

    def inventory(self, index: int) -> int:
        return self._quotes[index].inventory

    # --- events --------------------------------------------------------------------------------

    def on_fill(self, order: SimOrder, quantity: Quantity, price: Paise) -> None:
        quotes = self._quotes[order.index]
        quotes.inventory += quantity if order.is_buy else -quantity
        quotes.dirty = True

    def on_done(self, order: SimOrder) -> None:
        quotes = self._quotes[order.index]
        quotes.cancelling.discard(order)
        side = quotes.bids if order.is_buy else quotes.asks
        level = side.get(order.price)
        if level is not None and order in level:
            level.remove(order)
            if not level:
                del side[order.price]
        quotes.dirty = True

    # --- quoting -------------------------------------------------------------------------------

    def requote(self, index: int, fair: float, now: float) -> None:
        """Bring the quotes of instrument ``index`` in line with ``fair`` (paise) at simulated
        time ``now`` (seconds)."""
        instrument = self._instruments[index]
        quotes = self._quotes[index]
        if not quotes.dirty and now - quotes.quoted_at < self.config.min_quote_seconds:
            return
        tick = instrument.tick_size
        limit = self.max_inventory[index]
        config = self.config
        # The skew steepens as the inventory nears its limit, to win back the other side.
        ratio = quotes.inventory / limit
        centre = fair - ratio * (1 + 4 * ratio * ratio) * config.skew_ticks * tick
        bid0 = math.floor((centre - config.inner_ticks * tick) / tick) * tick
        ask0 = math.ceil((centre + config.inner_ticks * tick) / tick) * tick
        if ask0 <= bid0:
            ask0 = bid0 + tick
        key = (bid0, ask0)
        if not quotes.dirty and key != quotes.key:
            # Hysteresis: quotes a tick or so off the ideal stay (fewer messages).
            moved = max(abs(bid0 - quotes.key[0]), abs(ask0 - quotes.key[1]))
            if moved <= config.requote_ticks * tick:
                return
        elif key == quotes.key and not quotes.dirty:
            return
        quotes.key = key
        quotes.dirty = False
        quotes.quoted_at = now
        gap = self._gap[index] * tick
        bids = [bid0, *(self._grid_below(bid0, gap, k) for k in range(1, config.levels))]
        asks = [ask0, *(self._grid_above(ask0, gap, k) for k in range(1, config.levels))]
        low, high = instrument.lower_circuit, instrument.upper_circuit
        bids = [p for p in bids if low <= p <= high]
        asks = [p for p in asks if low <= p <= high]
        places: list[tuple[bool, Paise, int]] = []
        cancelling = quotes.cancelling
        self._side(index, quotes.bids, bids, limit - quotes.inventory, True, places, cancelling)
        self._side(index, quotes.asks, asks, limit + quotes.inventory, False, places, cancelling)
        self._deferred.extend(
            (index, is_buy, price, quantity) for is_buy, price, quantity in places
        )

    def place_requoted(self) -> None:
        """Place what `requote` decided. The simulator calls it once every maker has requoted,
        so every firm's stale quotes are gone before new ones arrive (no firm trades against
        another's stale quote after a jump)."""
        desk = self._desk
        for index, is_buy, price, quantity in self._deferred:
            order = desk.place(self, index, is_buy, quantity, price)
            quotes = self._quotes[index]
            side = quotes.bids if is_buy else quotes.asks
            side.setdefault(price, []).append(order)
        self._deferred.clear()

    @staticmethod
    def _grid_below(inner: Paise, gap: Paise, k: int) -> Paise:
        first = (inner - 1) // gap * gap
        return first - (k - 1) * gap

    @staticmethod
    def _grid_above(inner: Paise, gap: Paise, k: int) -> Paise:
        first = -((-(inner + 1)) // gap) * gap
        return first + (k - 1) * gap

    def _side(
        self,
        index: int,
        current: dict[Paise, list[SimOrder]],
        prices: list[Paise],
        capacity: int,
        is_buy: bool,
        places: list[tuple[bool, Paise, int]],
        cancelling: set[SimOrder],
    ) -> None:
        """Cancel what is off the ladder or too big for the capacity (now); note what to place
        (after every cancel of this requote). Orders still being cancelled use capacity."""
        lot = self._instruments[index].lot_size
        base = self._base[index]
        wanted = set(prices)
        for price in [p for p in current if p not in wanted]:
            self._cancel_all(current.pop(price), cancelling)
        capacity -= sum(o.remaining for o in cancelling if o.is_buy is is_buy)
        for k, price in enumerate(prices):
            quantity = base * (2 + k) // 2 // lot * lot
            target = max(0, min(quantity, capacity // lot * lot))
            orders = current.get(price)
            have = sum(o.remaining for o in orders) if orders else 0
            if orders and have > target:
                self._cancel_all(current.pop(price), cancelling)
                capacity -= have
                target = max(0, min(quantity, capacity // lot * lot))
                have = 0
            if target and have * 2 < target:
                places.append((is_buy, price, target - have))
                have = target
            capacity -= have

    def _cancel_all(self, orders: list[SimOrder], cancelling: set[SimOrder]) -> None:
        for order in orders:
            self._desk.cancel(order)
            cancelling.add(order)

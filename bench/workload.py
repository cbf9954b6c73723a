"""The seeded order stream every engine in the benchmark replays.

Shape (per instrument): a book first filled with ``book_size`` non-crossing limit orders, then a
mix of 60 % limit, 10 % market and 30 % cancel of a live order. Limit prices sit at most
``max_offset_ticks`` from the current mid: the offset is uniform on ``[-cross_ticks,
max_offset_ticks]`` ticks on the passive side, so offsets below zero reach over the mid and
some of them cross the spread (``cross_ticks`` is tuned so about 9 % of limits cross; the
stream records the measured fraction). Market order sizes follow the book's depth (bigger when
it is above ``book_size``), which keeps it near ``book_size`` resting orders for the whole run.

Ops are neutral (side, type, price in ticks, quantity, the number of the order a cancel
targets), so each engine gets the same stream through a thin adapter. Order numbers count
placements (limit and market) from 1 over the whole stream, in stream order: an engine that
numbers accepted orders sequentially gives them the same numbers, plus a constant offset.
"""

import random
from dataclasses import dataclass, field
from typing import NamedTuple

from simbook import SimBook

LIMIT = 0
MARKET = 1
CANCEL = 2
KIND_NAMES = ("limit", "market", "cancel")


def label(op: "Op") -> str:
    """Kind for latency breakdowns: limits split into resting and crossing ones."""
    if op.kind == LIMIT:
        return "limit_crossing" if op.crosses else "limit_resting"
    return KIND_NAMES[op.kind]


class Op(NamedTuple):
    kind: int
    """LIMIT, MARKET or CANCEL."""
    instrument: int
    """Index of the instrument, 0 .. instruments - 1."""
    is_buy: bool
    """Side of the placed order, or of the cancelled one."""
    price_ticks: int
    """Absolute limit price in ticks; 0 for market orders and cancels."""
    qty: int
    """Quantity placed; 0 for cancels."""
    order_no: int
    """Placements: this order's number. Cancels: the number of the (live) order to cancel."""
    account: int
    """Account index placing the order, or owning the cancelled one."""
    crosses: bool = False
    """A limit order that crossed the spread when it was placed (for reporting only)."""


@dataclass(frozen=True)
class WorkloadSpec:
    ops: int = 200_000
    """Measured ops (after the book is filled and warmed)."""
    warmup_ops: int = 20_000
    """Mixed ops applied untimed after the initial fill, to warm caches and the allocator."""
    seed: int = 20_260_101
    instruments: int = 1
    accounts: int = 0
    """0: one account per side (buys from account 0, sells from 1): no self-trade possible.
    Otherwise every order picks an account uniformly and self-trades are prevented as Bourse
    does (the resting order is cancelled)."""
    book_size: int = 1_000
    """Resting orders per instrument the stream starts with and hovers around."""
    mid_ticks: int = 20_000
    """Starting mid, in ticks (20,000 ticks of 5 paise = Rs 1,000)."""
    max_offset_ticks: int = 50
    cross_ticks: int = 8
    max_limit_qty: int = 100
    market_qty_mean: int = 100
    """Mean market order size when the book is at ``book_size``."""


@dataclass
class Workload:
    spec: WorkloadSpec
    setup: list[Op]
    """Untimed: the initial fill (non-crossing limits) then ``warmup_ops`` mixed ops."""
    measured: list[Op]
    placements_in_setup: int
    crossing_fraction: float
    """Crossing limit orders / limit orders, over the measured ops."""
    kinds: dict[str, int] = field(default_factory=dict)
    """Measured ops by kind."""
    resting_after_setup: int = 0
    resting_at_end: int = 0
    """Resting orders over all instruments after the whole stream (for consistency checks)."""
    traded_qty: int = 0
    """Quantity traded by the measured ops (self-trade cancellations excluded)."""
    mid_range_ticks: tuple[int, int] = (0, 0)


class _Generator:
    def __init__(self, spec: WorkloadSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.books = [SimBook(stp=spec.accounts > 0) for _ in range(spec.instruments)]
        self.mids = [spec.mid_ticks] * spec.instruments
        self.next_order_no = 1
        self.limits = 0
        self.crossing = 0
        self.traded = 0
        self.low_mid = self.high_mid = spec.mid_ticks

    def account_for(self, is_buy: bool) -> int:
        if self.spec.accounts == 0:
            return 0 if is_buy else 1
        return self.rng.randrange(self.spec.accounts)

    def mid(self, instrument: int) -> int:
        book = self.books[instrument]
        bid = book.best_bid()
        ask = book.best_ask()
        if bid is not None and ask is not None:
            mid = (bid + ask) // 2
            self.mids[instrument] = mid
            self.low_mid = min(self.low_mid, mid)
            self.high_mid = max(self.high_mid, mid)
        return self.mids[instrument]

    def place(
        self, kind: int, instrument: int, is_buy: bool, price: int, qty: int, crosses: bool = False
    ) -> Op:
        order_no = self.next_order_no
        self.next_order_no += 1
        account = self.account_for(is_buy)
        self.traded += self.books[instrument].place(order_no, is_buy, price, qty, account)
        return Op(kind, instrument, is_buy, price, qty, order_no, account, crosses)

    def fill(self, instrument: int) -> list[Op]:
        """Non-crossing limits on both sides of the starting mid."""
        spec = self.spec
        rng = self.rng
        ops = []
        for _ in range(spec.book_size):
            is_buy = rng.random() < 0.5
            offset = rng.randint(1, spec.max_offset_ticks)
            price = spec.mid_ticks - offset if is_buy else spec.mid_ticks + offset
            qty = rng.randint(1, spec.max_limit_qty)
            ops.append(self.place(LIMIT, instrument, is_buy, price, qty))
        return ops

    def mixed(self) -> Op:
        spec = self.spec
        rng = self.rng
        instrument = rng.randrange(spec.instruments)
        book = self.books[instrument]
        draw = rng.random()
        if draw >= 0.7 and len(book):
            order_no = book.live[rng.randrange(len(book))]
            order = book.orders[order_no]
            book.cancel(order_no)
            return Op(CANCEL, instrument, bool(order[2]), 0, 0, order_no, order[3])
        is_buy = rng.random() < 0.5
        if 0.6 <= draw < 0.7:
            depth = max(0.25, min(4.0, (len(book) / spec.book_size) ** 2))
            mean = max(1, round(spec.market_qty_mean * depth))
            qty = rng.randint(1, 2 * mean - 1)
            return self.place(MARKET, instrument, is_buy, 0, qty)
        mid = self.mid(instrument)
        offset = rng.randint(-spec.cross_ticks, spec.max_offset_ticks)
        price = max(1, mid - offset if is_buy else mid + offset)
        crosses = book.crosses(is_buy, price)
        self.limits += 1
        self.crossing += crosses
        qty = rng.randint(1, spec.max_limit_qty)
        return self.place(LIMIT, instrument, is_buy, price, qty, crosses)


def generate(spec: WorkloadSpec) -> Workload:
    """Build the whole stream (setup and measured ops) from ``spec``; deterministic per seed."""
    gen = _Generator(spec)
    setup: list[Op] = []
    for instrument in range(spec.instruments):
        setup.extend(gen.fill(instrument))
    setup.extend(gen.mixed() for _ in range(spec.warmup_ops))
    placements_in_setup = gen.next_order_no - 1
    resting_after_setup = sum(len(book) for book in gen.books)
    gen.limits = gen.crossing = gen.traded = 0
    gen.low_mid = gen.high_mid = gen.mids[0]
    measured = [gen.mixed() for _ in range(spec.ops)]
    kinds = dict.fromkeys(KIND_NAMES, 0)
    for op in measured:
        kinds[KIND_NAMES[op.kind]] += 1
    return Workload(
        spec=spec,
        setup=setup,
        measured=measured,
        placements_in_setup=placements_in_setup,
        crossing_fraction=gen.crossing / gen.limits if gen.limits else 0.0,
        kinds=kinds,
        resting_after_setup=resting_after_setup,
        resting_at_end=sum(len(book) for book in gen.books),
        traded_qty=gen.traded,
        mid_range_ticks=(gen.low_mid, gen.high_mid),
    )

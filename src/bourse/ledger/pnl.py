"""Profit and loss from an account's trade legs: FIFO lots, realized and unrealized, and the
tax view (intraday vs short-term vs long-term capital gains by holding period).

Pure functions over ``TradeRow``s in execution order. Lots are signed (an MIS short opens a
negative lot); a fill against open lots closes them first-in first-out. Delivery sales beyond
the lots the trades opened (shares transferred in, with no trade behind them) are reported as
``unmatched_quantity`` and left out of realized P&L rather than guessed. Amounts are paise;
charges are reported beside the P&L, not inside it, as a broker's P&L statement does.
"""

from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

NS_PER_DAY = 86_400 * 1_000_000_000
LONG_TERM_DAYS = 365
"""Listed equity held for more than twelve months is a long-term capital asset in India."""


class TradeRow(NamedTuple):
    ts_ns: int
    token: int
    side: str
    product: str
    quantity: int
    price: int
    charges: int


@dataclass
class Lot:
    quantity: int  # signed: positive long, negative short
    price: int
    ts_ns: int


@dataclass
class InstrumentPnl:
    token: int
    realized: int = 0
    unrealized: int = 0
    open_quantity: int = 0
    open_cost: int = 0
    charges: int = 0
    unmatched_quantity: int = 0
    intraday: int = 0
    short_term: int = 0
    long_term: int = 0


@dataclass
class PnlReport:
    instruments: dict[int, InstrumentPnl] = field(default_factory=dict)

    @property
    def realized(self) -> int:
        return sum(i.realized for i in self.instruments.values())

    @property
    def unrealized(self) -> int:
        return sum(i.unrealized for i in self.instruments.values())

    @property
    def charges(self) -> int:
        return sum(i.charges for i in self.instruments.values())


def profit_and_loss(trades: list[TradeRow], last_prices: dict[int, int]) -> PnlReport:
    """Realized (FIFO) and unrealized (at ``last_prices``) P&L per instrument; delivery and
    intraday lots are kept apart, as their positions are."""
    report = PnlReport()
    books: dict[tuple[int, bool], deque[Lot]] = {}
    for trade in trades:
        item = report.instruments.get(trade.token)
        if item is None:
            item = report.instruments[trade.token] = InstrumentPnl(trade.token)
        item.charges += trade.charges
        intraday = trade.product == "MIS"
        lots = books.setdefault((trade.token, intraday), deque())
        signed = trade.quantity if trade.side == "BUY" else -trade.quantity
        left = _close(lots, signed, trade, item, intraday)
        if left and (intraday or left > 0):
            lots.append(Lot(left, trade.price, trade.ts_ns))
        elif left:
            item.unmatched_quantity += -left
    for (token, _), lots in books.items():
        item = report.instruments[token]
        last = last_prices.get(token)
        for lot in lots:
            item.open_quantity += lot.quantity
            item.open_cost += lot.quantity * lot.price
            if last is not None:
                item.unrealized += lot.quantity * (last - lot.price)
    return report


def _close(
    lots: deque[Lot], signed: int, trade: TradeRow, item: InstrumentPnl, intraday: bool
) -> int:
    """Close open lots of the opposite sign against ``signed`` shares; return what is left."""
    while signed and lots and (lots[0].quantity > 0) != (signed > 0):
        lot = lots[0]
        size = min(abs(lot.quantity), abs(signed))
        direction = 1 if lot.quantity > 0 else -1
        gain = direction * size * (trade.price - lot.price)
        item.realized += gain
        if intraday:
            item.intraday += gain
        elif trade.ts_ns - lot.ts_ns > LONG_TERM_DAYS * NS_PER_DAY:
            item.long_term += gain
        else:
            item.short_term += gain
        lot.quantity -= direction * size
        signed += direction * size
        if lot.quantity == 0:
            lots.popleft()
    return signed

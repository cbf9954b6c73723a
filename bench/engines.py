"""Thin adapters that turn the neutral stream into calls on each engine under test.

Every driver has ``calls(ops)``: the whole list of ``(function, args)`` calls, built before any
timing so a timed call does only the engine's work; and ``resting()``: the orders left resting,
which must equal the generator's count — that proves every engine replayed the same stream.

* ``CoreDriver``: ``TradingCore.apply(command, ts_ns)`` with prebuilt commands, 1 µs of journal
  time apart. Its setup lists the instruments and opens funded accounts (cash, holdings and
  limits high enough that only the order path is measured).
* ``BareDriver``: ``bourse.core.bare.BareBook`` (when the core has it): the book and the core's
  own matching code, without accounts, risk, charges or events.
* ``LmeDriver``: lightmatchingengine 2019.1.4 (pure Python), ``add_order`` / ``cancel_order``.
  It rests a market order's unfilled rest at price 0, so its market call cancels that rest, as
  Bourse does.
* ``LobDriver``: limit-order-book 2.0.0 (C++ core behind ctypes; import name
  ``limit_order_book``), ``LimitOrderBook.limit`` / ``market`` / ``cancel``, a book per
  instrument.
"""

from collections.abc import Sequence
from typing import Any, Protocol

from lightmatchingengine.lightmatchingengine import LightMatchingEngine
from limit_order_book import LimitOrderBook

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from bourse.domain.instrument import Instrument, Segment, make_instrument_token
from timing import Call
from workload import CANCEL, LIMIT, Op, WorkloadSpec

try:
    from bourse.core.bare import BareBook
except ImportError:  # the bare-book API is new; a core without it runs the other cases
    BareBook = None

TICK_PAISE = 5
START_NS = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z
STEP_NS = 1_000
RICH_LIMITS = cmd.AccountLimits(
    max_open_orders=10_000_000, max_order_value=10**15, max_orders_per_second=10**9
)
CASH_PAISE = 10**15
HOLDINGS = 10**9


class Driver(Protocol):
    def calls(self, ops: Sequence[Op]) -> list[Call]: ...

    def resting(self) -> int: ...


def token_of(instrument: int) -> int:
    return make_instrument_token(instrument + 1, Segment.NSE)


def account_id(account: int) -> int:
    return account + 1


# --- Bourse: the trading core ---------------------------------------------------------------


def setup_commands(spec: WorkloadSpec) -> list[cmd.Command]:
    """List the instruments; open, fund and credit holdings to every account."""
    commands: list[cmd.Command] = [
        cmd.ListInstrument(
            instrument=Instrument(
                token=token_of(instrument),
                exchange="NSE",
                tradingsymbol=f"BENCH{instrument}",
                tick_size=TICK_PAISE,
                reference_price=spec.mid_ticks * TICK_PAISE,
                freeze_quantity=1_000_000,
            )
        )
        for instrument in range(spec.instruments)
    ]
    for account in range(spec.accounts or 2):
        commands.append(cmd.OpenAccount(account=account_id(account), limits=RICH_LIMITS))
        commands.append(cmd.Deposit(account=account_id(account), amount=CASH_PAISE))
        commands.extend(
            cmd.DepositHoldings(
                account=account_id(account), token=token_of(instrument), quantity=HOLDINGS
            )
            for instrument in range(spec.instruments)
        )
    return commands


def core_command(op: Op) -> cmd.Command:
    """The command of one neutral op (stream order numbers are the core's order ids)."""
    if op.kind == CANCEL:
        return cmd.CancelOrder(account=account_id(op.account), order_id=op.order_no)
    return cmd.PlaceOrder(
        account=account_id(op.account),
        token=token_of(op.instrument),
        side=Side.BUY if op.is_buy else Side.SELL,
        order_type=OrderType.LIMIT if op.kind == LIMIT else OrderType.MARKET,
        product=Product.CNC,
        quantity=op.qty,
        price=op.price_ticks * TICK_PAISE,
    )


class CoreDriver:
    """A funded TradingCore plus the journal clock (each command 1 µs after the last)."""

    def __init__(self, spec: WorkloadSpec, config: CoreConfig) -> None:
        self.core = TradingCore(config)
        self.ts = START_NS
        for command in setup_commands(spec):
            self.core.apply(command, self.next_ts())

    def next_ts(self) -> int:
        self.ts += STEP_NS
        return self.ts

    def calls(self, ops: Sequence[Op]) -> list[Call]:
        apply = self.core.apply
        return [(apply, (core_command(op), self.next_ts())) for op in ops]

    def resting(self) -> int:
        return len(self.core.orders)

    def placed(self) -> int:
        """Orders accepted so far (order ids are consecutive)."""
        return self.core.next_order_id - 1


# --- Bourse: the bare book ------------------------------------------------------------------


class BareDriver:
    """A ``BareBook`` per instrument; order numbers are its order ids, prices in paise."""

    def __init__(self, instruments: int) -> None:
        assert BareBook is not None
        self.books = [BareBook(token_of(instrument)) for instrument in range(instruments)]

    def calls(self, ops: Sequence[Op]) -> list[Call]:
        result: list[Call] = []
        for op in ops:
            book = self.books[op.instrument]
            account = account_id(op.account)
            if op.kind == LIMIT:
                price = op.price_ticks * TICK_PAISE
                result.append((book.limit, (op.order_no, account, op.is_buy, price, op.qty)))
            elif op.kind == CANCEL:
                result.append((book.cancel, (op.order_no,)))
            else:
                result.append((book.market, (op.order_no, account, op.is_buy, op.qty)))
        return result

    def resting(self) -> int:
        return sum(len(book.orders) for book in self.books)


# --- peers ------------------------------------------------------------------------------------


class LmeDriver:
    def __init__(self, instruments: int) -> None:
        self.engine = LightMatchingEngine()
        self.names = [f"BENCH{instrument}" for instrument in range(instruments)]

    def market(self, instmt: str, qty: int, side: int) -> None:
        order, _ = self.engine.add_order(instmt, 0, qty, side)
        if order.leaves_qty:
            self.engine.cancel_order(order.order_id, instmt)

    def calls(self, ops: Sequence[Op]) -> list[Call]:
        add = self.engine.add_order
        cancel = self.engine.cancel_order
        result: list[Call] = []
        for op in ops:
            instmt = self.names[op.instrument]
            side = 1 if op.is_buy else 2
            if op.kind == LIMIT:
                result.append((add, (instmt, op.price_ticks, op.qty, side)))
            elif op.kind == CANCEL:
                result.append((cancel, (op.order_no, instmt)))
            else:
                result.append((self.market, (instmt, op.qty, side)))
        return result

    def resting(self) -> int:
        return sum(
            len(level)
            for book in self.engine.order_books.values()
            for side in (book.bids, book.asks)
            for level in side.values()
        )


class LobDriver:
    def __init__(self, instruments: int) -> None:
        self.books = [LimitOrderBook() for _ in range(instruments)]

    def calls(self, ops: Sequence[Op]) -> list[Call]:
        result: list[Call] = []
        for op in ops:
            book = self.books[op.instrument]
            args: tuple[Any, ...]
            if op.kind == LIMIT:
                args = (op.is_buy, op.order_no, op.qty, op.price_ticks)
                result.append((book.limit, args))
            elif op.kind == CANCEL:
                result.append((book.cancel, (op.order_no,)))
            else:
                result.append((book.market, (op.is_buy, op.order_no, op.qty)))
        return result

    def resting(self) -> int:
        return sum(book.count() for book in self.books)

"""The trading core: one deterministic state machine, ``apply(command, ts_ns) -> events``.

Risk checks, matching and settlement happen in one step per command, so there is no window for
a double spend. The core never reads the clock or randomness: time arrives with the command from
the journal. Replaying the same journal therefore rebuilds the same state and the same events.

Pipeline of a PlaceOrder (exchange-core's stages, in one thread):
expire due TTL orders -> validate -> block cash/shares -> match -> settle fills -> rest or
cancel the remainder -> release triggered stops (cascading) -> report touched book levels.
"""

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any, Final

from msgspec.structs import astuple

from bourse.core import administration, checkpoint, end_of_day, modification, payouts
from bourse.core.book import FillHandler, Level, OrderBook
from bourse.core.config import CoreConfig
from bourse.core.risk import cash_needed, protection_price, shares_needed
from bourse.core.settlement import Totals, settle_fill
from bourse.core.snapshot import decode_snapshot, encode_snapshot, hash_state
from bourse.core.state import Account, InstrumentState, WorkingOrder
from bourse.core.stops import StopBook
from bourse.core.validation import (
    Problem,
    check_disclosed,
    check_prices,
    check_quantity,
    check_validity,
)
from bourse.core.vocabulary import (
    AMO,
    BUY,
    CANCELLED,
    CO,
    COMPLETE,
    EXPIRED,
    HALTED,
    ICEBERG,
    IOC,
    IOC_REMAINDER,
    MARKET,
    MARKET_REMAINDER,
    MIS,
    OPEN,
    SELF_TRADE,
    SELL,
    SL,
    SL_M,
    TRIGGER_PENDING,
    USER_CANCEL,
)
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.charges import ChargeSchedule
from bourse.domain.enums import CancelReason, OrderStatus, OrderType, Side, Validity, Variety
from bourse.domain.errors import RejectReason
from bourse.domain.money import format_rupees
from bourse.domain.orders import ALLOWED_TRANSITIONS
from bourse.domain.types import AccountId, InstrumentToken, OrderId, Paise

_PLACE_FIELDS = cmd.PlaceOrder.__struct_fields__
_F_ACCOUNT: Final = _PLACE_FIELDS.index("account")
_F_TOKEN: Final = _PLACE_FIELDS.index("token")
_F_SIDE: Final = _PLACE_FIELDS.index("side")
_F_ORDER_TYPE: Final = _PLACE_FIELDS.index("order_type")
_F_PRODUCT: Final = _PLACE_FIELDS.index("product")
_F_QUANTITY: Final = _PLACE_FIELDS.index("quantity")
_F_PRICE: Final = _PLACE_FIELDS.index("price")
_F_TRIGGER: Final = _PLACE_FIELDS.index("trigger_price")
_F_VALIDITY: Final = _PLACE_FIELDS.index("validity")
_F_TTL: Final = _PLACE_FIELDS.index("validity_ttl")
_F_DISCLOSED: Final = _PLACE_FIELDS.index("disclosed_quantity")
_F_VARIETY: Final = _PLACE_FIELDS.index("variety")
_F_CLIENT_ORDER_ID: Final = _PLACE_FIELDS.index("client_order_id")
_F_TAG: Final = _PLACE_FIELDS.index("tag")

# The command and event classes of the order path as Final module constants: compiled, reading
# one is a C static, where ``ev.OrderAccepted`` is an attribute lookup on the module each time.
# These events are built with their own fields positional, in declaration order, and only the
# three inherited ones (``seq``, ``command_seq``, ``ts_ns``: keyword-only) by name: msgspec
# matches each keyword against the field names one by one, which made keyword construction of
# a 21-field event ~8x slower. The encoding follows field order whatever the call looks like;
# tests/unit/domain/test_event_fields.py pins the order these calls rely on.
PLACE_ORDER: Final = cmd.PlaceOrder
CANCEL_ORDER: Final = cmd.CancelOrder
ORDER_ACCEPTED: Final = ev.OrderAccepted
ORDER_REJECTED: Final = ev.OrderRejected
TRADE_EXECUTED: Final = ev.TradeExecuted
ORDER_TRIGGERED: Final = ev.OrderTriggered
ORDER_CANCELLED: Final = ev.OrderCancelled
CANCEL_REJECTED: Final = ev.CancelRejected
BOOK_CHANGED: Final = ev.BookChanged

# Functions imported from other modules are looked up in the module's globals at each call;
# as Final constants they are C statics.
ASTUPLE: Final = astuple
HEAPPUSH: Final = heappush
HEAPPOP: Final = heappop

NS_PER_SECOND: Final = 1_000_000_000
NS_PER_MINUTE: Final = 60 * NS_PER_SECOND

# ``_finish`` skips the table for these two transitions.
assert {COMPLETE, CANCELLED} <= ALLOWED_TRANSITIONS[OPEN]


class TradingCore(FillHandler):
    """Order books, stop books, accounts and reservations of the whole market."""

    def __init__(self, config: CoreConfig | None = None) -> None:
        self.config = config or CoreConfig()
        self.schedule: ChargeSchedule = self.config.schedule()
        self._book_events = self.config.book_events  # read once per command: a native bool
        self.command_seq = 0
        self.event_seq = 0
        self.next_order_id: OrderId = 1
        self.next_trade_id = 1
        self.cancel_only = False
        self.instruments: dict[InstrumentToken, InstrumentState] = {}
        self.books: dict[InstrumentToken, OrderBook] = {}
        self.stops: dict[InstrumentToken, StopBook] = {}
        self.accounts: dict[AccountId, Account] = {}
        self.orders: dict[OrderId, WorkingOrder] = {}
        self.totals = Totals()
        self._expiries: list[tuple[int, OrderId]] = []
        self._ts = 0
        # The command's number and time as int objects, made once per command: every event of
        # the command carries both, and each pass of a native int to a Python-level call (an
        # event's constructor) would otherwise allocate a new int object.
        self._command_seq_box: Any = 0
        self._ts_box: Any = 0
        self._events: list[ev.Event] = []
        # Books whose levels the current command touched (each book keeps the levels).
        self._touched: list[OrderBook] = []
        self._handlers: dict[type[cmd.Command], Callable[[Any], None]] = {
            cmd.PlaceOrder: self._place,
            cmd.CancelOrder: self._cancel_command,
            cmd.ModifyOrder: self._modify,
            cmd.Deposit: self._deposit,
            cmd.Withdraw: self._withdraw,
            cmd.RequestWithdrawal: self._request_withdrawal,
            cmd.CompleteWithdrawal: self._complete_withdrawal,
            cmd.ReverseWithdrawal: self._reverse_withdrawal,
            cmd.SquareOffIntraday: self._square_off_intraday,
            cmd.SettleTrades: self._settle_trades,
            cmd.DepositHoldings: self._deposit_holdings,
            cmd.OpenAccount: self._open_account,
            cmd.SetAccountLimits: self._set_limits,
            cmd.ListInstrument: self._list_instrument,
            cmd.HaltInstrument: self._halt,
            cmd.ResumeInstrument: self._resume,
            cmd.SetCancelOnly: self._set_cancel_only,
            cmd.ClockTick: self._clock_tick,
            cmd.CloseSession: self._close_session,
        }

    # --- entry point -------------------------------------------------------------------------

    def apply(self, command: cmd.Command, ts_ns: int) -> list[ev.Event]:
        """Apply one journaled command stamped with ``ts_ns``; return its events in order."""
        self.command_seq += 1
        self._ts = ts_ns
        self._command_seq_box = self.command_seq
        self._ts_box = ts_ns
        events: list[ev.Event] = []
        self._events = events
        if self._expiries and self._expiries[0][0] <= ts_ns:
            self._expire_due(ts_ns)
        kind = type(command)
        # The two hot commands skip the generic (Python-level) dispatch.
        if kind is PLACE_ORDER:
            self._place(command)  # type: ignore[arg-type]
        elif kind is CANCEL_ORDER:
            self._cancel_command(command)  # type: ignore[arg-type]
        else:
            self._handlers[kind](command)
        if self._touched:
            self._report_book_changes()
        return events

    def _note(self, book: OrderBook) -> None:
        """Remember to report ``book``'s changed levels at the end of the command."""
        if book.changes and not book.reported:
            book.reported = True
            self._touched.append(book)

    def _next_event(self) -> int:
        self.event_seq += 1
        return self.event_seq

    # --- queries (read-only, for the gateway and tests) --------------------------------------

    def depth(
        self, token: InstrumentToken, levels: int = 5
    ) -> tuple[list[tuple[Paise, int, int]], list[tuple[Paise, int, int]]]:
        """(bids, asks) as (price, visible quantity, orders), best first."""
        book = self.books[token]
        return book.bids.depth(levels), book.asks.depth(levels)

    def last_price(self, token: InstrumentToken) -> Paise:
        return self.instruments[token].last_price

    # --- snapshots ---------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """The whole state, counters included, as canonical bytes."""
        return encode_snapshot(checkpoint.capture_snapshot(self))

    @classmethod
    def restore(cls, data: bytes) -> "TradingCore":
        core = cls(decode_snapshot(data).state.config)
        checkpoint.restore_core(core, data)
        return core

    def state_hash(self) -> str:
        """SHA-256 over the business state (stream counters excluded), hex."""
        return hash_state(checkpoint.capture_state(self))

    # --- orders: place -----------------------------------------------------------------------

    def _reject_place(self, command: cmd.PlaceOrder, problem: Problem) -> None:
        self._events.append(
            ORDER_REJECTED(
                command.account,
                command.token,
                command.side,
                command.order_type,
                command.product,
                command.quantity,
                command.price,
                command.trigger_price,
                command.client_order_id,
                command.tag,
                problem[0],  # reason
                problem[1],  # message
                seq=self._next_event(),
                command_seq=self._command_seq_box,
                ts_ns=self._ts_box,
            )
        )

    def _check_place(
        self,
        account_id: AccountId,
        account: Account | None,
        token: InstrumentToken,
        state: InstrumentState | None,
        side: Side,
        order_type: OrderType,
        quantity: int,
        price: Paise,
        trigger: Paise,
        validity: Validity,
        ttl: int,
        disclosed: int,
        variety: Variety,
    ) -> Problem | None:
        if variety is AMO or variety is CO:
            return RejectReason.UNSUPPORTED, f"variety {variety.value} is not supported"
        if variety is ICEBERG and disclosed <= 0:
            return (
                RejectReason.BAD_DISCLOSED_QUANTITY,
                "iceberg orders need a positive disclosed_quantity",
            )
        if account is None:
            return RejectReason.UNKNOWN_ACCOUNT, f"account {account_id} does not exist"
        if state is None:
            return RejectReason.UNKNOWN_INSTRUMENT, f"instrument {token} does not exist"
        if self.cancel_only:
            return RejectReason.CANCEL_ONLY, "the market accepts cancellations only"
        if state.status is HALTED:
            return (
                RejectReason.INSTRUMENT_HALTED,
                f"instrument {state.instrument.tradingsymbol} is halted",
            )
        return (
            check_quantity(state, quantity)
            or check_disclosed(state, order_type, quantity, disclosed)
            or check_validity(validity, ttl)
            or check_prices(state, side, order_type, price, trigger, check_trigger_side=True)
            or self._check_limits(account)
        )

    def _check_limits(self, account: Account) -> Problem | None:
        if account.open_orders >= account.max_open_orders:
            return (
                RejectReason.MAX_OPEN_ORDERS,
                f"account {account.account_id} already has {account.open_orders} open orders "
                f"(limit {account.max_open_orders})",
            )
        second = self._ts // NS_PER_SECOND
        if account.rate_second == second and account.rate_count >= account.max_orders_per_second:
            return (
                RejectReason.RATE_LIMITED,
                f"account {account.account_id} placed {account.rate_count} orders this second "
                f"(limit {account.max_orders_per_second})",
            )
        return None

    def _working_price(
        self, state: InstrumentState, c_type: OrderType, side: Side, price: Paise, trigger: Paise
    ) -> Paise:
        """The order's limit: its price, or for MARKET/SL-M the protection cap."""
        if c_type is MARKET or c_type is SL_M:
            reference = state.last_price if c_type is MARKET else trigger
            return protection_price(
                side is BUY,
                reference,
                self.config.market_protection_bp,
                state.tick_size,
                state.lower_circuit,
                state.upper_circuit,
            )
        return price

    def _check_order_value(self, account: Account, order: WorkingOrder) -> Problem | None:
        value = order.quantity * order.price
        if value > account.max_order_value:
            return (
                RejectReason.MAX_ORDER_VALUE,
                f"order value {format_rupees(value)} is above the limit "
                f"{format_rupees(account.max_order_value)}",
            )
        return None

    def _check_funds(
        self, account: Account, order: WorkingOrder, held_cash: Paise, held_shares: int
    ) -> tuple[Problem | None, Paise, int]:
        """Cash and shares the order must block beyond what it holds already."""
        state = order.instrument
        assert state is not None
        cash = cash_needed(
            order,
            self.schedule,
            state.leverage,
            state.lower_circuit,
            state.upper_circuit,
        )
        extra_cash = cash - held_cash
        if extra_cash > account.cash_available:
            return (
                (
                    RejectReason.INSUFFICIENT_FUNDS,
                    f"order needs {format_rupees(extra_cash)} but account {account.account_id} "
                    f"has {format_rupees(account.cash_available)} available",
                ),
                0,
                0,
            )
        extra_shares = shares_needed(order) - held_shares
        if extra_shares > 0:
            holding = order.holding or account.holdings.get(order.token)
            available = 0 if holding is None else holding.available
            if extra_shares > available:
                return (
                    (
                        RejectReason.INSUFFICIENT_HOLDINGS,
                        f"sell of {extra_shares} needs holdings but account "
                        f"{account.account_id} has {available} available",
                    ),
                    0,
                    0,
                )
            order.holding = holding  # found once: _block takes the shares from it
        return None, extra_cash, extra_shares

    def _block(self, account: Account, order: WorkingOrder, cash: Paise, shares: int) -> None:
        """Move ``cash`` and ``shares`` from available into the order's block (negative
        amounts move them back: a modification that needs less)."""
        if cash:
            if cash > 0 and account.cash_unsettled:
                account.spend(cash)
            else:
                account.cash_available -= cash
            account.cash_blocked += cash
            order.blocked_cash += cash
        if shares:
            holding = order.holding or account.holding(order.token)
            if shares > 0 and holding.unsettled:
                # Settled shares go first; the T1 mark stays on what is left.
                settled = holding.available - holding.unsettled
                if shares > settled:
                    holding.unsettled -= shares - settled
            holding.available -= shares
            holding.blocked += shares
            order.blocked_quantity += shares
            order.holding = holding

    def _place(self, c: cmd.PlaceOrder) -> None:
        # Every field of a msgspec Struct read by name is a generic attribute lookup; the hot
        # path takes them all in one C call instead.
        fields = ASTUPLE(c)
        account_id: AccountId = fields[_F_ACCOUNT]
        token: InstrumentToken = fields[_F_TOKEN]
        side: Side = fields[_F_SIDE]
        order_type: OrderType = fields[_F_ORDER_TYPE]
        quantity: int = fields[_F_QUANTITY]
        price: Paise = fields[_F_PRICE]
        trigger: Paise = fields[_F_TRIGGER]
        validity: Validity = fields[_F_VALIDITY]
        ttl: int = fields[_F_TTL]
        disclosed: int = fields[_F_DISCLOSED]
        variety: Variety = fields[_F_VARIETY]
        # Looked up once here; the checks and everything after them use these. The keys are
        # the command's own int objects: the typed locals above would each be boxed again.
        account_key: Any = fields[_F_ACCOUNT]
        token_key: Any = fields[_F_TOKEN]
        price_object: Any = fields[_F_PRICE]  # for the event, when the order keeps its price
        account = self.accounts.get(account_key)
        state = self.instruments.get(token_key)
        problem = self._check_place(
            account_id,
            account,
            token,
            state,
            side,
            order_type,
            quantity,
            price,
            trigger,
            validity,
            ttl,
            disclosed,
            variety,
        )
        if problem is not None:
            self._reject_place(c, problem)
            return
        assert account is not None and state is not None  # _check_place refused the rest
        ts = self._ts
        order = WorkingOrder(
            order_id=self.next_order_id,
            account=account_id,
            token=token,
            side=side,
            order_type=order_type,
            product=fields[_F_PRODUCT],
            validity=validity,
            variety=variety,
            quantity=quantity,
            price=self._working_price(state, order_type, side, price, trigger),
            trigger_price=trigger,
            disclosed_quantity=disclosed,
            expires_at_ns=ts + ttl * NS_PER_MINUTE if ttl else 0,
            client_order_id=fields[_F_CLIENT_ORDER_ID],
            tag=fields[_F_TAG],
        )
        order.instrument = state
        problem = self._check_order_value(account, order)
        if problem is None:
            problem, cash, shares = self._check_funds(account, order, 0, 0)
        if problem is not None:
            self._reject_place(c, problem)
            return
        # Accepted: from here on the command changes state.
        self.next_order_id += 1
        order.owner = account
        self._block(account, order, cash, shares)
        account.open_orders += 1
        second = ts // NS_PER_SECOND
        if account.rate_second == second:
            account.rate_count += 1
        else:
            account.rate_second = second
            account.rate_count = 1
        self.orders[order.id_box] = order
        if order.expires_at_ns:
            HEAPPUSH(self._expiries, (order.expires_at_ns, order.order_id))
        is_stop = order_type is SL or order_type is SL_M
        if is_stop:
            order.status = TRIGGER_PENDING
        self._events.append(
            ORDER_ACCEPTED(
                order.id_box,
                account.id_box,
                state.token_box,
                order.side,
                order.order_type,
                order.product,
                order.validity,
                variety,
                order.quantity,
                price_object if order.price == price else order.price,
                order.trigger_price,
                order.disclosed_quantity,
                order.expires_at_ns,
                order.status,
                order.blocked_cash,
                order.blocked_quantity,
                order.client_order_id,
                order.tag,
                seq=self._next_event(),
                command_seq=self._command_seq_box,
                ts_ns=self._ts_box,
            )
        )
        if is_stop:
            stop_book: StopBook = state.stop_book
            stop_book.add(order)
            return
        self._execute(order)
        if state.sweep_high:
            self._release_triggered(state)

    # --- matching ------------------------------------------------------------------------------

    def _execute(self, order: WorkingOrder) -> None:
        """Match an incoming (or re-entering) order, then rest or cancel what is left."""
        state = order.instrument
        assert state is not None
        book: OrderBook = state.book
        book.match(order, self)
        if order.filled_quantity == order.quantity:
            self._finish(order, COMPLETE)
        elif order.is_market:
            self._cancel(order, MARKET_REMAINDER)
        elif order.validity is IOC:
            self._cancel(order, IOC_REMAINDER)
        else:
            order.visible_quantity = order.next_peak()
            book.side_of(order.is_buy).add(order)
        self._note(book)

    # FillHandler: what the book's matching decided, settled and reported here.

    def fill(
        self, aggressor: WorkingOrder, resting: WorkingOrder, quantity: int, level: Level
    ) -> None:
        self._trade(aggressor, resting, quantity, level)

    def resting_filled(self, resting: WorkingOrder) -> None:
        self._finish(resting, COMPLETE)

    def self_trade(self, resting: WorkingOrder) -> None:
        self._cancel(resting, SELF_TRADE)

    def _trade(
        self, aggressor: WorkingOrder, resting: WorkingOrder, quantity: int, level: Level
    ) -> None:
        price = level.price
        state = aggressor.instrument
        assert state is not None
        buy, sell = (aggressor, resting) if aggressor.is_buy else (resting, aggressor)
        buy_owner = buy.owner
        sell_owner = sell.owner
        assert buy_owner is not None and sell_owner is not None
        totals = self.totals
        buy_charges = settle_fill(buy, quantity, price, self.schedule, totals)
        sell_charges = settle_fill(sell, quantity, price, self.schedule, totals)
        state.last_price = price
        if state.sweep_high == 0:
            state.sweep_low = price
            state.sweep_high = price
        elif price < state.sweep_low:
            state.sweep_low = price
        elif price > state.sweep_high:
            state.sweep_high = price
        trade_id = self.next_trade_id
        self.next_trade_id = trade_id + 1
        self._events.append(
            TRADE_EXECUTED(
                trade_id,
                state.token_box,
                level.price_box,  # the price as the level's own int object
                quantity,
                aggressor.side,
                buy.id_box,
                sell.id_box,
                buy_owner.id_box,
                sell_owner.id_box,
                buy.filled_quantity,
                sell.filled_quantity,
                buy.quantity - buy.filled_quantity,  # buy_pending_quantity
                sell.quantity - sell.filled_quantity,  # sell_pending_quantity
                buy_charges,
                sell_charges,
                seq=self._next_event(),
                command_seq=self._command_seq_box,
                ts_ns=self._ts_box,
            )
        )

    def _release_triggered(self, state: InstrumentState) -> None:
        """Release stops crossed by this command's trades, round after round, until quiet."""
        token = state.token_box
        stops: StopBook = state.stop_book
        while state.sweep_high:
            low, high = state.sweep_low, state.sweep_high
            state.sweep_low = state.sweep_high = 0
            if not stops.orders:
                return
            for order in stops.triggered(low, high):
                order.status = OPEN
                owner = order.owner
                assert owner is not None
                self._events.append(
                    ORDER_TRIGGERED(
                        order.id_box,
                        owner.id_box,
                        token,
                        state.last_price,
                        seq=self._next_event(),
                        command_seq=self._command_seq_box,
                        ts_ns=self._ts_box,
                    )
                )
                self._execute(order)

    # --- finishing orders ------------------------------------------------------------------------

    def _finish(self, order: WorkingOrder, status: OrderStatus) -> None:
        """Release whatever the order still blocks (exactly once) and forget it."""
        current = order.status
        # OPEN -> COMPLETE or CANCELLED, nearly every call, needs no look-up in the table.
        if (current is not OPEN or (status is not COMPLETE and status is not CANCELLED)) and (
            status not in ALLOWED_TRANSITIONS[current]
        ):
            raise AssertionError(f"order {order.order_id}: {current} -> {status} is illegal")
        account = order.owner
        assert account is not None
        cash = order.blocked_cash
        if cash:
            account.cash_blocked -= cash
            account.cash_available += cash
            order.blocked_cash = 0
        shares = order.blocked_quantity
        if shares:
            holding = order.holding
            assert holding is not None
            holding.blocked -= shares
            holding.available += shares
            order.blocked_quantity = 0
        account.open_orders -= 1
        del self.orders[order.id_box]
        order.status = status

    def _cancel(self, order: WorkingOrder, reason: CancelReason) -> None:
        state = order.instrument
        owner = order.owner
        assert state is not None and owner is not None
        if order.in_book:
            book: OrderBook = state.book
            book.side_of(order.is_buy).remove(order)
            self._note(book)
        elif order.status is TRIGGER_PENDING:
            stop_book: StopBook = state.stop_book
            stop_book.remove(order)
        released_cash = order.blocked_cash
        released_quantity = order.blocked_quantity
        self._finish(order, CANCELLED)
        self._events.append(
            ORDER_CANCELLED(
                order.id_box,
                owner.id_box,
                state.token_box,
                reason,
                order.quantity - order.filled_quantity,  # cancelled_quantity
                order.filled_quantity,
                released_cash,
                released_quantity,
                seq=self._next_event(),
                command_seq=self._command_seq_box,
                ts_ns=self._ts_box,
            )
        )

    def _find_own_order(self, account: AccountId, order_id: OrderId) -> WorkingOrder | Problem:
        order = self.orders.get(order_id)
        if order is not None and order.account == account:
            return order
        # Never yours, finished, or someone else's open order: one answer for all three, so
        # no account can learn whether another account's order is still open.
        return (
            RejectReason.ORDER_NOT_FOUND,
            f"order {order_id} is not an open order of account {account}",
        )

    def _cancel_command(self, c: cmd.CancelOrder) -> None:
        found = self._find_own_order(c.account, c.order_id)
        if isinstance(found, tuple):
            self._events.append(
                CANCEL_REJECTED(
                    c.order_id,
                    c.account,
                    found[0],  # reason
                    found[1],  # message
                    seq=self._next_event(),
                    command_seq=self._command_seq_box,
                    ts_ns=self._ts_box,
                )
            )
            return
        self._cancel(found, USER_CANCEL)

    def _expire_due(self, ts: int) -> None:
        expiries = self._expiries
        while expiries and expiries[0][0] <= ts:
            expires_at, order_id = HEAPPOP(expiries)
            order = self.orders.get(order_id)
            if order is not None and order.expires_at_ns == expires_at:
                self._cancel(order, EXPIRED)

    def _clock_tick(self, c: cmd.ClockTick) -> None:
        """Nothing to do: expiries due at this time already ran in ``apply``."""

    def _close_session(self, c: cmd.CloseSession) -> None:
        for order_id in sorted(self.orders):
            self._cancel(self.orders[order_id], EXPIRED)
        self._expiries.clear()

    # --- book change reporting --------------------------------------------------------------------

    def _report_book_changes(self) -> None:
        books = self._touched
        events = self._events
        emit = self._book_events
        for book in books:
            book.reported = False
            changes = book.changes
            assert changes is not None
            for level in changes:
                level.noted = False
                if emit:
                    # A level that emptied has left its side: reported as zero.
                    live = level.live
                    events.append(
                        BOOK_CHANGED(
                            book.token_box,
                            BUY if level.is_bid else SELL,  # side
                            level.price_box,
                            level.visible if live else 0,  # quantity
                            live,  # orders
                            seq=self._next_event(),
                            command_seq=self._command_seq_box,
                            ts_ns=self._ts_box,
                        )
                    )
            changes.clear()
        books.clear()  # reused: one list allocation less per command

    # Administration, funds and modification live in their own modules to keep this one about
    # the order path; these thin methods hand over to them.

    def _list_instrument(self, c: cmd.ListInstrument) -> None:
        administration.list_instrument(self, c)

    def _halt(self, c: cmd.HaltInstrument) -> None:
        administration.halt(self, c)

    def _resume(self, c: cmd.ResumeInstrument) -> None:
        administration.resume(self, c)

    def _set_cancel_only(self, c: cmd.SetCancelOnly) -> None:
        administration.set_cancel_only(self, c)

    def _open_account(self, c: cmd.OpenAccount) -> None:
        administration.open_account(self, c)

    def _set_limits(self, c: cmd.SetAccountLimits) -> None:
        administration.set_limits(self, c)

    def _deposit(self, c: cmd.Deposit) -> None:
        administration.deposit(self, c)

    def _withdraw(self, c: cmd.Withdraw) -> None:
        administration.withdraw(self, c)

    def _deposit_holdings(self, c: cmd.DepositHoldings) -> None:
        administration.deposit_holdings(self, c)

    def _request_withdrawal(self, c: cmd.RequestWithdrawal) -> None:
        payouts.request_withdrawal(self, c)

    def _complete_withdrawal(self, c: cmd.CompleteWithdrawal) -> None:
        payouts.complete_withdrawal(self, c)

    def _reverse_withdrawal(self, c: cmd.ReverseWithdrawal) -> None:
        payouts.reverse_withdrawal(self, c)

    def _square_off_intraday(self, c: cmd.SquareOffIntraday) -> None:
        for order_id in sorted(self.orders):
            order = self.orders[order_id]
            if order.product is MIS:
                self._cancel(order, CancelReason.SQUARE_OFF)
        end_of_day.square_off_positions(self)

    def _settle_trades(self, c: cmd.SettleTrades) -> None:
        end_of_day.settle_trades(self)

    def _modify(self, c: cmd.ModifyOrder) -> None:
        modification.modify(self, c)

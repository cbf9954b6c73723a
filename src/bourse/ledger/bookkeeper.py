"""From the core's events to double-entry entries: one entry per value-moving event.

``Bookkeeper.post`` turns a batch of events into entries (and contract-note legs for fills);
every entry is checked to sum to zero per asset before it leaves. Events must come in stream
order without gaps, from event 1 (``warm`` replays what is already booked, posting nothing);
a gap would make the mirror wrong, so it stops the bookkeeper instead of guessing.
"""

from collections.abc import Callable, Sequence
from typing import Any

from bourse.core.config import CoreConfig
from bourse.core.risk import margin_per_share
from bourse.core.settlement import apply_to_position
from bourse.core.state import Position
from bourse.domain import events as ev
from bourse.domain.enums import Product, Side
from bourse.domain.types import AccountId, Paise
from bourse.ledger import chart
from bourse.ledger.chart import CHARGE_ACCOUNTS, CLEARING, INR
from bourse.ledger.entries import (
    Entry,
    Posting,
    TradeLeg,
    check_balanced,
    new_entry,
    new_trade_leg,
)
from bourse.ledger.errors import EventGapError
from bourse.ledger.mirror import COMPONENTS, Band, Mirror, MirrorOrder


class Bookkeeper:
    def __init__(self, config: CoreConfig) -> None:
        self.config = config
        self.schedule = config.schedule()
        self.mirror = Mirror()
        self._entries: list[Entry] = []
        self._legs: list[TradeLeg] = []
        self._handlers: dict[type[ev.Event], Callable[[Any], None]] = {
            ev.InstrumentListed: self._listed,
            ev.AccountOpened: self._opened,
            ev.FundsDeposited: self._deposited,
            ev.FundsWithdrawn: self._withdrawn,
            ev.WithdrawalRequested: self._payout_requested,
            ev.WithdrawalCompleted: self._payout_completed,
            ev.WithdrawalReversed: self._payout_reversed,
            ev.HoldingsDeposited: self._holdings_deposited,
            ev.OrderAccepted: self._accepted,
            ev.OrderModified: self._modified,
            ev.OrderCancelled: self._cancelled,
            ev.TradeExecuted: self._traded,
            ev.PositionSquaredOff: self._squared_off,
            ev.AccountSettled: self._settled,
        }

    @property
    def last_seq(self) -> int:
        return self.mirror.last_seq

    def post(self, events: Sequence[ev.Event]) -> tuple[list[Entry], list[TradeLeg]]:
        """The entries and trade legs of ``events``; the mirror moves past them."""
        self._entries, self._legs = [], []
        handlers = self._handlers
        mirror = self.mirror
        for event in events:
            if event.seq != mirror.last_seq + 1:
                raise EventGapError(
                    f"event {event.seq} does not follow event {mirror.last_seq}: the ledger "
                    "must be fed every event from the first (start it with the journal)"
                )
            mirror.last_seq = event.seq
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
        entries, legs = self._entries, self._legs
        self._entries, self._legs = [], []
        for entry in entries:
            check_balanced(entry)
        return entries, legs

    def warm(self, events: Sequence[ev.Event]) -> None:
        """Move the mirror past events already booked (at startup)."""
        self.post(events)

    # --- helpers -------------------------------------------------------------------------------

    def _entry(self, e: ev.Event, reference: str, postings: list[Posting]) -> None:
        postings = [p for p in postings if p[2]]
        if postings:
            self._entries.append(new_entry(e.seq, e.ts_ns, type(e).__name__, reference, postings))

    def _block(self, postings: list[Posting], order: MirrorOrder, cash: Paise, shares: int) -> None:
        """Move a block's change (negative: a release) between available and blocked."""
        account = order.owner
        names = account.names
        if cash > 0:
            from_unsettled = account.spend_cash(cash)
            postings.append((names.cash_available, INR, from_unsettled - cash))
            postings.append((names.cash_unsettled, INR, -from_unsettled))
            postings.append((names.cash_blocked, INR, cash))
        elif cash < 0:
            account.cash_available -= cash
            postings.append((names.cash_blocked, INR, cash))
            postings.append((names.cash_available, INR, -cash))
        if shares > 0:
            asset = self.mirror.asset(order.token)
            from_unsettled = account.spend_shares(order.token, shares)
            postings.append((names.securities_available, asset, from_unsettled - shares))
            postings.append((names.securities_unsettled, asset, -from_unsettled))
            postings.append((names.securities_blocked, asset, shares))
        elif shares < 0:
            asset = self.mirror.asset(order.token)
            account.holding(order.token).available -= shares
            postings.append((names.securities_blocked, asset, shares))
            postings.append((names.securities_available, asset, -shares))
        order.blocked_cash += cash
        order.blocked_quantity += shares

    def _charge_parts(self, order: MirrorOrder, charges: Paise) -> list[Paise]:
        """Split what a fill charged into components the way the core's cumulative schedule
        did: each component's cumulative amount less what it was paid. When a sale's charges
        were capped at its proceeds, the shortfall is carried, component by component, to the
        order's next fill."""
        owed = self.schedule.breakdown(order.side, order.product, order.filled_value)
        parts = [0] * COMPONENTS
        left = charges
        paid = order.paid
        for i in range(COMPONENTS):
            take = owed[i] - paid[i]
            take = min(take, left)
            parts[i] = take
            paid[i] += take
            left -= take
        if left:
            raise AssertionError(f"charges {charges} exceed the schedule's {owed} for {order}")
        return parts

    # --- funds ---------------------------------------------------------------------------------

    def _listed(self, e: ev.InstrumentListed) -> None:
        i = e.instrument
        self.mirror.bands[i.token] = Band(
            i.lower_circuit, i.upper_circuit, self.config.leverage_for(i.token)
        )

    def _opened(self, e: ev.AccountOpened) -> None:
        self.mirror.account(e.account)

    def _deposited(self, e: ev.FundsDeposited) -> None:
        account = self.mirror.account(e.account)
        account.cash_available += e.amount
        self._entry(
            e,
            e.reference,
            [
                (chart.BANK, INR, -e.amount),
                (account.names.cash_available, INR, e.amount),
            ],
        )

    def _withdrawn(self, e: ev.FundsWithdrawn) -> None:
        account = self.mirror.account(e.account)
        account.cash_available -= e.amount
        self._entry(
            e,
            e.reference,
            [
                (account.names.cash_available, INR, -e.amount),
                (chart.BANK, INR, e.amount),
            ],
        )

    def _payout_requested(self, e: ev.WithdrawalRequested) -> None:
        account = self.mirror.account(e.account)
        account.cash_available -= e.amount
        self._entry(
            e,
            e.reference,
            [
                (account.names.cash_available, INR, -e.amount),
                (account.names.cash_payout, INR, e.amount),
            ],
        )

    def _payout_completed(self, e: ev.WithdrawalCompleted) -> None:
        names = self.mirror.account(e.account).names
        self._entry(
            e,
            e.reference,
            [
                (names.cash_payout, INR, -e.amount),
                (chart.BANK, INR, e.amount),
            ],
        )

    def _payout_reversed(self, e: ev.WithdrawalReversed) -> None:
        account = self.mirror.account(e.account)
        account.cash_available += e.amount
        self._entry(
            e,
            e.reference,
            [
                (account.names.cash_payout, INR, -e.amount),
                (account.names.cash_available, INR, e.amount),
            ],
        )

    def _holdings_deposited(self, e: ev.HoldingsDeposited) -> None:
        account = self.mirror.account(e.account)
        account.holding(e.token).available += e.quantity
        asset = self.mirror.asset(e.token)
        self._entry(
            e,
            "",
            [
                (chart.DEPOSITORY, asset, -e.quantity),
                (account.names.securities_available, asset, e.quantity),
            ],
        )

    def _settled(self, e: ev.AccountSettled) -> None:
        account = self.mirror.account(e.account)
        names = account.names
        postings = [
            (names.cash_unsettled, INR, -e.cash),
            (names.cash_available, INR, e.cash),
        ]
        account.cash_unsettled -= e.cash
        for shares in e.shares:
            account.holding(shares.token).unsettled -= shares.quantity
            asset = self.mirror.asset(shares.token)
            postings.append((names.securities_unsettled, asset, -shares.quantity))
            postings.append((names.securities_available, asset, shares.quantity))
        self._entry(e, "T+1", postings)

    # --- orders --------------------------------------------------------------------------------

    def _accepted(self, e: ev.OrderAccepted) -> None:
        owner = self.mirror.account(e.account)
        order = MirrorOrder(e.account, owner, e.token, e.side, e.product, 0, 0)
        self.mirror.orders[e.order_id] = order
        postings: list[Posting] = []
        self._block(postings, order, e.blocked_cash, e.blocked_quantity)
        self._entry(e, str(e.order_id), postings)

    def _modified(self, e: ev.OrderModified) -> None:
        order = self.mirror.orders[e.order_id]
        postings: list[Posting] = []
        self._block(
            postings,
            order,
            e.blocked_cash - order.blocked_cash,
            e.blocked_quantity - order.blocked_quantity,
        )
        self._entry(e, str(e.order_id), postings)

    def _cancelled(self, e: ev.OrderCancelled) -> None:
        order = self.mirror.orders.pop(e.order_id)
        postings: list[Posting] = []
        self._block(postings, order, -e.released_cash, -e.released_quantity)
        self._entry(e, str(e.order_id), postings)

    def _traded(self, e: ev.TradeExecuted) -> None:
        # Each field read once: an event is a Python object to compiled code (a lookup a read).
        seq, ts_ns, trade_id, token = e.seq, e.ts_ns, e.trade_id, e.token
        quantity, price = e.quantity, e.price
        postings: list[Posting] = []
        orders = self.mirror.orders
        for order_id, charges, pending in (
            (e.buy_order_id, e.buy_charges, e.buy_pending_quantity),
            (e.sell_order_id, e.sell_charges, e.sell_pending_quantity),
        ):
            order = orders[order_id]
            parts = self._leg(postings, order, quantity, price, charges)
            self._legs.append(
                new_trade_leg(
                    (
                        seq,
                        ts_ns,
                        trade_id,
                        order_id,
                        order.account,
                        token,
                        order.side.value,
                        order.product.value,
                        quantity,
                        price,
                        *parts,
                    )
                )
            )
            if pending == 0:  # complete: whatever it still blocks goes back
                del orders[order_id]
                self._block(postings, order, -order.blocked_cash, -order.blocked_quantity)
        self._entry(e, str(trade_id), postings)

    def _leg(
        self,
        postings: list[Posting],
        order: MirrorOrder,
        quantity: int,
        price: Paise,
        charges: Paise,
    ) -> list[Paise]:
        account = order.owner
        names = account.names
        value = quantity * price
        order.filled_value += value
        parts = self._charge_parts(order, charges)
        for charge_account, amount in zip(CHARGE_ACCOUNTS, parts, strict=True):
            postings.append((charge_account, INR, amount))
        asset = self.mirror.asset(order.token)
        if order.product is Product.MIS:
            order.blocked_cash -= charges
            postings.append((names.cash_blocked, INR, -charges))
            self._intraday(postings, order, account.position(order.token), quantity, price)
        elif order.is_buy:
            order.blocked_cash -= value + charges
            holding = account.holding(order.token)
            holding.available += quantity
            holding.unsettled += quantity
            postings.append((names.cash_blocked, INR, -(value + charges)))
            postings.append((CLEARING, INR, value))
            postings.append((CLEARING, asset, -quantity))
            postings.append((names.securities_unsettled, asset, quantity))
        else:
            order.blocked_quantity -= quantity
            account.cash_available += value - charges
            account.cash_unsettled += value - charges
            postings.append((names.securities_blocked, asset, -quantity))
            postings.append((CLEARING, asset, quantity))
            postings.append((CLEARING, INR, -value))
            postings.append((names.cash_unsettled, INR, value - charges))
        return parts

    def _intraday(
        self,
        postings: list[Posting],
        order: MirrorOrder,
        position: Position,
        quantity: int,
        price: Paise,
    ) -> None:
        """An MIS fill trades against clearing; margin moves inside blocked cash, and a
        reduction returns its margin and P&L to available cash (the core's own rules)."""
        names = order.owner.names
        asset = self.mirror.asset(order.token)
        is_buy = order.is_buy
        reducing, margin_released, pnl = apply_to_position(position, is_buy, quantity, price)
        if reducing:
            order.owner.cash_available += margin_released + pnl
            postings.append((names.cash_blocked, INR, -margin_released))
            postings.append((names.cash_available, INR, margin_released + pnl))
            postings.append((CLEARING, INR, -pnl))
        opening = quantity - reducing
        if opening:
            band = self.mirror.bands[order.token]
            margin = opening * margin_per_share(
                is_buy, price, band.leverage, band.lower, band.upper
            )
            # From the order's block into the position's margin: both are blocked cash.
            order.blocked_cash -= margin
            position.margin += margin
        signed = quantity if is_buy else -quantity
        postings.append((names.intraday, asset, signed))
        postings.append((CLEARING, asset, -signed))

    def _squared_off(self, e: ev.PositionSquaredOff) -> None:
        a: AccountId = e.account
        account = self.mirror.account(a)
        is_buy = e.side is Side.BUY
        apply_to_position(account.position(e.token), is_buy, e.quantity, e.price)
        account.cash_available += e.margin_released + e.pnl - e.charges
        parts = self.schedule.breakdown(e.side, Product.MIS, e.quantity * e.price)
        asset = self.mirror.asset(e.token)
        signed = e.quantity if is_buy else -e.quantity
        names = account.names
        postings = [
            (names.cash_blocked, INR, -e.margin_released),
            (names.cash_available, INR, e.margin_released + e.pnl - e.charges),
            (CLEARING, INR, -e.pnl),
            *((name, INR, amount) for name, amount in zip(CHARGE_ACCOUNTS, parts, strict=True)),
            (names.intraday, asset, signed),
            (CLEARING, asset, -signed),
        ]
        self._legs.append(
            new_trade_leg(
                (e.seq, e.ts_ns, 0, 0, a, e.token, e.side.value, "MIS", e.quantity, e.price, *parts)
            )
        )
        self._entry(e, "square-off", postings)

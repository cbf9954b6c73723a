"""Capture the core's state into a Snapshot and rebuild a core from one."""

from heapq import heappush
from typing import TYPE_CHECKING

from bourse.core.snapshot import (
    FORMAT_VERSION,
    AccountRecord,
    CoreState,
    HoldingRecord,
    InstrumentRecord,
    OrderRecord,
    PayoutRecord,
    PositionRecord,
    Snapshot,
    decode_snapshot,
)
from bourse.core.state import Account, Holding, InstrumentState, Position, WorkingOrder
from bourse.domain.enums import OrderStatus, Variety

if TYPE_CHECKING:
    from bourse.core.engine import TradingCore


def _order_record(order: WorkingOrder) -> OrderRecord:
    return OrderRecord(
        order.order_id,
        order.account,
        order.token,
        order.side,
        order.order_type,
        order.product,
        order.validity,
        order.variety,
        order.quantity,
        order.price,
        order.trigger_price,
        order.disclosed_quantity,
        order.expires_at_ns,
        order.client_order_id,
        order.tag,
        order.status,
        order.filled_quantity,
        order.filled_value,
        order.charges_paid,
        order.blocked_cash,
        order.blocked_quantity,
        order.visible_quantity,
        order.in_book,
    )


def _account_record(account: Account) -> AccountRecord:
    holdings = [
        HoldingRecord(token, h.available, h.blocked, h.cost, h.unsettled)
        for token, h in sorted(account.holdings.items())
        if h.available or h.blocked or h.cost or h.unsettled
    ]
    positions = [
        PositionRecord(
            token,
            product,
            p.net_quantity,
            p.cost,
            p.margin,
            p.realized_pnl,
            p.buy_quantity,
            p.buy_value,
            p.sell_quantity,
            p.sell_value,
        )
        for (token, product), p in sorted(account.positions.items(), key=lambda kv: kv[0])
    ]
    return AccountRecord(
        account.account_id,
        account.limits,
        account.cash_available,
        account.cash_blocked,
        account.open_orders,
        account.rate_second,
        account.rate_count,
        holdings,
        positions,
        account.cash_unsettled,
        [PayoutRecord(reference, amount) for reference, amount in sorted(account.payouts.items())],
    )


def capture_state(core: "TradingCore") -> CoreState:
    orders: list[OrderRecord] = []
    for token in sorted(core.books):
        orders.extend(_order_record(o) for o in core.books[token].resting_orders())
    for token in sorted(core.stops):
        orders.extend(_order_record(o) for o in core.stops[token].pending())
    totals = core.totals
    return CoreState(
        config=core.config,
        next_order_id=core.next_order_id,
        next_trade_id=core.next_trade_id,
        cancel_only=core.cancel_only,
        clearing=totals.clearing,
        fees=totals.fees,
        deposits=totals.deposits,
        withdrawals=totals.withdrawals,
        instruments=[
            InstrumentRecord(s.instrument, s.status, s.last_price)
            for _, s in sorted(core.instruments.items())
        ],
        accounts=[_account_record(a) for _, a in sorted(core.accounts.items())],
        orders=orders,
    )


def capture_snapshot(core: "TradingCore") -> Snapshot:
    return Snapshot(FORMAT_VERSION, core.command_seq, core.event_seq, capture_state(core))


def _rebuild_order(record: OrderRecord) -> WorkingOrder:
    order = WorkingOrder(
        order_id=record.order_id,
        account=record.account,
        token=record.token,
        side=record.side,
        order_type=record.order_type,
        product=record.product,
        validity=record.validity,
        variety=Variety(record.variety).value,
        quantity=record.quantity,
        price=record.price,
        trigger_price=record.trigger_price,
        disclosed_quantity=record.disclosed_quantity,
        expires_at_ns=record.expires_at_ns,
        client_order_id=record.client_order_id,
        tag=record.tag,
    )
    order.status = record.status
    order.filled_quantity = record.filled_quantity
    order.filled_value = record.filled_value
    order.charges_paid = record.charges_paid
    order.blocked_cash = record.blocked_cash
    order.blocked_quantity = record.blocked_quantity
    order.visible_quantity = record.visible_quantity
    return order


def restore_core(core: "TradingCore", data: bytes) -> None:
    """Fill a freshly constructed core (built with the snapshot's config) from snapshot bytes."""
    from bourse.core.book import OrderBook
    from bourse.core.stops import StopBook

    snapshot = decode_snapshot(data)
    state = snapshot.state
    core.command_seq = snapshot.command_seq
    core.event_seq = snapshot.event_seq
    core.next_order_id = state.next_order_id
    core.next_trade_id = state.next_trade_id
    core.cancel_only = state.cancel_only
    core.totals.clearing = state.clearing
    core.totals.fees = state.fees
    core.totals.deposits = state.deposits
    core.totals.withdrawals = state.withdrawals
    for record in state.instruments:
        token = record.instrument.token
        instrument_state = InstrumentState(record.instrument, core.config.leverage_for(token))
        instrument_state.status = record.status
        instrument_state.last_price = record.last_price
        # Keyed by the state's own token object, as administration.list_instrument does.
        key = instrument_state.token_box
        core.instruments[key] = instrument_state
        instrument_state.book = core.books[key] = OrderBook(token)
        instrument_state.stop_book = core.stops[key] = StopBook()
    for a in state.accounts:
        account = Account(a.account_id, a.limits)
        account.cash_available = a.cash_available
        account.cash_blocked = a.cash_blocked
        account.open_orders = a.open_orders
        account.rate_second = a.rate_second
        account.rate_count = a.rate_count
        for h in a.holdings:
            account.holdings[h.token] = Holding(h.available, h.blocked, h.cost, h.unsettled)
        account.cash_unsettled = a.cash_unsettled
        account.payouts = {p.reference: p.amount for p in a.payouts}
        for p in a.positions:
            position = Position()
            position.net_quantity = p.net_quantity
            position.cost = p.cost
            position.margin = p.margin
            position.realized_pnl = p.realized_pnl
            position.buy_quantity = p.buy_quantity
            position.buy_value = p.buy_value
            position.sell_quantity = p.sell_quantity
            position.sell_value = p.sell_value
            account.positions[(p.token, p.product)] = position
        core.accounts[a.account_id] = account
    for order_record in state.orders:
        order = _rebuild_order(order_record)
        owner = core.accounts[order.account]
        order.owner = owner
        order.instrument = core.instruments[order.token]
        if (order.token, order.product) in owner.positions:
            order.position = owner.positions[(order.token, order.product)]
        if order.token in owner.holdings:
            order.holding = owner.holdings[order.token]
        core.orders[order.id_box] = order
        if order_record.in_book:
            side = core.books[order.token].side_of(order.is_buy)
            # BookSide.add counts the visible quantity the order shows now.
            side.add(order)
        elif order.status is OrderStatus.TRIGGER_PENDING:
            core.stops[order.token].add(order)
        if order.expires_at_ns:
            heappush(core._expiries, (order.expires_at_ns, order.order_id))
    # Rebuilding the books noted every level as changed; nothing has changed for listeners.
    for book in core.books.values():
        book.forget_changes()

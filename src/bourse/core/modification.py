"""ModifyOrder: change price, quantity, trigger, type or disclosed quantity of a working order.

Priority is kept only when a resting order's price is unchanged and its quantity falls;
otherwise the order leaves the book and re-enters as if new (it may trade at once). The block
is re-sized to the new worst case: more is taken only if available, the excess is released.
"""

from typing import TYPE_CHECKING

from bourse.core.state import WorkingOrder
from bourse.core.validation import Problem, check_disclosed, check_prices, check_quantity
from bourse.core.vocabulary import HALTED, LIMIT, OPEN, SL, SL_M, TRIGGER_PENDING
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.errors import RejectReason

if TYPE_CHECKING:
    from bourse.core.engine import TradingCore

_STOP_TYPES = (SL, SL_M)
_PRICED_TYPES = (LIMIT, SL)


def _reject(core: "TradingCore", c: cmd.ModifyOrder, problem: Problem) -> None:
    core._events.append(
        ev.ModifyRejected(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            order_id=c.order_id,
            account=c.account,
            reason=problem[0],
            message=problem[1],
        )
    )


def _client_price(order: WorkingOrder) -> int:
    """The price as the client sees it: MARKET and SL-M carry none (the cap is internal)."""
    return order.price if order.order_type in _PRICED_TYPES else 0


def modify(core: "TradingCore", c: cmd.ModifyOrder) -> None:
    found = core._find_own_order(c.account, c.order_id)
    if isinstance(found, tuple):
        _reject(core, c, found)
        return
    order = found
    state = core.instruments[order.token]
    if core.cancel_only:
        _reject(core, c, (RejectReason.CANCEL_ONLY, "the market accepts cancellations only"))
        return
    if state.status is HALTED:
        _reject(
            core,
            c,
            (
                RejectReason.INSTRUMENT_HALTED,
                f"instrument {state.instrument.tradingsymbol} is halted",
            ),
        )
        return

    pending = order.status is TRIGGER_PENDING
    new_type = c.order_type if c.order_type is not None else order.order_type
    if not pending and new_type in _STOP_TYPES and new_type is not order.order_type:
        _reject(
            core,
            c,
            (
                RejectReason.UNSUPPORTED,
                f"order_type cannot change to {new_type.value} once the order is working",
            ),
        )
        return
    new_quantity = c.quantity if c.quantity is not None else order.quantity
    if c.price is not None:
        new_price = c.price
    elif new_type in _PRICED_TYPES and order.order_type in _PRICED_TYPES:
        new_price = order.price
    else:
        new_price = 0
    if c.trigger_price is not None:
        new_trigger = c.trigger_price
    else:
        new_trigger = order.trigger_price if new_type in _STOP_TYPES else 0
    new_disclosed = (
        c.disclosed_quantity if c.disclosed_quantity is not None else order.disclosed_quantity
    )
    if (
        new_type is order.order_type
        and new_quantity == order.quantity
        and new_price == _client_price(order)
        and new_trigger == order.trigger_price
        and new_disclosed == order.disclosed_quantity
    ):
        _reject(core, c, (RejectReason.NOTHING_TO_MODIFY, f"order {order.order_id} is unchanged"))
        return
    problem = check_quantity(state, new_quantity)
    if problem is None and new_quantity <= order.filled_quantity:
        problem = (
            RejectReason.BAD_QUANTITY,
            f"quantity {new_quantity} must be above the filled quantity {order.filled_quantity}",
        )
    problem = (
        problem
        or check_disclosed(state, new_type, new_quantity, new_disclosed)
        or check_prices(
            state,
            order.side,
            new_type,
            new_price,
            new_trigger,
            check_trigger_side=pending and new_type in _STOP_TYPES,
        )
    )
    if problem is not None:
        _reject(core, c, problem)
        return
    working_price = core._working_price(state, new_type, order.side, new_price, new_trigger)

    # Size the new block on the modified order; put the old values back if it is refused.
    old = (
        order.order_type,
        order.quantity,
        order.price,
        order.trigger_price,
        order.disclosed_quantity,
    )
    order.order_type = new_type
    order.quantity = new_quantity
    order.price = working_price
    order.trigger_price = new_trigger
    order.disclosed_quantity = new_disclosed
    account = core.accounts[order.account]
    problem = core._check_order_value(account, order)
    extra_cash = extra_shares = 0
    if problem is None:
        problem, extra_cash, extra_shares = core._check_funds(
            account, order, order.blocked_cash, order.blocked_quantity
        )
    (
        order.order_type,
        order.quantity,
        order.price,
        order.trigger_price,
        order.disclosed_quantity,
    ) = old
    if problem is not None:
        _reject(core, c, problem)
        return

    keep_priority = (
        order.in_book
        and working_price == order.price
        and new_quantity < order.quantity
        and new_disclosed == order.disclosed_quantity
        and new_type is order.order_type
    )
    book_side = core.books[order.token].side_of(order.is_buy)
    if order.in_book:
        if keep_priority:
            leaves = new_quantity - order.filled_quantity
            if order.visible_quantity > leaves:
                level = book_side.levels[order.price]
                level.visible -= order.visible_quantity - leaves
                order.visible_quantity = leaves
                book_side.note_change(level)
                core._note(core.books[order.token])
        else:
            book_side.remove(order)
            core._note(core.books[order.token])
            order = order.requeue_copy()
            core.orders[order.order_id] = order
    order.order_type = new_type
    order.quantity = new_quantity
    order.price = working_price
    order.trigger_price = new_trigger
    order.disclosed_quantity = new_disclosed
    core._block(account, order, extra_cash, extra_shares)

    still_pending = pending and new_type in _STOP_TYPES
    if pending and not still_pending:
        core.stops[order.token].remove(order)
        order.status = OPEN
    core._events.append(
        ev.OrderModified(
            seq=core._next_event(),
            command_seq=core.command_seq,
            ts_ns=core._ts,
            order_id=order.order_id,
            account=order.account,
            token=order.token,
            order_type=new_type,
            quantity=new_quantity,
            price=working_price,
            trigger_price=new_trigger,
            disclosed_quantity=new_disclosed,
            status=order.status,
            priority_kept=keep_priority,
            blocked_cash=order.blocked_cash,
            blocked_quantity=order.blocked_quantity,
        )
    )
    if still_pending:
        core.stops[order.token].add(order)  # re-keyed on the new trigger
    elif not keep_priority:
        core._execute(order)
        if state.sweep_high:
            core._release_triggered(state)

"""Every reason the core must refuse a command for, predicted before looking at its answer.

Each function returns the set of refusal reasons that apply to a command in the state the
reference ledger describes; an empty set means the core must accept the command. The core names
one reason (its checks run in some order); the test accepts any reason of the set.
"""

from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Side, Validity, Variety
from bourse.domain.errors import RejectReason as R
from tests.property.reference_ledger import (
    MARKETS,
    NS_PER_SECOND,
    PRICED,
    STOPS,
    Account,
    Market,
    Order,
    ReferenceLedger,
)

MAX_TTL_MINUTES = 24 * 60


def shape_problems(
    m: Market,
    side: Side,
    order_type: OrderType,
    quantity: int,
    price: int,
    trigger: int,
    disclosed: int,
    *,
    check_trigger_against_last: bool,
) -> set[R]:
    """Quantity, disclosed quantity, price and trigger rules of DESIGN.md §4-5 (tick, band,
    stops held until the last price crosses their trigger)."""
    problems: set[R] = set()
    if quantity <= 0:
        problems.add(R.BAD_QUANTITY)
    elif quantity > m.freeze:
        problems.add(R.ABOVE_FREEZE_QUANTITY)
    if disclosed and (
        disclosed < 0 or disclosed > quantity or order_type in MARKETS or disclosed * 10 < quantity
    ):
        problems.add(R.BAD_DISCLOSED_QUANTITY)
    problems |= price_problems(m, "price", price) if order_type in PRICED else set()
    if order_type not in PRICED and price != 0:
        problems.add(R.BAD_PRICE)
    if order_type not in STOPS:
        if trigger != 0:
            problems.add(R.BAD_PRICE)
        return problems
    if trigger <= 0:
        problems.add(R.MISSING_TRIGGER)
        return problems
    band = price_problems(m, "trigger", trigger)
    problems |= band
    if band:
        return problems
    is_buy = side is Side.BUY
    if (
        order_type is OrderType.SL
        and price > 0
        and (price < trigger if is_buy else price > trigger)
    ):
        problems.add(R.TRIGGER_WRONG_SIDE)
    if check_trigger_against_last and (
        trigger <= m.last_price if is_buy else trigger >= m.last_price
    ):
        problems.add(R.TRIGGER_WRONG_SIDE)
    return problems


def price_problems(m: Market, name: str, price: int) -> set[R]:
    if price <= 0:
        return {R.BAD_PRICE if name == "price" else R.MISSING_TRIGGER}
    if price % m.tick:
        return {R.OFF_TICK}
    if not m.lower <= price <= m.upper:
        return {R.OUTSIDE_CIRCUIT}
    return set()


def funds_problems(
    ledger: ReferenceLedger, account: Account, o: Order, held_cash: int, held_shares: int
) -> set[R]:
    problems: set[R] = set()
    if o.quantity * o.limit > account.limits.max_order_value:
        problems.add(R.MAX_ORDER_VALUE)
    if ledger.cash_to_block(o) - held_cash > account.cash_available:
        problems.add(R.INSUFFICIENT_FUNDS)
    extra_shares = ledger.shares_to_block(o) - held_shares
    if extra_shares > 0 and extra_shares > account.holdings.get(o.token, [0, 0])[0]:
        problems.add(R.INSUFFICIENT_HOLDINGS)
    return problems


def place_problems(ledger: ReferenceLedger, c: cmd.PlaceOrder, ts_ns: int) -> set[R]:
    """Every reason the core may give for refusing ``c``; empty when it must accept it."""
    problems: set[R] = set()
    if c.variety in (Variety.AMO, Variety.CO):
        problems.add(R.UNSUPPORTED)
    if c.variety is Variety.ICEBERG and c.disclosed_quantity <= 0:
        problems.add(R.BAD_DISCLOSED_QUANTITY)
    account = ledger.accounts.get(c.account)
    m = ledger.markets.get(c.token)
    if account is None:
        problems.add(R.UNKNOWN_ACCOUNT)
    if m is None:
        problems.add(R.UNKNOWN_INSTRUMENT)
    if ledger.cancel_only:
        problems.add(R.CANCEL_ONLY)
    if account is None or m is None:
        return problems
    if m.halted:
        problems.add(R.INSTRUMENT_HALTED)
    if (c.validity is Validity.TTL and not 0 < c.validity_ttl <= MAX_TTL_MINUTES) or (
        c.validity is not Validity.TTL and c.validity_ttl != 0
    ):
        problems.add(R.BAD_VALIDITY)
    shape = shape_problems(
        m,
        c.side,
        c.order_type,
        c.quantity,
        c.price,
        c.trigger_price,
        c.disclosed_quantity,
        check_trigger_against_last=True,
    )
    problems |= shape
    if ledger.open_orders(c.account) >= account.limits.max_open_orders:
        problems.add(R.MAX_OPEN_ORDERS)
    if (
        account.rate_second == ts_ns // NS_PER_SECOND
        and account.rate_count >= account.limits.max_orders_per_second
    ):
        problems.add(R.RATE_LIMITED)
    if shape:
        return problems
    order = Order(
        order_id=0,
        account=c.account,
        token=c.token,
        side=c.side,
        product=c.product,
        order_type=c.order_type,
        quantity=c.quantity,
        limit=ledger.working_limit(m, c.side, c.order_type, c.price, c.trigger_price),
        trigger=c.trigger_price,
        disclosed=c.disclosed_quantity,
    )
    return problems | funds_problems(ledger, account, order, 0, 0)


def modify_problems(ledger: ReferenceLedger, c: cmd.ModifyOrder) -> set[R]:
    """Fields left as None keep their value; a working order may not become a stop; another
    account's order looks like one that does not exist."""
    order = ledger.orders.get(c.order_id)
    if order is None or order.account != c.account:
        return {R.ORDER_NOT_FOUND}
    m = ledger.markets[order.token]
    problems: set[R] = set()
    if ledger.cancel_only:
        problems.add(R.CANCEL_ONLY)
    if m.halted:
        problems.add(R.INSTRUMENT_HALTED)
    pending = order.order_id in ledger.waiting
    new_type = c.order_type or order.order_type
    if not pending and new_type in STOPS and new_type is not order.order_type:
        problems.add(R.UNSUPPORTED)
        return problems
    quantity = order.quantity if c.quantity is None else c.quantity
    if c.price is not None:
        price = c.price
    elif new_type in PRICED and order.order_type in PRICED:
        price = order.limit
    else:
        price = 0
    if c.trigger_price is not None:
        trigger = c.trigger_price
    else:
        trigger = order.trigger if new_type in STOPS else 0
    disclosed = order.disclosed if c.disclosed_quantity is None else c.disclosed_quantity
    shown_price = order.limit if order.order_type in PRICED else 0
    if (new_type, quantity, price, trigger, disclosed) == (
        order.order_type,
        order.quantity,
        shown_price,
        order.trigger,
        order.disclosed,
    ):
        problems.add(R.NOTHING_TO_MODIFY)
        return problems
    shape = shape_problems(
        m,
        order.side,
        new_type,
        quantity,
        price,
        trigger,
        disclosed,
        check_trigger_against_last=pending and new_type in STOPS,
    )
    if 0 < quantity <= order.filled:
        shape.add(R.BAD_QUANTITY)
    problems |= shape
    if shape:
        return problems
    changed = Order(**order.__dict__)
    changed.order_type = new_type
    changed.quantity = quantity
    changed.limit = ledger.working_limit(m, order.side, new_type, price, trigger)
    changed.trigger = trigger
    changed.disclosed = disclosed
    account = ledger.accounts[order.account]
    return problems | funds_problems(
        ledger, account, changed, order.blocked_cash, order.blocked_quantity
    )


def cancel_problems(ledger: ReferenceLedger, c: cmd.CancelOrder) -> set[R]:
    order = ledger.orders.get(c.order_id)
    if order is not None and order.account == c.account:
        return set()
    return {R.ORDER_NOT_FOUND}


def cash_problems(ledger: ReferenceLedger, c: cmd.Deposit | cmd.Withdraw) -> set[R]:
    account = ledger.accounts.get(c.account)
    if account is None:
        return {R.UNKNOWN_ACCOUNT}
    if c.amount <= 0:
        return {R.BAD_AMOUNT}
    if isinstance(c, cmd.Withdraw) and c.amount > account.withdrawable:
        return {R.INSUFFICIENT_FUNDS}
    return set()


def payout_problems(
    ledger: ReferenceLedger,
    c: cmd.RequestWithdrawal | cmd.CompleteWithdrawal | cmd.ReverseWithdrawal,
) -> set[R]:
    account = ledger.accounts.get(c.account)
    if account is None:
        return {R.UNKNOWN_ACCOUNT}
    if not isinstance(c, cmd.RequestWithdrawal):
        return set() if c.reference in account.payouts else {R.UNKNOWN_WITHDRAWAL}
    if c.amount <= 0:
        return {R.BAD_AMOUNT}
    if c.reference in account.payouts:
        return {R.DUPLICATE_WITHDRAWAL}
    if c.amount > account.withdrawable:
        return {R.INSUFFICIENT_FUNDS}
    return set()

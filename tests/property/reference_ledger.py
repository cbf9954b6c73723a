"""A reference ledger of the market's money, written from DESIGN.md §5 and the domain
docstrings, separately from ``bourse.core``.

It keeps every account's cash, holdings and MIS positions and every working order's blocks,
moved only by the core's events, and asserts on the way that each block is what the risk rules
say, that each fill's charges are what the schedule says and that each cancellation releases
exactly what the order still held. The stateful test compares it with the core's own state after
every step; ``reference_rules`` uses it to predict which commands must be refused.
"""

from dataclasses import dataclass, field

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.charges import EquityChargeSchedule
from bourse.domain.enums import OrderStatus, OrderType, Product, Side

NS_PER_SECOND = 1_000_000_000
PRICED = (OrderType.LIMIT, OrderType.SL)
STOPS = (OrderType.SL, OrderType.SL_M)
MARKETS = (OrderType.MARKET, OrderType.SL_M)


@dataclass
class Market:
    token: int
    tick: int
    lower: int
    upper: int
    freeze: int
    last_price: int
    halted: bool = False


@dataclass(eq=False)
class Order:
    order_id: int
    account: int
    token: int
    side: Side
    product: Product
    order_type: OrderType
    quantity: int
    limit: int
    """The price fixed by the core: the order's price, or the protection cap."""
    trigger: int
    disclosed: int
    filled: int = 0
    filled_value: int = 0
    charges_paid: int = 0
    blocked_cash: int = 0
    blocked_quantity: int = 0

    @property
    def is_buy(self) -> bool:
        return self.side is Side.BUY

    @property
    def leaves(self) -> int:
        return self.quantity - self.filled


@dataclass
class Position:
    net: int = 0
    cost: int = 0
    margin: int = 0


@dataclass
class Account:
    limits: cmd.AccountLimits
    cash_available: int = 0
    cash_blocked: int = 0
    cash_unsettled: int = 0
    """Delivery sale proceeds inside ``cash_available`` until T+1 settlement: not withdrawable;
    spending takes settled cash first."""
    holdings: dict[int, list[int]] = field(default_factory=dict)
    """token -> [available, blocked]"""
    unsettled_shares: dict[int, int] = field(default_factory=dict)
    """token -> delivery-bought shares inside ``available`` until T+1 (T1); blocking for a
    sale takes settled shares first."""

    payouts: dict[str, int] = field(default_factory=dict)
    """Pending withdrawals by reference: out of the available cash, not yet paid out."""

    @property
    def withdrawable(self) -> int:
        return max(0, self.cash_available - self.cash_unsettled)

    rate_second: int = -1
    rate_count: int = 0

    def holding(self, token: int) -> list[int]:
        return self.holdings.setdefault(token, [0, 0])


def share_margin(is_buy: bool, price: int, leverage: int, lower: int, upper: int) -> int:
    """Cash held per MIS share opened at ``price``: the price over the leverage, rounded up,
    and never less than what the share loses if the price runs to the far circuit limit."""
    by_leverage = -(-price // leverage)
    loss_to_limit = price - lower if is_buy else upper - price
    return max(by_leverage, loss_to_limit)


def protection_cap(is_buy: bool, reference: int, protection_bp: int, market: Market) -> int:
    """Worst price of a MARKET order: ``reference`` moved against the trader by the protection,
    rounded to the tick towards the reference, kept inside the band."""
    if is_buy:
        cap = reference * (10_000 + protection_bp) // 10_000
        return min(cap - cap % market.tick, market.upper)
    floor = -(-reference * (10_000 - protection_bp) // 10_000)
    floor += -floor % market.tick
    return max(floor, market.lower)


class ReferenceLedger:
    def __init__(self, *, leverage: int, protection_bp: int) -> None:
        self.schedule = EquityChargeSchedule()
        self.leverage = leverage
        self.protection_bp = protection_bp
        self.markets: dict[int, Market] = {}
        self.accounts: dict[int, Account] = {}
        self.orders: dict[int, Order] = {}
        self.positions: dict[tuple[int, int], Position] = {}
        """MIS positions by (account, token)."""
        self.next_order_id = 1
        self.next_trade_id = 1
        self.finished: set[int] = set()
        self.waiting: set[int] = set()
        """Stops not released yet."""
        self.cancel_only = False
        self.deposits = 0
        self.withdrawals = 0
        self.fees = 0
        self.clearing = 0
        self.shares_deposited: dict[int, int] = {}

    # --- risk rules ----------------------------------------------------------------------------

    def charges(self, side: Side, product: Product, value: int) -> int:
        return self.schedule.total(side, product, value)

    def cash_to_block(self, o: Order) -> int:
        """The worst case over every fill the order's rest can still get."""
        m = self.markets[o.token]
        rest = o.leaves
        if o.is_buy:
            worst_value = o.filled_value + rest * o.limit
            charges = self.charges(Side.BUY, o.product, worst_value) - o.charges_paid
            if o.product is not Product.MIS:
                return rest * o.limit + charges
            # A buy fills at or below its limit, and a share's margin only grows with price.
            return rest * share_margin(True, o.limit, self.leverage, m.lower, m.upper) + charges
        if o.product is not Product.MIS:
            return 0
        # A short sale fills anywhere between its limit and the upper circuit; each term of the
        # margin is largest at its own end of that range.
        charges = self.charges(Side.SELL, Product.MIS, o.filled_value + rest * m.upper) - (
            o.charges_paid
        )
        worst_share = max(-(-m.upper // self.leverage), m.upper - o.limit)
        return rest * worst_share + charges

    @staticmethod
    def shares_to_block(o: Order) -> int:
        return 0 if o.is_buy or o.product is Product.MIS else o.leaves

    # --- predictions ---------------------------------------------------------------------------

    def working_limit(
        self, m: Market, side: Side, order_type: OrderType, price: int, trigger: int
    ) -> int:
        if order_type is OrderType.MARKET:
            return protection_cap(side is Side.BUY, m.last_price, self.protection_bp, m)
        if order_type is OrderType.SL_M:
            return protection_cap(side is Side.BUY, trigger, self.protection_bp, m)
        return price

    def open_orders(self, account_id: int) -> int:
        return sum(1 for o in self.orders.values() if o.account == account_id)

    # --- moved by the core's events -------------------------------------------

    def working(self, order_id: int) -> Order:
        assert order_id not in self.finished, f"an event names order {order_id}, already finished"
        assert order_id in self.orders, f"an event names order {order_id}, never accepted"
        return self.orders[order_id]

    def on_event(self, e: ev.Event) -> None:
        handler = getattr(self, f"_on_{type(e).__name__}", None)
        if handler is not None:
            handler(e)

    def _on_InstrumentListed(self, e: ev.InstrumentListed) -> None:
        i = e.instrument
        self.markets[i.token] = Market(
            i.token,
            i.tick_size,
            i.lower_circuit,
            i.upper_circuit,
            i.freeze_quantity,
            i.reference_price,
        )

    def _on_InstrumentHalted(self, e: ev.InstrumentHalted) -> None:
        self.markets[e.token].halted = True

    def _on_InstrumentResumed(self, e: ev.InstrumentResumed) -> None:
        self.markets[e.token].halted = False

    def _on_CancelOnlyChanged(self, e: ev.CancelOnlyChanged) -> None:
        self.cancel_only = e.enabled

    def _on_AccountOpened(self, e: ev.AccountOpened) -> None:
        self.accounts[e.account] = Account(e.limits)

    def _on_FundsDeposited(self, e: ev.FundsDeposited) -> None:
        account = self.accounts[e.account]
        account.cash_available += e.amount
        self.deposits += e.amount
        assert e.cash_available == account.cash_available, (e, account)

    def _on_FundsWithdrawn(self, e: ev.FundsWithdrawn) -> None:
        account = self.accounts[e.account]
        account.cash_available -= e.amount
        self.withdrawals += e.amount
        assert e.cash_available == account.cash_available, (e, account)

    def _on_WithdrawalRequested(self, e: ev.WithdrawalRequested) -> None:
        account = self.accounts[e.account]
        assert e.reference not in account.payouts, e
        assert e.amount <= account.withdrawable, (e, account)
        account.cash_available -= e.amount
        account.payouts[e.reference] = e.amount
        assert e.cash_available == account.cash_available, (e, account)

    def _on_WithdrawalCompleted(self, e: ev.WithdrawalCompleted) -> None:
        assert self.accounts[e.account].payouts.pop(e.reference) == e.amount, e
        self.withdrawals += e.amount

    def _on_WithdrawalReversed(self, e: ev.WithdrawalReversed) -> None:
        account = self.accounts[e.account]
        assert account.payouts.pop(e.reference) == e.amount, e
        account.cash_available += e.amount
        assert e.cash_available == account.cash_available, (e, account)

    def _on_AccountSettled(self, e: ev.AccountSettled) -> None:
        account = self.accounts[e.account]
        assert e.cash == account.cash_unsettled, (e, account)
        assert {s.token: s.quantity for s in e.shares} == {
            token: quantity for token, quantity in account.unsettled_shares.items() if quantity
        }, (e, account)
        account.cash_unsettled = 0
        account.unsettled_shares.clear()

    def _on_HoldingsDeposited(self, e: ev.HoldingsDeposited) -> None:
        self.accounts[e.account].holding(e.token)[0] += e.quantity
        self.shares_deposited[e.token] = self.shares_deposited.get(e.token, 0) + e.quantity

    def _on_OrderAccepted(self, e: ev.OrderAccepted) -> None:
        assert e.order_id == self.next_order_id, f"order ids must be sequential: {e}"
        self.next_order_id += 1
        order = Order(
            order_id=e.order_id,
            account=e.account,
            token=e.token,
            side=e.side,
            product=e.product,
            order_type=e.order_type,
            quantity=e.quantity,
            limit=e.price,
            trigger=e.trigger_price,
            disclosed=e.disclosed_quantity,
        )
        m = self.markets[e.token]
        expected_limit = self.working_limit(m, e.side, e.order_type, e.price, e.trigger_price)
        if e.order_type is OrderType.MARKET:
            assert e.price == expected_limit, f"MARKET cap {e.price} != {expected_limit}"
        elif e.order_type is OrderType.SL_M:
            assert e.price == expected_limit, f"SL-M cap {e.price} != {expected_limit}"
        expected = (self.cash_to_block(order), self.shares_to_block(order))
        assert (e.blocked_cash, e.blocked_quantity) == expected, (
            f"order {e.order_id} blocked {(e.blocked_cash, e.blocked_quantity)}, "
            f"the risk rules say {expected}"
        )
        account = self.accounts[e.account]
        self._move_block(account, order, e.blocked_cash, e.blocked_quantity)
        second = e.ts_ns // NS_PER_SECOND
        if account.rate_second == second:
            account.rate_count += 1
        else:
            account.rate_second, account.rate_count = second, 1
        self.orders[e.order_id] = order
        if e.order_type in STOPS:
            self.waiting.add(e.order_id)

    def _on_OrderModified(self, e: ev.OrderModified) -> None:
        order = self.working(e.order_id)
        order.order_type = e.order_type
        order.quantity = e.quantity
        order.limit = e.price
        order.trigger = e.trigger_price
        order.disclosed = e.disclosed_quantity
        if e.order_type not in STOPS:
            self.waiting.discard(e.order_id)
        still_waiting = e.order_id in self.waiting
        assert (e.status is OrderStatus.TRIGGER_PENDING) == still_waiting, e
        assert e.status in (OrderStatus.TRIGGER_PENDING, OrderStatus.OPEN), e
        expected = (self.cash_to_block(order), self.shares_to_block(order))
        assert (e.blocked_cash, e.blocked_quantity) == expected, (
            f"modified order {e.order_id} blocks {(e.blocked_cash, e.blocked_quantity)}, "
            f"the risk rules say {expected}"
        )
        account = self.accounts[order.account]
        self._move_block(
            account,
            order,
            e.blocked_cash - order.blocked_cash,
            e.blocked_quantity - order.blocked_quantity,
        )

    def _on_OrderTriggered(self, e: ev.OrderTriggered) -> None:
        self.working(e.order_id)
        assert e.order_id in self.waiting, f"order {e.order_id} triggered but was not waiting"
        assert e.last_price == self.markets[e.token].last_price, e
        self.waiting.discard(e.order_id)

    def _on_OrderCancelled(self, e: ev.OrderCancelled) -> None:
        order = self.working(e.order_id)
        assert (e.released_cash, e.released_quantity) == (
            order.blocked_cash,
            order.blocked_quantity,
        ), f"order {e.order_id} released {e}, but still held {order}"
        assert (e.filled_quantity, e.cancelled_quantity) == (order.filled, order.leaves), e
        self._finish(order)

    def _on_TradeExecuted(self, e: ev.TradeExecuted) -> None:
        assert e.trade_id == self.next_trade_id, f"trade ids must be sequential: {e}"
        self.next_trade_id += 1
        buy = self.working(e.buy_order_id)
        sell = self.working(e.sell_order_id)
        assert buy.is_buy and not sell.is_buy, e
        assert (buy.account, sell.account) == (e.buy_account, e.sell_account), e
        assert buy.account != sell.account, f"self-trade printed: {e}"
        assert e.quantity > 0, e
        assert sell.limit <= e.price <= buy.limit, (
            f"trade {e.trade_id} at {e.price} outside the limits buy {buy.limit} sell {sell.limit}"
        )
        self.markets[e.token].last_price = e.price
        for order, charges, filled, pending in (
            (buy, e.buy_charges, e.buy_filled_quantity, e.buy_pending_quantity),
            (sell, e.sell_charges, e.sell_filled_quantity, e.sell_pending_quantity),
        ):
            assert e.quantity <= order.leaves, f"order {order.order_id} overfilled by {e}"
            self._settle(order, e.quantity, e.price, charges)
            assert (filled, pending) == (order.filled, order.leaves), (e, order)
            if order.leaves == 0:
                self._finish(order)

    def _settle(self, o: Order, quantity: int, price: int, charges: int) -> None:
        account = self.accounts[o.account]
        m = self.markets[o.token]
        value = quantity * price
        o.filled += quantity
        o.filled_value += value
        expected = self.charges(o.side, o.product, o.filled_value) - o.charges_paid
        if not o.is_buy and o.product is not Product.MIS:
            expected = min(expected, value)  # a sale's charges come out of its proceeds
        assert charges == expected, f"order {o.order_id} charged {charges}, schedule {expected}"
        o.charges_paid += charges
        self.fees += charges
        if o.product is Product.MIS:
            o.blocked_cash -= charges
            account.cash_blocked -= charges
            self.clearing += -value if o.is_buy else value
            position = self.positions.setdefault((o.account, o.token), Position())
            reducing = 0
            if (position.net > 0 and not o.is_buy) or (position.net < 0 and o.is_buy):
                size = abs(position.net)
                reducing = min(quantity, size)
                basis = position.cost * reducing // size
                released = position.margin * reducing // size
                pnl = reducing * price - basis if position.net > 0 else basis - reducing * price
                position.cost -= basis
                position.margin -= released
                position.net += -reducing if position.net > 0 else reducing
                account.cash_blocked -= released
                account.cash_available += released + pnl
                self.clearing -= pnl
            opening = quantity - reducing
            if opening:
                margin = opening * share_margin(o.is_buy, price, self.leverage, m.lower, m.upper)
                o.blocked_cash -= margin
                position.margin += margin
                position.cost += opening * price
                position.net += opening if o.is_buy else -opening
        elif o.is_buy:
            o.blocked_cash -= value + charges
            account.cash_blocked -= value + charges
            account.holding(o.token)[0] += quantity
            account.unsettled_shares[o.token] = account.unsettled_shares.get(o.token, 0) + quantity
        else:
            o.blocked_quantity -= quantity
            account.holding(o.token)[1] -= quantity
            account.cash_available += value - charges
            account.cash_unsettled += value - charges
        assert o.blocked_cash >= 0, f"order {o.order_id} used more cash than it blocked: {o}"
        assert o.blocked_quantity >= 0, f"order {o.order_id} sold more than it blocked: {o}"

    def _move_block(self, account: Account, o: Order, cash: int, shares: int) -> None:
        if cash > 0:  # settled cash first; the rest comes out of the unsettled proceeds
            settled = account.cash_available - account.cash_unsettled
            account.cash_unsettled -= max(0, cash - settled)
        if shares > 0:
            unsettled = account.unsettled_shares.get(o.token, 0)
            settled_shares = account.holding(o.token)[0] - unsettled
            account.unsettled_shares[o.token] = unsettled - max(0, shares - settled_shares)
        account.cash_available -= cash
        account.cash_blocked += cash
        o.blocked_cash += cash
        if shares:
            holding = account.holding(o.token)
            holding[0] -= shares
            holding[1] += shares
            o.blocked_quantity += shares

    def _finish(self, o: Order) -> None:
        """The order is done: whatever it still blocks goes back, once."""
        assert o.order_id not in self.finished, f"order {o.order_id} finished twice"
        self._move_block(self.accounts[o.account], o, -o.blocked_cash, -o.blocked_quantity)
        del self.orders[o.order_id]
        self.waiting.discard(o.order_id)
        self.finished.add(o.order_id)

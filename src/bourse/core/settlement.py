"""What one fill does to one side's account: cash, shares, positions, margin and charges.

Cash moves between the two sides directly for delivery products. An MIS side trades against the
broker's clearing balance instead (the position is financed, not paid for), and settles with the
clearing balance when the position is reduced: margin released plus realized P&L. The sum of
every account's cash, the clearing balance and the fees collected only changes with deposits and
withdrawals.
"""

from bourse.core.risk import margin_per_share
from bourse.core.state import Position, WorkingOrder
from bourse.core.vocabulary import MIS
from bourse.domain.charges import ChargeSchedule
from bourse.domain.types import Paise, Quantity


class Totals:
    """Money that belongs to no user account."""

    __slots__ = ("clearing", "deposits", "fees", "withdrawals")

    def __init__(self) -> None:
        self.clearing = 0
        self.fees = 0
        self.deposits = 0
        self.withdrawals = 0


def apply_to_position(
    position: Position, is_buy: bool, quantity: Quantity, price: Paise
) -> tuple[Quantity, Paise, Paise]:
    """Book a fill on a position; returns (quantity that reduced it, margin released, P&L)."""
    value = quantity * price
    if is_buy:
        position.buy_quantity += quantity
        position.buy_value += value
    else:
        position.sell_quantity += quantity
        position.sell_value += value
    net = position.net_quantity
    reducing = 0
    margin_released = 0
    pnl = 0
    if (net > 0 and not is_buy) or (net < 0 and is_buy):
        size = net if net > 0 else -net
        reducing = quantity if quantity < size else size
        # Floor division on a partial close; the last share carries the remainder, so a full
        # close releases exactly what was booked.
        basis = position.cost * reducing // size
        margin_released = position.margin * reducing // size
        position.cost -= basis
        position.margin -= margin_released
        pnl = reducing * price - basis if net > 0 else basis - reducing * price
        position.realized_pnl += pnl
        position.net_quantity = net - reducing if net > 0 else net + reducing
    opening = quantity - reducing
    if opening:
        position.cost += opening * price
        position.net_quantity += opening if is_buy else -opening
    return reducing, margin_released, pnl


def settle_fill(
    order: WorkingOrder,
    quantity: Quantity,
    price: Paise,
    schedule: ChargeSchedule,
    totals: Totals,
) -> Paise:
    """Settle one side of a fill; returns the charges this fill cost that side."""
    account = order.owner
    state = order.instrument
    assert account is not None and state is not None
    position = order.position
    if position is None:  # first fill: the day position comes into being
        position = order.position = account.position(order.token, order.product)
    value = quantity * price
    is_buy = order.is_buy
    order.filled_quantity += quantity
    order.filled_value += value
    charges = schedule.total(order.side, order.product, order.filled_value) - order.charges_paid
    product = order.product
    reducing, margin_released, pnl = apply_to_position(position, is_buy, quantity, price)

    if product is MIS:
        order.charges_paid += charges
        order.blocked_cash -= charges
        account.cash_blocked -= charges
        totals.clearing += -value if is_buy else value
        if reducing:
            account.cash_blocked -= margin_released
            account.cash_available += margin_released + pnl
            totals.clearing -= pnl
        opening = quantity - reducing
        if opening:
            margin = opening * margin_per_share(
                is_buy, price, state.leverage, state.lower_circuit, state.upper_circuit
            )
            # The margin moves from the order's block into the position: still blocked cash.
            order.blocked_cash -= margin
            position.margin += margin
    elif is_buy:
        order.charges_paid += charges
        order.blocked_cash -= value + charges
        account.cash_blocked -= value + charges
        holding = order.holding
        if holding is None:
            holding = order.holding = account.holding(order.token)
        holding.available += quantity
        holding.unsettled += quantity  # T1 until the next settlement
        holding.cost += value
    else:
        # Charges come out of the proceeds; capping them at the proceeds keeps a one-paisa
        # rounding step on a tiny fill from touching other cash (the rest is carried forward).
        charges = min(charges, value)
        order.charges_paid += charges
        order.blocked_quantity -= quantity
        holding = order.holding
        assert holding is not None
        held = holding.available + holding.blocked
        holding.cost -= holding.cost * quantity // held
        holding.blocked -= quantity
        account.cash_available += value - charges
        account.cash_unsettled += value - charges  # withdrawable after settlement (T+1)
    totals.fees += charges
    return charges

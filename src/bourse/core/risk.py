"""How much cash or stock an order must hold back so that no fill can overdraw an account.

Every function computes a worst case over the fills still possible, from the order's cumulative
fills so far. Blocks are taken on acceptance and re-sized on modification; fills consume them;
whatever is left is released exactly once when the order finishes.

* CNC/NRML buy: the rest at the limit (MARKET: the protection cap) plus the charges on the whole
  order's worst-case value, less charges already paid.
* CNC/NRML sell: the shares; charges come out of the proceeds (the schedule guarantees they fit).
* MIS: a margin instead of the value: the larger of value / leverage and the loss the position
  could take before the circuit limit stops the price, plus charges. Fills move margin from the
  order into the position; closing a position releases it with the P&L.
"""

from bourse.core.state import WorkingOrder
from bourse.core.vocabulary import BUY, MIS, SELL
from bourse.domain.charges import ChargeSchedule
from bourse.domain.money import ceil_div
from bourse.domain.types import BasisPoints, Paise, Quantity


def protection_price(
    is_buy: bool,
    reference: Paise,
    protection_bp: BasisPoints,
    tick: Paise,
    lower_circuit: Paise,
    upper_circuit: Paise,
) -> Paise:
    """The worst price a MARKET order may trade at: ``reference`` moved by ``protection_bp``
    against the trader, rounded to the tick towards the reference, clipped to the band."""
    if is_buy:
        cap = reference * (10_000 + protection_bp) // 10_000
        cap -= cap % tick
        return min(cap, upper_circuit)
    floor = -((-reference * (10_000 - protection_bp)) // 10_000)
    floor += (-floor) % tick
    return max(floor, lower_circuit)


def margin_consumed(
    is_buy: bool,
    quantity: Quantity,
    value: Paise,
    leverage: int,
    lower_circuit: Paise,
    upper_circuit: Paise,
) -> Paise:
    """MIS margin for ``quantity`` shares opened for ``value`` in total: value / leverage, but
    never less than the loss to the far circuit limit. Monotone in both arguments' growth."""
    if quantity == 0:
        return 0
    leveraged = ceil_div(value, leverage)
    loss_to_limit = value - quantity * lower_circuit if is_buy else quantity * upper_circuit - value
    return max(leveraged, loss_to_limit)


def cash_needed(
    order: WorkingOrder,
    schedule: ChargeSchedule,
    leverage: int,
    lower_circuit: Paise,
    upper_circuit: Paise,
) -> Paise:
    """Cash the order's unfilled rest must hold blocked: the worst case over its future fills."""
    rest = order.quantity - order.filled_quantity
    product = order.product
    if order.is_buy:
        # Buys fill at or below the limit (or the cap), so the limit prices the worst case.
        worst_value = order.filled_value + rest * order.price
        charges = schedule.total(BUY, product, worst_value) - order.charges_paid
        if product is not MIS:
            return rest * order.price + charges
        margin_now = margin_consumed(
            True,
            order.margin_filled_quantity,
            order.margin_filled_value,
            leverage,
            lower_circuit,
            upper_circuit,
        )
        margin_worst = margin_consumed(
            True,
            order.margin_filled_quantity + rest,
            order.margin_filled_value + rest * order.price,
            leverage,
            lower_circuit,
            upper_circuit,
        )
        return margin_worst - margin_now + charges
    if product is not MIS:
        return 0
    # Short sales fill at or above the limit: value grows towards the upper circuit while the
    # loss to the limit shrinks, so each bound takes its own worst price.
    worst_value = order.filled_value + rest * upper_circuit
    charges = schedule.total(SELL, product, worst_value) - order.charges_paid
    quantity = order.margin_filled_quantity + rest
    value_high = order.margin_filled_value + rest * upper_circuit
    value_low = order.margin_filled_value + rest * order.price
    margin_worst = max(ceil_div(value_high, leverage), quantity * upper_circuit - value_low)
    margin_now = margin_consumed(
        False,
        order.margin_filled_quantity,
        order.margin_filled_value,
        leverage,
        lower_circuit,
        upper_circuit,
    )
    return margin_worst - margin_now + charges


def shares_needed(order: WorkingOrder) -> Quantity:
    """Shares a CNC/NRML sell must hold blocked for its unfilled rest."""
    if order.is_buy or order.product is MIS:
        return 0
    return order.quantity - order.filled_quantity

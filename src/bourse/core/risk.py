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


def margin_per_share(
    is_buy: bool, price: Paise, leverage: int, lower_circuit: Paise, upper_circuit: Paise
) -> Paise:
    """MIS margin for one share opened at ``price``: its value over the leverage (rounded up),
    and never less than the loss it could take before the far circuit limit stops the price.

    Charged per share, fill by fill, it is additive: however a position is opened, closed and
    reopened, the margin it holds covers its worst loss inside the band.
    """
    leveraged = -((-price) // leverage)
    loss_to_limit = price - lower_circuit if is_buy else upper_circuit - price
    return leveraged if leveraged > loss_to_limit else loss_to_limit


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
        # Both terms of the per-share margin grow with the price: the limit is the worst.
        per_share = margin_per_share(True, order.price, leverage, lower_circuit, upper_circuit)
        return rest * per_share + charges
    if product is not MIS:
        return 0
    # Short sales fill at or above the limit: value over leverage is worst at the upper
    # circuit, the loss to the limit is worst at the order's own limit.
    worst_value = order.filled_value + rest * upper_circuit
    charges = schedule.total(SELL, product, worst_value) - order.charges_paid
    leveraged = -((-upper_circuit) // leverage)
    loss_to_limit = upper_circuit - order.price
    per_share = leveraged if leveraged > loss_to_limit else loss_to_limit
    return rest * per_share + charges


def shares_needed(order: WorkingOrder) -> Quantity:
    """Shares a CNC/NRML sell must hold blocked for its unfilled rest."""
    if order.is_buy or order.product is MIS:
        return 0
    return order.quantity - order.filled_quantity

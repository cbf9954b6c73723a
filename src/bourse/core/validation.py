"""Shape checks of an order against its instrument, shared by place and modify.

Each check returns ``None`` or a (reason, message) pair whose message names the field and the
value, in rupees where it is money.
"""

from bourse.core.state import InstrumentState
from bourse.core.vocabulary import BUY, LIMIT, MARKET, SL, SL_M, TTL
from bourse.domain.enums import OrderType, Side, Validity
from bourse.domain.errors import RejectReason
from bourse.domain.money import format_rupees
from bourse.domain.types import Paise, Quantity

Problem = tuple[RejectReason, str]

MAX_TTL_MINUTES = 24 * 60


def check_quantity(state: InstrumentState, quantity: Quantity) -> Problem | None:
    if quantity <= 0:
        return RejectReason.BAD_QUANTITY, f"quantity {quantity} must be positive"
    if quantity % state.lot_size:
        return (
            RejectReason.NOT_LOT_MULTIPLE,
            f"quantity {quantity} is not a multiple of lot size {state.lot_size}",
        )
    if quantity > state.freeze_quantity:
        return (
            RejectReason.ABOVE_FREEZE_QUANTITY,
            f"quantity {quantity} is above the freeze quantity {state.freeze_quantity}",
        )
    return None


def check_disclosed(
    state: InstrumentState, order_type: OrderType, quantity: Quantity, disclosed: Quantity
) -> Problem | None:
    if disclosed == 0:
        return None
    lot = state.lot_size
    if disclosed < 0 or disclosed > quantity:
        return (
            RejectReason.BAD_DISCLOSED_QUANTITY,
            f"disclosed_quantity {disclosed} must be between 0 and quantity {quantity}",
        )
    if order_type is MARKET or order_type is SL_M:
        return (
            RejectReason.BAD_DISCLOSED_QUANTITY,
            f"disclosed_quantity {disclosed} is not allowed on {order_type.value} orders",
        )
    if disclosed % lot:
        return (
            RejectReason.BAD_DISCLOSED_QUANTITY,
            f"disclosed_quantity {disclosed} is not a multiple of lot size {lot}",
        )
    if disclosed * 10 < quantity:
        return (
            RejectReason.BAD_DISCLOSED_QUANTITY,
            f"disclosed_quantity {disclosed} is below 10% of quantity {quantity}",
        )
    return None


def check_validity(validity: Validity, ttl_minutes: int) -> Problem | None:
    if validity is TTL:
        if not 0 < ttl_minutes <= MAX_TTL_MINUTES:
            return (
                RejectReason.BAD_VALIDITY,
                f"validity_ttl {ttl_minutes} must be between 1 and {MAX_TTL_MINUTES} minutes",
            )
    elif ttl_minutes:
        return (
            RejectReason.BAD_VALIDITY,
            f"validity_ttl {ttl_minutes} is only allowed with validity TTL",
        )
    return None


def _check_band(state: InstrumentState, field: str, price: Paise) -> Problem | None:
    tick = state.tick_size
    if price % tick:
        return (
            RejectReason.OFF_TICK,
            f"{field} {format_rupees(price)} is not a multiple of tick {format_rupees(tick)}",
        )
    if not state.lower_circuit <= price <= state.upper_circuit:
        return (
            RejectReason.OUTSIDE_CIRCUIT,
            f"{field} {format_rupees(price)} is outside the circuit band "
            f"{format_rupees(state.lower_circuit)}-{format_rupees(state.upper_circuit)}",
        )
    return None


def check_prices(
    state: InstrumentState,
    side: Side,
    order_type: OrderType,
    price: Paise,
    trigger: Paise,
    *,
    check_trigger_side: bool,
) -> Problem | None:
    """Price and trigger rules per order type. ``check_trigger_side`` is off for a stop that
    is already working (it was triggered) and on while it waits for its trigger."""
    needs_price = order_type is LIMIT or order_type is SL
    if needs_price:
        if price <= 0:
            return RejectReason.BAD_PRICE, f"price {format_rupees(price)} must be positive"
        problem = _check_band(state, "price", price)
        if problem:
            return problem
    elif price != 0:
        return (
            RejectReason.BAD_PRICE,
            f"price {format_rupees(price)} must be 0 for {order_type.value} orders",
        )
    # Two identity tests: ``in`` a tuple of enum members is a global look-up and an equality
    # call per member.
    if order_type is not SL and order_type is not SL_M:
        if trigger != 0:
            return (
                RejectReason.BAD_PRICE,
                f"trigger_price {format_rupees(trigger)} is only allowed on SL and SL-M orders",
            )
        return None
    if trigger <= 0:
        return (
            RejectReason.MISSING_TRIGGER,
            f"trigger_price {format_rupees(trigger)} must be positive for "
            f"{order_type.value} orders",
        )
    problem = _check_band(state, "trigger_price", trigger)
    if problem:
        return problem
    is_buy = side is BUY
    if needs_price and (price < trigger if is_buy else price > trigger):
        relation = "at or above" if is_buy else "at or below"
        return (
            RejectReason.TRIGGER_WRONG_SIDE,
            f"price {format_rupees(price)} must be {relation} trigger_price "
            f"{format_rupees(trigger)} for a {side.value} {order_type.value} order",
        )
    if check_trigger_side:
        last = state.last_price
        if trigger <= last if is_buy else trigger >= last:
            relation = "above" if is_buy else "below"
            return (
                RejectReason.TRIGGER_WRONG_SIDE,
                f"trigger_price {format_rupees(trigger)} must be {relation} the last price "
                f"{format_rupees(last)} for a {side.value} stop order",
            )
    return None

"""Smaller properties: one busy instrument against the reference book, the charge schedule and
half-even rounding."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.charges import EquityChargeSchedule
from bourse.domain.enums import OrderType, Product, Side, Validity
from bourse.domain.money import ceil_div, div_round_half_even
from tests.property.one_instrument import REFERENCE_PRICE, TICK, TOKEN, OneInstrument
from tests.property.reference_book import NS_PER_MINUTE, ReferenceBook, RefOrder, matching_log

MARKETS = (OrderType.MARKET, OrderType.SL_M)
STOPS = (OrderType.SL, OrderType.SL_M)


# --- one instrument, many well-funded accounts: the core trades exactly like the reference ---


@dataclass(frozen=True)
class Place:
    account: int
    side: Side
    order_type: OrderType
    validity: Validity
    quantity: int
    price_ticks: int
    """Limit: ticks from the reference price. Stops: ticks of the trigger beyond the last
    price (an SL's limit is its trigger)."""
    disclosed_percent: int


@dataclass(frozen=True)
class Cancel:
    pick: int


@dataclass(frozen=True)
class Modify:
    pick: int
    quantity_change: int
    price_ticks: int | None


places = st.builds(
    Place,
    account=st.integers(1, 8),
    side=st.sampled_from(Side),
    order_type=st.sampled_from((*[OrderType.LIMIT] * 5, OrderType.MARKET, *STOPS)),
    validity=st.sampled_from((*[Validity.DAY] * 4, Validity.IOC, Validity.TTL)),
    quantity=st.integers(1, 50),
    price_ticks=st.integers(-6, 6),
    disclosed_percent=st.sampled_from((0, 0, 10, 30)),
)
operation_kinds: dict[str, st.SearchStrategy[Place | Cancel | Modify | str]] = {
    "place": places,
    "cancel": st.builds(Cancel, pick=st.integers(0, 100)),
    "modify": st.builds(
        Modify,
        pick=st.integers(0, 100),
        quantity_change=st.integers(-10, 10),
        price_ticks=st.one_of(st.none(), st.integers(-6, 6)),
    ),
    "tick": st.just("tick"),
}
operations = st.lists(
    st.sampled_from(("place",) * 6 + ("cancel", "modify", "tick")).flatmap(
        operation_kinds.__getitem__
    ),
    min_size=20,
    max_size=80,
)


def place_command(market: OneInstrument, op: Place) -> cmd.PlaceOrder:
    is_buy = op.side is Side.BUY
    price = REFERENCE_PRICE + op.price_ticks * TICK
    trigger = 0
    if op.order_type in STOPS:
        away = (1 + abs(op.price_ticks)) * TICK
        trigger = market.last_price + away if is_buy else market.last_price - away
        price = trigger
    disclosed = 0
    if op.order_type not in MARKETS and op.disclosed_percent:
        disclosed = max(1, -(-op.quantity * op.disclosed_percent // 100))
    return cmd.PlaceOrder(
        account=op.account,
        token=TOKEN,
        side=op.side,
        order_type=op.order_type,
        product=Product.CNC,
        quantity=op.quantity,
        price=0 if op.order_type in MARKETS else price,
        trigger_price=trigger,
        validity=op.validity,
        validity_ttl=1 if op.validity is Validity.TTL else 0,
        disclosed_quantity=disclosed,
    )


@given(operations)
def test_random_order_flow_on_one_instrument_trades_like_the_reference(
    ops: list[Place | Cancel | Modify | str],
) -> None:
    market = OneInstrument(range(1, 9), cash=10**13, shares=100_000, charges="nse-equity-2026-01")
    reference = ReferenceBook()
    for op in ops:
        if op == "tick":
            command: cmd.Command = cmd.ClockTick()
            market.ts += NS_PER_MINUTE
        elif isinstance(op, Place):
            command = place_command(market, op)
        else:
            assert isinstance(op, Cancel | Modify)
            working = sorted(reference.working)
            if not working:
                continue
            order = reference.working[working[op.pick % len(working)]]
            if isinstance(op, Cancel):
                command = cmd.CancelOrder(account=order.account, order_id=order.order_id)
            else:
                price = None
                if op.price_ticks is not None and order.kind in ("LIMIT", "SL"):
                    price = REFERENCE_PRICE + op.price_ticks * TICK
                command = cmd.ModifyOrder(
                    account=order.account,
                    order_id=order.order_id,
                    quantity=max(order.filled + 1, order.quantity + op.quantity_change),
                    price=price,
                )
        events = market.apply(command)
        expected = reference.expire(market.ts)
        expected += reference_step(reference, command, events, market.ts)
        assert matching_log(events) == expected, f"{command}: {matching_log(events)}"
        bid, ask = market.core.books[TOKEN].best_bid(), market.core.books[TOKEN].best_ask()
        assert bid is None or ask is None or bid < ask, f"crossed book {bid} >= {ask}"
        assert set(market.core.orders) == reference.working_ids()


def reference_step(
    reference: ReferenceBook, command: cmd.Command, events: list[ev.Event], ts_ns: int
) -> list[tuple[object, ...]]:
    if isinstance(command, cmd.PlaceOrder):
        accepted = [e for e in events if isinstance(e, ev.OrderAccepted)]
        if not accepted:
            # Only a stop whose trigger fell outside the band may be refused here.
            (rejected,) = [e for e in events if isinstance(e, ev.OrderRejected)]
            assert command.order_type in STOPS, rejected
            return []
        return reference.place(
            RefOrder(
                order_id=accepted[0].order_id,
                account=command.account,
                token=command.token,
                is_buy=command.side is Side.BUY,
                kind=command.order_type.value,
                validity=command.validity.value,
                quantity=command.quantity,
                limit=accepted[0].price,
                trigger=command.trigger_price,
                disclosed=command.disclosed_quantity,
                expires_at_ns=ts_ns + command.validity_ttl * NS_PER_MINUTE
                if command.validity_ttl
                else 0,
            )
        )
    if isinstance(command, cmd.ModifyOrder):
        modified = [e for e in events if isinstance(e, ev.OrderModified)]
        if not modified:
            return []  # refused (for example a disclosed quantity now below 10 %)
        (m,) = modified
        kept, log = reference.modify(
            m.order_id,
            kind=m.order_type.value,
            quantity=m.quantity,
            limit=m.price,
            trigger=m.trigger_price,
            disclosed=m.disclosed_quantity,
        )
        assert m.priority_kept == kept, m
        return log
    if isinstance(command, cmd.CancelOrder):
        return reference.cancel(command.order_id)
    return []


# --- charges and rounding --------------------------------------------------------------------

SCHEDULE = EquityChargeSchedule()
values = st.integers(0, 10**13)


@given(
    side=st.sampled_from(Side),
    product=st.sampled_from(Product),
    smaller=values,
    larger=values,
)
def test_charges_never_fall_as_value_grows_and_never_exceed_the_value(
    side: Side, product: Product, smaller: int, larger: int
) -> None:
    smaller, larger = sorted((smaller, larger))

    low = SCHEDULE.total(side, product, smaller)
    high = SCHEDULE.total(side, product, larger)

    assert 0 <= low <= high
    assert low <= smaller and high <= larger


@given(side=st.sampled_from(Side), product=st.sampled_from(Product), value=values)
def test_charge_components_are_exact_half_even_rates_that_sum_to_the_total(
    side: Side, product: Product, value: int
) -> None:
    breakdown = SCHEDULE.breakdown(side, product, value)
    rates = (
        SCHEDULE.intraday_brokerage,
        SCHEDULE.delivery_stt,
        SCHEDULE.intraday_sell_stt,
        SCHEDULE.exchange_charge,
        SCHEDULE.sebi_fee,
        SCHEDULE.delivery_stamp,
        SCHEDULE.intraday_stamp,
    )

    for rate in rates:
        assert rate.of(value) == half_even(Fraction(value * rate.numerator, rate.denominator))
    assert breakdown.exchange_charge == SCHEDULE.exchange_charge.of(value)
    assert breakdown.sebi_fee == SCHEDULE.sebi_fee.of(value)
    assert 0 <= breakdown.brokerage <= SCHEDULE.intraday_brokerage_cap
    assert breakdown.gst == SCHEDULE.gst.of(
        breakdown.brokerage + breakdown.exchange_charge + breakdown.sebi_fee
    )
    assert min(breakdown.stt, breakdown.stamp_duty) >= 0
    assert (
        breakdown.total
        == SCHEDULE.total(side, product, value)
        == sum(
            (
                breakdown.brokerage,
                breakdown.stt,
                breakdown.exchange_charge,
                breakdown.sebi_fee,
                breakdown.gst,
                breakdown.stamp_duty,
            )
        )
    )


def half_even(exact: Fraction) -> int:
    """Round with Decimal, the reference implementation of half-even rounding."""
    with localcontext() as context:
        context.prec = 100
        quotient = Decimal(exact.numerator) / Decimal(exact.denominator)
        return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@given(numerator=st.integers(-(10**30), 10**30), denominator=st.integers(1, 10**18))
@example(numerator=5, denominator=2)
@example(numerator=7, denominator=2)
@example(numerator=-5, denominator=2)
@example(numerator=-7, denominator=2)
def test_div_round_half_even_matches_decimal_round_half_even(
    numerator: int, denominator: int
) -> None:
    exact = Fraction(numerator, denominator)

    assert div_round_half_even(numerator, denominator) == half_even(exact)
    assert ceil_div(numerator, denominator) == math.ceil(exact)


@given(numerator=st.integers(), denominator=st.integers(max_value=0))
def test_div_round_half_even_by_non_positive_denominator_raises(
    numerator: int, denominator: int
) -> None:
    with pytest.raises(ValueError, match="denominator"):
        div_round_half_even(numerator, denominator)

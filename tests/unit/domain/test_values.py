"""Money conversion, exact rounding, instrument tokens and the order status table."""

import decimal
from decimal import Decimal

import pytest

from bourse.domain.enums import OrderStatus
from bourse.domain.instrument import (
    Instrument,
    Segment,
    make_instrument_token,
    split_instrument_token,
)
from bourse.domain.money import AmountError, ceil_div, div_round_half_even, to_paise, to_rupees
from bourse.domain.orders import can_transition, is_finished


def test_rupees_convert_to_paise_exactly() -> None:
    assert to_paise("1234.50") == 123_450
    assert to_paise(Decimal("0.05")) == 5
    assert to_rupees(123_450) == Decimal("1234.50")


@pytest.mark.parametrize("bad", ["1.234", "abc", "NaN", "Infinity"])
def test_amount_finer_than_a_paisa_or_not_a_number_is_refused(bad: str) -> None:
    with pytest.raises(AmountError, match="price"):
        to_paise(bad, field="price")


def test_half_even_division_rounds_ties_to_even() -> None:
    assert [div_round_half_even(n, 2) for n in (1, 3, 5, -1)] == [0, 2, 2, 0]
    assert div_round_half_even(7, 3) == 2
    assert ceil_div(7, 3) == 3


def test_instrument_token_keeps_segment_in_low_byte() -> None:
    token = make_instrument_token(408065 >> 8, Segment.NSE)
    assert token & 0xFF == 1
    assert split_instrument_token(token) == (408065 >> 8, Segment.NSE)


def test_circuit_limits_are_rounded_inwards_to_the_tick() -> None:
    instrument = Instrument(
        token=257, exchange="NSE", tradingsymbol="X", reference_price=101_15, band_bp=1_000
    )
    # 10 % of 101.15 = 10.115: upper 111.265 -> 111.25, lower 91.035 -> 91.05
    assert (instrument.lower_circuit, instrument.upper_circuit) == (91_05, 111_25)
    assert instrument.validation_error() is None


def test_off_tick_reference_price_is_an_invalid_instrument() -> None:
    instrument = Instrument(token=257, exchange="NSE", tradingsymbol="X", reference_price=101_13)
    assert "reference_price 101.13" in (instrument.validation_error() or "")


def test_finished_orders_cannot_move() -> None:
    assert can_transition(OrderStatus.TRIGGER_PENDING, OrderStatus.OPEN)
    assert can_transition(OrderStatus.OPEN, OrderStatus.COMPLETE)
    assert not can_transition(OrderStatus.COMPLETE, OrderStatus.OPEN)
    assert not can_transition(OrderStatus.CANCELLED, OrderStatus.CANCELLED)
    assert is_finished(OrderStatus.REJECTED)


def test_to_paise_under_a_low_precision_context_is_still_exact() -> None:
    with decimal.localcontext() as context:
        context.prec = 3
        assert to_paise(Decimal("123456789.12")) == 12_345_678_912
        with pytest.raises(AmountError):
            to_paise(Decimal("123456789012345678901234567890123.001"))

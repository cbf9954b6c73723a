"""Worked contract-note examples: each component rounded half-even to the paisa on its own."""

from hypothesis import given
from hypothesis import strategies as st

from bourse.domain.charges import (
    ChargeBreakdown,
    EquityChargeSchedule,
    Rate,
    ZeroChargeSchedule,
    _rate_of,
)
from bourse.domain.enums import Product, Side

SCHEDULE = EquityChargeSchedule()


def test_delivery_buy_100_at_1500_costs_177_94() -> None:
    # value 1,50,000.00 = 15,000,000 paise
    # STT 0.1 %                  = 15,000
    # exchange 0.00297 %         = 445.5   -> 446 (half-even: 445 is odd)
    # SEBI Rs 10 / crore         = 15
    # GST 18 % of (0 + 446 + 15) = 82.98   -> 83
    # stamp 0.015 %              = 2,250
    assert SCHEDULE.breakdown(Side.BUY, Product.CNC, 15_000_000) == ChargeBreakdown(
        brokerage=0, stt=15_000, exchange_charge=446, sebi_fee=15, gst=83, stamp_duty=2_250
    )
    assert SCHEDULE.total(Side.BUY, Product.CNC, 15_000_000) == 17_794


def test_intraday_buy_caps_brokerage_at_20_rupees() -> None:
    # value 1,00,000.00 = 10,000,000 paise
    # brokerage min(0.03 % = 3,000, 2,000) = 2,000
    # STT on intraday buys                  = 0
    # exchange 0.00297 %                    = 297
    # SEBI                                  = 10
    # GST 18 % of 2,307                     = 415.26 -> 415
    # stamp 0.003 %                         = 300
    assert SCHEDULE.breakdown(Side.BUY, Product.MIS, 10_000_000) == ChargeBreakdown(
        brokerage=2_000, stt=0, exchange_charge=297, sebi_fee=10, gst=415, stamp_duty=300
    )
    assert SCHEDULE.total(Side.BUY, Product.MIS, 10_000_000) == 3_022


def test_intraday_sell_of_5000_50_costs_3_21() -> None:
    # value 5,000.50 = 500,050 paise
    # brokerage 0.03 %  = 150.015  -> 150
    # STT 0.025 % sell  = 125.0125 -> 125
    # exchange          = 14.85    -> 15
    # SEBI              = 0.50005  -> 1 (above the half)
    # GST 18 % of 166   = 29.88    -> 30
    # no stamp duty on sells
    assert SCHEDULE.breakdown(Side.SELL, Product.MIS, 500_050) == ChargeBreakdown(
        brokerage=150, stt=125, exchange_charge=15, sebi_fee=1, gst=30, stamp_duty=0
    )
    assert SCHEDULE.total(Side.SELL, Product.MIS, 500_050) == 321


def test_delivery_sell_of_10_rupees_costs_one_paisa() -> None:
    # value 10.00 = 1,000 paise: STT 1; exchange 0.0297 -> 0; SEBI 0.001 -> 0; GST 0
    assert SCHEDULE.total(Side.SELL, Product.CNC, 1_000) == 1


def test_half_paisa_sebi_fee_rounds_to_even() -> None:
    # value 25,000.00 = 2,500,000 paise
    # STT 2,500; exchange 74.25 -> 74; SEBI 2.5 -> 2 (half-even); GST 18 % of 76 = 13.68 -> 14
    # stamp 0.015 % = 375
    breakdown = SCHEDULE.breakdown(Side.BUY, Product.CNC, 2_500_000)
    assert (breakdown.sebi_fee, breakdown.exchange_charge, breakdown.gst) == (2, 74, 14)
    assert breakdown.total == 2_965


def test_nrml_equity_is_priced_as_delivery() -> None:
    assert SCHEDULE.breakdown(Side.BUY, Product.NRML, 1_234_500) == SCHEDULE.breakdown(
        Side.BUY, Product.CNC, 1_234_500
    )


def test_zero_schedule_charges_nothing() -> None:
    assert ZeroChargeSchedule().total(Side.SELL, Product.MIS, 10**12) == 0


@given(
    value=st.integers(min_value=-(10**15), max_value=10**15),
    numerator=st.integers(min_value=0, max_value=10**6),
    denominator=st.integers(min_value=1, max_value=10**7),
)
def test_the_schedules_inlined_rounding_is_rate_of(
    value: int, numerator: int, denominator: int
) -> None:
    """``amounts`` rounds with an inlined copy of ``Rate.of`` (its hot path): the two agree."""
    assert _rate_of(value, numerator, denominator) == Rate(numerator, denominator).of(value)

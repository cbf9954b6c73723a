"""Brokerage, taxes and fees on executed orders, modelled on an Indian discount broker.

A schedule prices an order's *cumulative* executed value, so charges for an order equal what a
contract note shows for it however many fills it took: the core debits, at each fill, the
charges on the value filled so far minus what it already debited. Every component is rounded
half-even to the paisa on its own, as a contract note does. Two properties the core relies on:

* ``total`` never decreases as the value grows (a block computed on the full order value covers
  every partial fill), and
* ``total(value) <= value`` (a sale's proceeds always cover its charges).
"""

from typing import Protocol

import msgspec

from bourse.domain.enums import Product, Side
from bourse.domain.money import div_round_half_even
from bourse.domain.types import Paise


class ChargeBreakdown(msgspec.Struct, frozen=True, kw_only=True):
    brokerage: Paise = 0
    stt: Paise = 0
    exchange_charge: Paise = 0
    sebi_fee: Paise = 0
    gst: Paise = 0
    stamp_duty: Paise = 0

    @property
    def total(self) -> Paise:
        return (
            self.brokerage
            + self.stt
            + self.exchange_charge
            + self.sebi_fee
            + self.gst
            + self.stamp_duty
        )


class ChargeSchedule(Protocol):
    """Prices the executed value of one order. Implementations must be pure and deterministic."""

    @property
    def version(self) -> str: ...

    def breakdown(self, side: Side, product: Product, value: Paise) -> ChargeBreakdown: ...

    def total(self, side: Side, product: Product, value: Paise) -> Paise: ...


class Rate(msgspec.Struct, frozen=True):
    """An exact rate: ``numerator / denominator`` of the value."""

    numerator: int
    denominator: int

    def of(self, value: Paise) -> Paise:
        return div_round_half_even(value * self.numerator, self.denominator)


class EquityChargeSchedule(msgspec.Struct, frozen=True, kw_only=True):
    """NSE cash-equity charges of a discount broker (defaults: the rates in force in 2026).

    Delivery (CNC, NRML): no brokerage, STT 0.1 % on both sides, stamp 0.015 % on buys.
    Intraday (MIS): brokerage min(0.03 %, Rs 20) per executed order, STT 0.025 % on sells,
    stamp 0.003 % on buys. Both: exchange transaction charge 0.00297 %, SEBI Rs 10 per crore,
    GST 18 % on brokerage + exchange charge + SEBI fee.
    """

    version: str = "nse-equity-2026-01"
    intraday_brokerage: Rate = Rate(3, 10_000)
    intraday_brokerage_cap: Paise = 2_000
    delivery_stt: Rate = Rate(1, 1_000)
    intraday_sell_stt: Rate = Rate(25, 100_000)
    exchange_charge: Rate = Rate(297, 10_000_000)
    sebi_fee: Rate = Rate(1, 1_000_000)
    gst: Rate = Rate(18, 100)
    delivery_stamp: Rate = Rate(15, 100_000)
    intraday_stamp: Rate = Rate(3, 100_000)

    def breakdown(self, side: Side, product: Product, value: Paise) -> ChargeBreakdown:
        if value <= 0:
            return ChargeBreakdown()
        buying = side is Side.BUY
        if product is Product.MIS:
            brokerage = min(self.intraday_brokerage.of(value), self.intraday_brokerage_cap)
            stt = 0 if buying else self.intraday_sell_stt.of(value)
            stamp = self.intraday_stamp.of(value) if buying else 0
        else:
            brokerage = 0
            stt = self.delivery_stt.of(value)
            stamp = self.delivery_stamp.of(value) if buying else 0
        exchange = self.exchange_charge.of(value)
        sebi = self.sebi_fee.of(value)
        return ChargeBreakdown(
            brokerage=brokerage,
            stt=stt,
            exchange_charge=exchange,
            sebi_fee=sebi,
            gst=self.gst.of(brokerage + exchange + sebi),
            stamp_duty=stamp,
        )

    def total(self, side: Side, product: Product, value: Paise) -> Paise:
        return self.breakdown(side, product, value).total


class ZeroChargeSchedule(msgspec.Struct, frozen=True):
    """No charges at all: for markets that do not charge, and for tests of pure matching."""

    version: str = "zero"

    def breakdown(self, side: Side, product: Product, value: Paise) -> ChargeBreakdown:
        return ChargeBreakdown()

    def total(self, side: Side, product: Product, value: Paise) -> Paise:
        return 0

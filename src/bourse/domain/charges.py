"""Brokerage, taxes and fees on executed orders, modelled on an Indian discount broker.

A schedule prices an order's *cumulative* executed value, so charges for an order equal what a
contract note shows for it however many fills it took: the core debits, at each fill, the
charges on the value filled so far minus what it already debited. Every component is rounded
half-even to the paisa on its own, as a contract note does. Two properties the core relies on:

* ``total`` never decreases as the value grows (a block computed on the full order value covers
  every partial fill), and
* ``total(value) <= value`` (a sale's proceeds always cover its charges).
"""

from abc import ABC, abstractmethod
from typing import Final, NamedTuple

from bourse.domain.enums import Product, Side
from bourse.domain.money import div_round_half_even
from bourse.domain.types import Paise


class ChargeBreakdown(NamedTuple):
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


class ChargeSchedule(ABC):
    """Prices the executed value of one order. Implementations must be pure and deterministic.

    A base class rather than a Protocol: the core calls ``total`` on every fill and acceptance,
    and compiled (mypyc), a call through a base class is a direct native call where a call
    through a Protocol is a Python-level method lookup and call.
    """

    version: str

    @abstractmethod
    def breakdown(self, side: Side, product: Product, value: Paise) -> ChargeBreakdown: ...

    @abstractmethod
    def total(self, side: Side, product: Product, value: Paise) -> Paise: ...


_BUY: Final = Side.BUY
_MIS: Final = Product.MIS


class Rate:
    """An exact rate: ``numerator / denominator`` of the value."""

    __slots__ = ("denominator", "numerator")

    def __init__(self, numerator: int, denominator: int) -> None:
        if denominator <= 0:
            raise ValueError("denominator must be positive")
        self.numerator = numerator
        self.denominator = denominator

    def of(self, value: Paise) -> Paise:
        return div_round_half_even(value * self.numerator, self.denominator)

    def __repr__(self) -> str:
        return f"Rate({self.numerator}, {self.denominator})"


def _rate_of(value: Paise, numerator: int, denominator: int) -> Paise:
    """``value * numerator / denominator`` rounded half to even; ``denominator`` > 0 (``Rate``
    refuses any other). ``Rate.of`` and ``div_round_half_even`` inlined for the hot path:
    compiled, the schedule keeps each rate's terms as native ints and calls this directly."""
    product = value * numerator
    quotient = product // denominator
    twice = 2 * (product - quotient * denominator)
    if twice > denominator or (twice == denominator and quotient & 1):
        quotient += 1
    return quotient


class EquityChargeSchedule(ChargeSchedule):
    """NSE cash-equity charges of a discount broker (defaults: the rates in force in 2026).

    Delivery (CNC, NRML): no brokerage, STT 0.1 % on both sides, stamp 0.015 % on buys.
    Intraday (MIS): brokerage min(0.03 %, Rs 20) per executed order, STT 0.025 % on sells,
    stamp 0.003 % on buys. Both: exchange transaction charge 0.00297 %, SEBI Rs 10 per crore,
    GST 18 % on brokerage + exchange charge + SEBI fee.

    A plain class rather than a msgspec Struct: it runs on every fill, and the core's compiled
    build can then call it natively. Configuration names a schedule by ``version``.
    """

    def __init__(
        self,
        *,
        version: str = "nse-equity-2026-01",
        intraday_brokerage: Rate | None = None,
        intraday_brokerage_cap: Paise = 2_000,
        delivery_stt: Rate | None = None,
        intraday_sell_stt: Rate | None = None,
        exchange_charge: Rate | None = None,
        sebi_fee: Rate | None = None,
        gst: Rate | None = None,
        delivery_stamp: Rate | None = None,
        intraday_stamp: Rate | None = None,
    ) -> None:
        self.version = version
        self.intraday_brokerage = intraday_brokerage or Rate(3, 10_000)
        self.intraday_brokerage_cap = intraday_brokerage_cap
        self.delivery_stt = delivery_stt or Rate(1, 1_000)
        self.intraday_sell_stt = intraday_sell_stt or Rate(25, 100_000)
        self.exchange_charge = exchange_charge or Rate(297, 10_000_000)
        self.sebi_fee = sebi_fee or Rate(1, 1_000_000)
        self.gst = gst or Rate(18, 100)
        self.delivery_stamp = delivery_stamp or Rate(15, 100_000)
        self.intraday_stamp = intraday_stamp or Rate(3, 100_000)
        # Each rate's terms again as plain int attributes: ``amounts`` runs on every fill and
        # acceptance, and compiled, these are loads where ``rate.of`` was a method call on an
        # object and two attribute reads.
        self._intraday_brokerage = (
            self.intraday_brokerage.numerator,
            self.intraday_brokerage.denominator,
        )
        self._delivery_stt = self.delivery_stt.numerator, self.delivery_stt.denominator
        self._intraday_sell_stt = (
            self.intraday_sell_stt.numerator,
            self.intraday_sell_stt.denominator,
        )
        self._exchange_charge = self.exchange_charge.numerator, self.exchange_charge.denominator
        self._sebi_fee = self.sebi_fee.numerator, self.sebi_fee.denominator
        self._gst = self.gst.numerator, self.gst.denominator
        self._delivery_stamp = self.delivery_stamp.numerator, self.delivery_stamp.denominator
        self._intraday_stamp = self.intraday_stamp.numerator, self.intraday_stamp.denominator

    def amounts(
        self, buying: bool, intraday: bool, value: Paise
    ) -> tuple[Paise, Paise, Paise, Paise, Paise, Paise]:
        """(brokerage, STT, exchange charge, SEBI fee, GST, stamp duty) on ``value``.

        The one place the schedule's arithmetic lives; ``breakdown`` and ``total`` read it.
        Compiled, the tuple is a C struct of machine ints, which keeps ``total`` (called on
        every fill) cheap.
        """
        if value <= 0:
            return 0, 0, 0, 0, 0, 0
        if intraday:
            n, d = self._intraday_brokerage
            brokerage = min(_rate_of(value, n, d), self.intraday_brokerage_cap)
            if buying:
                stt = 0
                n, d = self._intraday_stamp
                stamp = _rate_of(value, n, d)
            else:
                n, d = self._intraday_sell_stt
                stt = _rate_of(value, n, d)
                stamp = 0
        else:
            brokerage = 0
            n, d = self._delivery_stt
            stt = _rate_of(value, n, d)
            if buying:
                n, d = self._delivery_stamp
                stamp = _rate_of(value, n, d)
            else:
                stamp = 0
        n, d = self._exchange_charge
        exchange = _rate_of(value, n, d)
        n, d = self._sebi_fee
        sebi = _rate_of(value, n, d)
        n, d = self._gst
        gst = _rate_of(brokerage + exchange + sebi, n, d)
        return brokerage, stt, exchange, sebi, gst, stamp

    def breakdown(self, side: Side, product: Product, value: Paise) -> ChargeBreakdown:
        return ChargeBreakdown(*self.amounts(side is _BUY, product is _MIS, value))

    def total(self, side: Side, product: Product, value: Paise) -> Paise:
        brokerage, stt, exchange, sebi, gst, stamp = self.amounts(
            side is _BUY, product is _MIS, value
        )
        return brokerage + stt + exchange + sebi + gst + stamp


class ZeroChargeSchedule(ChargeSchedule):
    """No charges at all: for markets that do not charge, and for tests of pure matching."""

    def __init__(self) -> None:
        self.version = "zero"

    def breakdown(self, side: Side, product: Product, value: Paise) -> ChargeBreakdown:
        return ChargeBreakdown()

    def total(self, side: Side, product: Product, value: Paise) -> Paise:
        return 0

"""Instruments: what can be traded, its token, tick, lot, freeze quantity and circuit band."""

from enum import IntEnum

import msgspec

from bourse.domain.money import format_rupees
from bourse.domain.types import BasisPoints, InstrumentToken, Paise, Quantity

TOKEN_SEGMENT_BITS = 8
TOKEN_SEGMENT_MASK = (1 << TOKEN_SEGMENT_BITS) - 1


class Segment(IntEnum):
    """Exchange segment, kept in the low byte of an instrument token (Kite's ticker needs it)."""

    NSE = 1
    BSE = 4
    INDICES = 9


def make_instrument_token(instrument_id: int, segment: Segment) -> InstrumentToken:
    """Compose a token: the instrument id shifted left by 8 bits, the segment in the low byte."""
    if instrument_id <= 0:
        raise ValueError(f"instrument_id {instrument_id} must be positive")
    return (instrument_id << TOKEN_SEGMENT_BITS) | int(segment)


def split_instrument_token(token: InstrumentToken) -> tuple[int, Segment]:
    """The (instrument id, segment) a token was composed from."""
    return token >> TOKEN_SEGMENT_BITS, Segment(token & TOKEN_SEGMENT_MASK)


class Instrument(msgspec.Struct, frozen=True, kw_only=True):
    """Static description of a tradable instrument.

    The circuit band is ``band_bp`` basis points either side of ``reference_price`` (the
    previous close); limits are rounded inwards to the tick so a band price is always tradable.
    """

    token: InstrumentToken
    exchange: str
    tradingsymbol: str
    name: str = ""
    isin: str = ""
    tick_size: Paise = 5
    lot_size: Quantity = 1
    freeze_quantity: Quantity = 100_000
    reference_price: Paise
    band_bp: BasisPoints = 2_000

    @property
    def upper_circuit(self) -> Paise:
        raw = self.reference_price + self.reference_price * self.band_bp // 10_000
        return raw - raw % self.tick_size

    @property
    def lower_circuit(self) -> Paise:
        raw = self.reference_price - self.reference_price * self.band_bp // 10_000
        return raw + (-raw) % self.tick_size

    def validation_error(self) -> str | None:
        """Why this description is unusable, or None when it is sound."""
        if self.token <= TOKEN_SEGMENT_MASK:
            return f"token {self.token} has no instrument id above the segment byte"
        if self.tick_size <= 0:
            return f"tick_size {self.tick_size} must be positive"
        if self.lot_size <= 0:
            return f"lot_size {self.lot_size} must be positive"
        if self.freeze_quantity < self.lot_size:
            return f"freeze_quantity {self.freeze_quantity} is below lot_size {self.lot_size}"
        if self.reference_price <= 0 or self.reference_price % self.tick_size:
            return (
                f"reference_price {format_rupees(self.reference_price)} must be a positive "
                f"multiple of tick {format_rupees(self.tick_size)}"
            )
        if not 0 < self.band_bp < 10_000:
            return f"band_bp {self.band_bp} must be between 1 and 9999"
        if self.lower_circuit <= 0 or self.lower_circuit > self.upper_circuit:
            return f"circuit band {self.band_bp} bp leaves no tradable price"
        return None

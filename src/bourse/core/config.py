"""Configuration of the trading core: part of its state, so a replay uses the same rules."""

import msgspec

from bourse.domain.charges import ChargeSchedule, EquityChargeSchedule, ZeroChargeSchedule
from bourse.domain.types import BasisPoints, InstrumentToken

CHARGE_SCHEDULES: dict[str, ChargeSchedule] = {
    schedule.version: schedule for schedule in (EquityChargeSchedule(), ZeroChargeSchedule())
}


class CoreConfig(msgspec.Struct, frozen=True, kw_only=True):
    market_protection_bp: BasisPoints = 500
    """MARKET and SL-M orders trade no further than this from the last (or trigger) price."""
    mis_leverage: int = 5
    mis_leverage_overrides: tuple[tuple[InstrumentToken, int], ...] = ()
    """Per-instrument leverage for MIS, overriding ``mis_leverage``."""
    charge_schedule: str = EquityChargeSchedule().version
    """Version name of the schedule in ``CHARGE_SCHEDULES``."""
    book_events: bool = True
    """Emit ``BookChanged`` for every price level a command touched."""

    def schedule(self) -> ChargeSchedule:
        try:
            return CHARGE_SCHEDULES[self.charge_schedule]
        except KeyError:
            known = ", ".join(sorted(CHARGE_SCHEDULES))
            raise ValueError(
                f"charge_schedule {self.charge_schedule!r} is unknown (known: {known})"
            ) from None

    def leverage_for(self, token: InstrumentToken) -> int:
        for overridden, leverage in self.mis_leverage_overrides:
            if overridden == token:
                return leverage
        return self.mis_leverage

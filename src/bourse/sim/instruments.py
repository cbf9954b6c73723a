"""The starter instruments: ten liquid NSE equities from the shipped master.

Kept for the benchmarks and tests that want a small market; the demo lists the whole master
(`bourse.sim.master`). Tokens follow Kite's layout (instrument id << 8 | segment); prices are in
paise on the 0.05 tick.
"""

from bourse.domain.instrument import Instrument
from bourse.sim.master import nse_equities

STARTER_SYMBOLS = (
    "RELIANCE",
    "TCS",
    "HDFCBANK",
    "INFY",
    "ICICIBANK",
    "SBIN",
    "BHARTIARTL",
    "ITC",
    "LT",
    "KOTAKBANK",
)


def starter_instruments() -> list[Instrument]:
    by_symbol = {e.instrument.tradingsymbol: e.instrument for e in nse_equities()}
    return [by_symbol[symbol] for symbol in STARTER_SYMBOLS]

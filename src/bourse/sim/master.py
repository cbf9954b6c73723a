"""The shipped instrument master: NIFTY 50 and about 50 more liquid NSE equities, two indices.

Package data (``bourse/sim/data``): ``nse_equities.csv`` in Kite's instruments-dump columns plus
``isin``, ``sector`` and ``circuit_limit_pct``; ``nse_indices.csv`` the index constituents with
approximate free-float share counts. Previous closes, share counts and index levels are
approximate (late 2025); tokens are Kite-style ``(id << 8) | segment``. A user's own universe
comes from `load_universe` with a CSV path (``BOURSE_INSTRUMENTS_CSV``).
"""

import csv
import io
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from bourse.domain.instrument import Instrument, Segment, make_instrument_token
from bourse.marketdata.indices import IndexConstituent, IndexDefinition
from bourse.sim.instrument_csv import ListedEquity, parse_instruments_csv, read_instruments_csv

NIFTY_50 = "NIFTY 50"
NIFTY_BANK = "NIFTY BANK"

# (tradingsymbol, name, Kite instrument id, approximate previous close in paise)
_INDICES: tuple[tuple[str, str, int, int], ...] = (
    (NIFTY_50, "NIFTY 50", 1001, 25_910_60),
    (NIFTY_BANK, "NIFTY BANK", 1016, 58_120_35),
)
INDEX_TOKENS = {
    symbol: make_instrument_token(iid, Segment.INDICES) for symbol, _, iid, _ in _INDICES
}
"""NIFTY 50 is 256265 and NIFTY BANK 260105, as in Kite."""


def _data(name: str) -> str:
    return resources.files("bourse.sim").joinpath("data", name).read_text(encoding="utf-8")


def nse_equities() -> list[ListedEquity]:
    """The shipped universe, in file order (NIFTY 50 first)."""
    return parse_instruments_csv(_data("nse_equities.csv"), source="bourse/sim/data")


def load_universe(csv_path: Path | str | None = None) -> list[ListedEquity]:
    """The user's universe from ``csv_path`` (Kite format), else the shipped one."""
    if csv_path is None or str(csv_path) == "":
        return nse_equities()
    return read_instruments_csv(csv_path)


def index_members() -> dict[str, list[tuple[str, int]]]:
    """Each index's (tradingsymbol, free-float shares), in file order."""
    members: dict[str, list[tuple[str, int]]] = {}
    for row in csv.DictReader(io.StringIO(_data("nse_indices.csv"))):
        members.setdefault(row["index"], []).append(
            (row["tradingsymbol"], int(row["free_float_shares"]))
        )
    return members


def nifty_50_symbols() -> list[str]:
    return [symbol for symbol, _ in index_members()[NIFTY_50]]


def index_definitions(instruments: Sequence[Instrument] | None = None) -> list[IndexDefinition]:
    """NIFTY 50 and NIFTY BANK over ``instruments`` (default: the shipped master).

    Base prices are the constituents' reference prices (previous closes) and the base value
    the index's approximate previous close, so the index opens at its previous close. An index
    none of whose constituents is listed is left out; missing constituents are skipped.
    """
    listed = instruments if instruments is not None else [e.instrument for e in nse_equities()]
    by_symbol = {(i.exchange, i.tradingsymbol): i for i in listed}
    members = index_members()
    definitions: list[IndexDefinition] = []
    for symbol, name, _, close in _INDICES:
        constituents = tuple(
            IndexConstituent(token=found.token, shares=shares, base_price=found.reference_price)
            for member, shares in members.get(symbol, [])
            if (found := by_symbol.get(("NSE", member))) is not None
        )
        if constituents:
            definitions.append(
                IndexDefinition(
                    token=INDEX_TOKENS[symbol],
                    tradingsymbol=symbol,
                    name=name,
                    base_value=close,
                    constituents=constituents,
                )
            )
    return definitions

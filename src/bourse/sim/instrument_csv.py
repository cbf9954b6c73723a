"""Read an instrument universe from a CSV in Kite Connect's instruments-dump format.

Kite's columns are ``instrument_token, exchange_token, tradingsymbol, name, last_price, expiry,
strike, tick_size, lot_size, instrument_type, segment, exchange``; Bourse reads these extra
optional columns: ``isin``, ``sector`` and ``circuit_limit_pct`` (the circuit band either side of
the previous close, 20 when absent). ``last_price`` is taken as the previous close.

Only cash equities are listed: rows whose ``instrument_type`` is present and not ``EQ`` (futures,
options, indices in a full Kite dump) are skipped. Every other row must be sound; all problems
are reported together in one `InstrumentCsvError`, each naming the line, field and value.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bourse.domain.instrument import TOKEN_SEGMENT_MASK, Instrument, Segment
from bourse.domain.money import AmountError, to_paise

REQUIRED_COLUMNS = ("instrument_token", "tradingsymbol", "last_price", "tick_size", "lot_size")
DEFAULT_CIRCUIT_PCT = "20"
EXCHANGE_SEGMENTS = {"NSE": Segment.NSE, "BSE": Segment.BSE}
MAX_REPORTED_PROBLEMS = 20


class InstrumentCsvError(ValueError):
    """The CSV cannot be listed as it is; ``problems`` holds one message per bad field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        super().__init__(f"instruments CSV {source}:\n  " + "\n  ".join(shown) + tail)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ListedEquity:
    """One row of the instrument master: the instrument as the core lists it, and its sector."""

    instrument: Instrument
    sector: str


def read_instruments_csv(path: Path | str) -> list[ListedEquity]:
    """The equities listed in the CSV file at ``path``."""
    with open(path, newline="", encoding="utf-8") as stream:
        return parse_instruments_csv(stream.read(), source=str(path))


def parse_instruments_csv(text: str, *, source: str = "<text>") -> list[ListedEquity]:
    """The equities listed in CSV ``text``; raises `InstrumentCsvError` naming every problem."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise InstrumentCsvError(source, [f"header lacks column(s) {', '.join(missing)}"])
    problems: list[str] = []
    listed: list[ListedEquity] = []
    for row in reader:
        kind = (row.get("instrument_type") or "EQ").strip()
        if kind != "EQ":
            continue
        line = reader.line_num
        found: list[str] = []
        equity = _equity(row, found)
        problems.extend(f"line {line}: {problem}" for problem in found)
        if equity is not None:
            listed.append(equity)
    problems.extend(_duplicates(listed))
    if problems:
        raise InstrumentCsvError(source, problems)
    if not listed:
        raise InstrumentCsvError(source, ["no EQ rows: nothing to list"])
    return listed


def _equity(row: dict[str, str | None], problems: list[str]) -> ListedEquity | None:
    def text(name: str, default: str = "") -> str:
        return (row.get(name) or default).strip()

    symbol = text("tradingsymbol")
    if not symbol:
        problems.append("tradingsymbol is empty")
    exchange = text("exchange", "NSE")
    segment = EXCHANGE_SEGMENTS.get(exchange)
    if segment is None:
        problems.append(f"exchange {exchange!r} is not one of {', '.join(EXCHANGE_SEGMENTS)}")
    token = _integer(text("instrument_token"), "instrument_token", problems)
    if token is not None and segment is not None and token & TOKEN_SEGMENT_MASK != segment:
        problems.append(
            f"instrument_token {token} has segment byte {token & TOKEN_SEGMENT_MASK}, "
            f"but exchange {exchange} is segment {int(segment)}"
        )
    exchange_token = text("exchange_token")
    if token is not None and exchange_token and exchange_token != str(token >> 8):
        problems.append(
            f"exchange_token {exchange_token} is not instrument_token {token} >> 8 ({token >> 8})"
        )
    close = _paise(text("last_price"), "last_price", problems)
    tick = _paise(text("tick_size"), "tick_size", problems)
    lot = _integer(text("lot_size"), "lot_size", problems)
    band_bp = _basis_points(text("circuit_limit_pct", DEFAULT_CIRCUIT_PCT), problems)
    if problems or token is None or close is None or tick is None or lot is None:
        return None
    if band_bp is None or segment is None:
        return None
    if tick > 0 and close % tick:
        problems.append(
            f"last_price {text('last_price')} is not a multiple of tick {text('tick_size')}"
        )
        return None
    instrument = Instrument(
        token=token,
        exchange=exchange,
        tradingsymbol=symbol,
        name=text("name"),
        isin=text("isin"),
        tick_size=tick,
        lot_size=lot,
        freeze_quantity=max(100_000, lot),
        reference_price=close,
        band_bp=band_bp,
    )
    error = instrument.validation_error()
    if error is not None:
        problems.append(f"{symbol}: {error}")
        return None
    return ListedEquity(instrument=instrument, sector=text("sector", "Unclassified"))


def _integer(raw: str, field: str, problems: list[str]) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{field} {raw!r} is not an integer")
        return None
    if value <= 0:
        problems.append(f"{field} {value} must be positive")
        return None
    return value


def _paise(raw: str, field: str, problems: list[str]) -> int | None:
    try:
        value = to_paise(raw, field=field)
    except AmountError as exc:
        problems.append(str(exc))
        return None
    if value <= 0:
        problems.append(f"{field} {raw} must be positive")
        return None
    return value


def _basis_points(raw: str, problems: list[str]) -> int | None:
    try:
        scaled = Decimal(raw) * 100
    except InvalidOperation:
        problems.append(f"circuit_limit_pct {raw!r} is not a number")
        return None
    if not scaled.is_finite() or scaled != scaled.to_integral_value() or not 0 < scaled < 10_000:
        problems.append(f"circuit_limit_pct {raw} must be between 0.01 and 99.99")
        return None
    return int(scaled)


def _duplicates(listed: Iterable[ListedEquity]) -> list[str]:
    problems: list[str] = []
    tokens: set[int] = set()
    symbols: set[tuple[str, str]] = set()
    for equity in listed:
        instrument = equity.instrument
        key = (instrument.exchange, instrument.tradingsymbol)
        if instrument.token in tokens:
            problems.append(f"instrument_token {instrument.token} appears more than once")
        if key in symbols:
            problems.append(f"tradingsymbol {':'.join(key)} appears more than once")
        tokens.add(instrument.token)
        symbols.add(key)
    return problems

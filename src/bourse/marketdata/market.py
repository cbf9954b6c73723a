"""Market data as one projection of the event stream: quotes, depth, indices, search and the
market status announcements, fed in order by ``apply`` on one thread.

``apply`` returns the instruments whose market data changed (their ticks are due);
announcements (halt, resume, cancel-only on or off, a trade at a circuit limit, and the
session opening or closing — 09:15 / 15:30 IST — as the events' own times cross those hours)
collect until ``take_announcements``. Everything here follows from the events alone, so a
replay of the journal rebuilds it exactly.
"""

from collections.abc import Sequence

import msgspec

from bourse.domain import events as ev
from bourse.domain.instrument import Instrument
from bourse.domain.money import format_rupees
from bourse.domain.types import InstrumentToken
from bourse.marketdata.depth import DepthMirror, DepthView
from bourse.marketdata.index_quotes import IndexBoard
from bourse.marketdata.indices import IndexDefinition
from bourse.marketdata.quotes import QuoteBoard, QuoteView
from bourse.marketdata.search import SearchIndex
from bourse.marketdata.session import in_session

MARKET_WIDE = 0
"""The token of announcements about the whole market."""
MAX_PENDING_ANNOUNCEMENTS = 10_000


class Announcement(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    instrument_token: InstrumentToken
    """0 for the whole market."""
    status: str
    """halted, resumed, cancel_only, open, upper_circuit, lower_circuit, session_open,
    session_closed."""
    message: str
    ts_ns: int


class MarketData:
    def __init__(self, index_definitions: Sequence[IndexDefinition] = ()) -> None:
        self.board = QuoteBoard()
        self.books = DepthMirror()
        self.indices = IndexBoard(index_definitions, self.board)
        self.search_index = SearchIndex()
        self._announcements: list[Announcement] = []
        self._at_circuit: dict[InstrumentToken, str] = {}
        self._in_session: bool | None = None

    # --- reads -------------------------------------------------------------------------------

    def instruments(self) -> list[Instrument]:
        return self.board.instruments()

    def quote(self, token: InstrumentToken) -> QuoteView | None:
        return self.board.quote(token)

    def token_of(self, exchange: str, tradingsymbol: str) -> InstrumentToken | None:
        return self.board.token_of(exchange, tradingsymbol)

    def depth(self, token: InstrumentToken, levels: int = 5) -> DepthView:
        return self.books.depth(token, levels)

    def search(self, query: str, limit: int) -> list[Instrument]:
        return self.search_index.search(query, limit)

    def take_announcements(self) -> list[Announcement]:
        found, self._announcements = self._announcements, []
        return found

    # --- projection --------------------------------------------------------------------------

    def apply(self, events: list[ev.Event]) -> set[InstrumentToken]:
        if events:
            self._check_session(events[0])
        changed = self.board.apply(events)
        traded: set[InstrumentToken] = set()
        for event in events:
            kind = type(event)
            if kind is ev.BookChanged:
                self.books.apply(event)  # type: ignore[arg-type]
            elif kind is ev.TradeExecuted:
                traded.add(event.token)  # type: ignore[attr-defined]
                self._check_circuit(event)  # type: ignore[arg-type]
            elif kind is ev.InstrumentListed:
                instrument: Instrument = event.instrument  # type: ignore[attr-defined]
                self.search_index.add(instrument)
                traded.add(instrument.token)
            elif kind is ev.InstrumentHalted:
                self._announce(event.token, "halted", event.reason, event)  # type: ignore[attr-defined]
            elif kind is ev.InstrumentResumed:
                self._announce(event.token, "resumed", "trading resumed", event)  # type: ignore[attr-defined]
            elif kind is ev.CancelOnlyChanged:
                enabled: bool = event.enabled  # type: ignore[attr-defined]
                status = "cancel_only" if enabled else "open"
                self._announce(MARKET_WIDE, status, event.reason, event)  # type: ignore[attr-defined]
        if traded and events:
            changed |= self.indices.update(traded, events[-1].ts_ns)
        return changed

    def _check_session(self, event: ev.Event) -> None:
        """Announce the session opening or closing when event time crosses its hours."""
        now = in_session(event.ts_ns)
        if self._in_session is not None and now != self._in_session:
            if now:
                self._announce(MARKET_WIDE, "session_open", "the session is open", event)
            else:
                self._announce(MARKET_WIDE, "session_closed", "the session has closed", event)
        self._in_session = now

    def _check_circuit(self, trade: ev.TradeExecuted) -> None:
        quote = self.board.quote(trade.token)
        if quote is None:
            return
        instrument = quote.instrument
        if trade.price >= instrument.upper_circuit:
            hit = "upper_circuit"
        elif trade.price <= instrument.lower_circuit:
            hit = "lower_circuit"
        else:
            self._at_circuit.pop(trade.token, None)
            return
        if self._at_circuit.get(trade.token) != hit:
            self._at_circuit[trade.token] = hit
            limit = instrument.upper_circuit if hit == "upper_circuit" else instrument.lower_circuit
            self._announce(
                trade.token, hit, f"traded at the circuit limit {format_rupees(limit)}", trade
            )

    def _announce(self, token: InstrumentToken, status: str, message: str, event: ev.Event) -> None:
        if len(self._announcements) < MAX_PENDING_ANNOUNCEMENTS:
            self._announcements.append(
                Announcement(
                    instrument_token=token, status=status, message=message, ts_ns=event.ts_ns
                )
            )

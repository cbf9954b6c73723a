"""Index quotes (NIFTY 50, NIFTY BANK, ...) kept on the quote board from their constituents.

Each index is listed on the board at start, not tradable, exchange NSE, with its token in
segment INDICES. Whenever a constituent is listed or trades, the index value is recomputed
(``indices.index_value`` over the constituents' last prices) and so is its previous close
(over their previous closes); the board moves the index like a trade of quantity 0.
"""

from collections.abc import Iterable, Sequence

from bourse.domain.instrument import Instrument
from bourse.domain.types import InstrumentToken, Paise
from bourse.marketdata.indices import INDEX_TICK, IndexDefinition, index_value
from bourse.marketdata.quotes import QuoteBoard

INDEX_EXCHANGE = "NSE"


def index_instrument(definition: IndexDefinition) -> Instrument:
    return Instrument(
        token=definition.token,
        exchange=INDEX_EXCHANGE,
        tradingsymbol=definition.tradingsymbol,
        name=definition.name,
        tick_size=INDEX_TICK,
        reference_price=index_value(definition, {}),
    )


class IndexBoard:
    def __init__(self, definitions: Sequence[IndexDefinition], board: QuoteBoard) -> None:
        self._board = board
        self._definitions = tuple(definitions)
        self._by_constituent: dict[InstrumentToken, list[IndexDefinition]] = {}
        for definition in self._definitions:
            board.list_instrument(index_instrument(definition), 0, index=True)
            for constituent in definition.constituents:
                self._by_constituent.setdefault(constituent.token, []).append(definition)

    @property
    def definitions(self) -> tuple[IndexDefinition, ...]:
        return self._definitions

    def is_constituent(self, token: InstrumentToken) -> bool:
        return token in self._by_constituent

    def update(self, tokens: Iterable[InstrumentToken], ts_ns: int) -> set[InstrumentToken]:
        """Recompute the indices that hold any of ``tokens``; return the indices that moved."""
        affected: dict[InstrumentToken, IndexDefinition] = {}
        for token in tokens:
            for definition in self._by_constituent.get(token, ()):
                affected[definition.token] = definition
        moved: set[InstrumentToken] = set()
        for definition in affected.values():
            last: dict[InstrumentToken, Paise] = {}
            close: dict[InstrumentToken, Paise] = {}
            for constituent in definition.constituents:
                quote = self._board.quote(constituent.token)
                if quote is not None:
                    last[constituent.token] = quote.last_price
                    close[constituent.token] = quote.close
            before = self._board.quote(definition.token)
            self._board.set_index_value(
                definition.token,
                index_value(definition, last),
                index_value(definition, close),
                ts_ns,
            )
            if self._board.quote(definition.token) is not before:
                moved.add(definition.token)
        return moved

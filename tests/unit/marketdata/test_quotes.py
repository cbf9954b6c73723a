"""The quote board: listings, halts, and last price / volume / OHLC from trades."""

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.marketdata.quotes import QuoteBoard
from tests.unit.core.market import INFY, TCS, Market, Product, instrument

A, B = 1, 2


class FedMarket(Market):
    """A core whose every event also goes through a ``QuoteBoard``."""

    def __init__(self) -> None:
        self.board = QuoteBoard()
        self.changed: set[int] = set()
        super().__init__(
            instruments=(instrument(INFY, 100_00), instrument(TCS, 200_00, exchange="BSE"))
        )
        self.account(A, cash=10_000_000)
        self.account(B, cash=10_000_000)

    def apply(self, command: cmd.Command, *, advance_ns: int = 1_000_000) -> list[ev.Event]:
        events = super().apply(command, advance_ns=advance_ns)
        self.changed = self.board.apply(events)
        return events


def fed() -> tuple[FedMarket, QuoteBoard]:
    market = FedMarket()
    return market, market.board


def test_listed_instruments_quote_their_previous_close_until_they_trade() -> None:
    _, board = fed()

    assert [i.token for i in board.instruments()] == [INFY, TCS]
    assert board.token_of("BSE", "SYM2") == TCS
    assert board.token_of("NSE", "SYM2") is None
    quote = board.quote(INFY)
    assert quote is not None
    assert (quote.last_price, quote.close, quote.volume, quote.last_trade_ns) == (
        100_00,
        100_00,
        0,
        0,
    )
    assert quote.tradable


def test_trades_set_last_price_volume_and_ohlc() -> None:
    market, board = fed()

    for price, quantity in ((100_00, 5), (101_00, 3), (99_50, 2)):
        market.sell(B, quantity, price, product=Product.MIS)
        market.buy(A, quantity, price)

    quote = board.quote(INFY)
    assert quote is not None
    assert (quote.open, quote.high, quote.low, quote.last_price) == (100_00, 101_00, 99_50, 99_50)
    assert (quote.volume, quote.last_quantity) == (10, 2)
    assert quote.traded_value == 5 * 100_00 + 3 * 101_00 + 2 * 99_50
    assert quote.last_trade_ns == market.ts
    assert market.changed == {INFY}


def test_book_changes_and_halts_mark_the_instrument_changed() -> None:
    market, board = fed()

    market.buy(A, 5, 99_00)
    assert market.changed == {INFY}
    market.apply(cmd.HaltInstrument(token=TCS, reason="news"))

    assert market.changed == {TCS}
    halted = board.quote(TCS)
    assert halted is not None
    assert not halted.tradable
    market.apply(cmd.ResumeInstrument(token=TCS))
    resumed = board.quote(TCS)
    assert resumed is not None
    assert resumed.tradable

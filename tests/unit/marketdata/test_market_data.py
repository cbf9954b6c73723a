"""Market data fed by a real core: index quotes from constituents, status announcements,
depth and totals, search of listed instruments."""

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.marketdata.indices import IndexConstituent, IndexDefinition
from bourse.marketdata.market import MARKET_WIDE, MarketData
from tests.unit.core.market import INFY, TCS, Market, instrument

A, B = 1, 2
NIFTY = IndexDefinition(
    token=(99 << 8) | 9,
    tradingsymbol="NIFTY 50",
    name="NIFTY 50",
    base_value=1_000_00,
    constituents=(
        IndexConstituent(token=INFY, shares=3, base_price=100_00),
        IndexConstituent(token=TCS, shares=1, base_price=200_00),
    ),
)


class FedMarket(Market):
    def __init__(self) -> None:
        self.data = MarketData([NIFTY])
        self.changed: set[int] = set()
        super().__init__(instruments=(instrument(INFY, 100_00), instrument(TCS, 200_00)))
        self.account(A, cash=10**10)
        self.account(B, cash=10**10, holdings={INFY: 1000})

    def apply(self, command: cmd.Command, *, advance_ns: int = 1_000_000) -> list[ev.Event]:
        events = super().apply(command, advance_ns=advance_ns)
        self.changed = self.data.apply(events)
        return events

    def trade(self, quantity: int, price: int) -> None:
        self.sell(B, quantity, price)
        self.buy(A, quantity, price)


def test_an_index_is_quoted_at_its_base_until_a_constituent_trades() -> None:
    market = FedMarket()

    quote = market.data.quote(NIFTY.token)
    assert quote is not None
    assert (quote.last_price, quote.close, quote.tradable) == (1_000_00, 1_000_00, False)
    assert NIFTY.token not in {i.token for i in market.data.instruments()}
    assert market.data.token_of("NSE", "NIFTY 50") == NIFTY.token


def test_an_index_moves_when_a_constituent_trades() -> None:
    market = FedMarket()

    market.trade(5, 110_00)  # capitalisation 3*110 + 200 = 530 against 500: +6 %

    quote = market.data.quote(NIFTY.token)
    assert quote is not None
    assert quote.last_price == 1_060_00
    assert (quote.open, quote.high, quote.low, quote.volume) == (1_060_00, 1_060_00, 1_060_00, 0)
    assert quote.net_change == 60_00
    assert {INFY, NIFTY.token} <= market.changed


def test_depth_and_totals_follow_the_book() -> None:
    market = FedMarket()
    market.buy(A, 5, 99_00)
    market.buy(A, 3, 99_00)
    market.buy(A, 2, 98_00)
    market.sell(B, 4, 101_00)

    depth = market.data.depth(INFY, 5)

    assert depth.bids == [(99_00, 8, 2), (98_00, 2, 1)]
    assert depth.asks == [(101_00, 4, 1)]
    assert (depth.total_buy_quantity, depth.total_sell_quantity) == (10, 4)


def test_halts_resumes_and_cancel_only_are_announced() -> None:
    market = FedMarket()
    market.data.take_announcements()

    market.apply(cmd.HaltInstrument(token=TCS, reason="news pending"))
    market.apply(cmd.ResumeInstrument(token=TCS))
    market.apply(cmd.SetCancelOnly(enabled=True, reason="maintenance"))

    found = [(a.instrument_token, a.status) for a in market.data.take_announcements()]
    assert found == [(TCS, "halted"), (TCS, "resumed"), (MARKET_WIDE, "cancel_only")]
    assert market.data.take_announcements() == []


def test_a_trade_at_the_circuit_limit_is_announced_once() -> None:
    market = FedMarket()
    market.data.take_announcements()
    upper = instrument(INFY, 100_00).upper_circuit

    market.trade(1, upper)
    market.trade(1, upper)

    [hit] = market.data.take_announcements()
    assert (hit.instrument_token, hit.status) == (INFY, "upper_circuit")
    assert "120.00" in hit.message


def test_listed_instruments_can_be_searched() -> None:
    market = FedMarket()

    assert next(i.token for i in market.data.search("SYM2", 5)) == TCS


def test_the_session_opening_and_closing_are_announced_when_event_time_crosses_them() -> None:
    market = FedMarket()  # starts at 05:30 IST (2026-01-01T00:00Z)
    market.data.take_announcements()
    to_open = (9 * 60 + 15 - 5 * 60 - 30) * 60 * 10**9  # 05:30 -> 09:15 IST
    to_close = (6 * 60 + 15) * 60 * 10**9  # 09:15 -> 15:30 IST

    for advance in (to_open, 1, to_close):
        market.apply(cmd.Deposit(account=A, amount=1), advance_ns=advance)

    found = [(a.instrument_token, a.status) for a in market.data.take_announcements()]
    assert found == [(MARKET_WIDE, "session_open"), (MARKET_WIDE, "session_closed")]

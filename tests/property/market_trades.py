"""Trade events for market-data properties: any prices, quantities and times (in order)."""

from hypothesis import strategies as st

from bourse.domain import events as ev
from bourse.domain.enums import Side

START_NS = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z
TOKENS = (257, 513)


def trade(seq: int, token: int, price: int, quantity: int, ts_ns: int) -> ev.TradeExecuted:
    return ev.TradeExecuted(
        seq=seq,
        command_seq=seq,
        ts_ns=ts_ns,
        trade_id=seq,
        token=token,
        price=price,
        quantity=quantity,
        aggressor=Side.BUY,
        buy_order_id=1,
        sell_order_id=2,
        buy_account=1,
        sell_account=2,
        buy_filled_quantity=quantity,
        sell_filled_quantity=quantity,
        buy_pending_quantity=0,
        sell_pending_quantity=0,
        buy_charges=0,
        sell_charges=0,
    )


@st.composite
def trade_sequences(draw: st.DrawFn, max_size: int = 60) -> list[ev.TradeExecuted]:
    """Trades in stream order: times never go back; gaps from nothing to several days."""
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(TOKENS),
                st.integers(1, 400).map(lambda ticks: ticks * 5_00),
                st.integers(1, 1_000),
                st.one_of(
                    st.integers(0, 90 * 1_000_000_000),
                    st.integers(0, 3 * 86_400 * 1_000_000_000),
                ),
            ),
            max_size=max_size,
        )
    )
    trades = []
    ts = START_NS + draw(st.integers(0, 86_400 * 1_000_000_000))
    for seq, (token, price, quantity, gap) in enumerate(steps, start=1):
        ts += gap
        trades.append(trade(seq, token, price, quantity, ts))
    return trades

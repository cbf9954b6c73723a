import pytest

from bourse.domain.events import OrderRejected, TradeExecuted
from bourse.domain.instrument import Instrument
from bourse.sim.config import SimConfig
from bourse.sim.market import MarketSimulator
from bourse.sim.master import nse_equities
from bourse.sim.runner import SimulatedMarket

SHORT = SimConfig(seed=11, order_rate=40.0, step_seconds=1.0)


def _small_universe() -> tuple[list[Instrument], list[str]]:
    equities = nse_equities()[:6]
    return [e.instrument for e in equities], [e.sector for e in equities]


def test_same_seed_and_configuration_give_the_same_event_stream() -> None:
    instruments, sectors = _small_universe()
    first = SimulatedMarket.open(SHORT, instruments, sectors)
    second = SimulatedMarket.open(SHORT, instruments, sectors)

    first.run(120)
    second.run(120)

    assert first.events > 1000
    assert first.event_digest == second.event_digest
    assert first.core.state_hash() == second.core.state_hash()


def test_another_seed_gives_another_event_stream() -> None:
    instruments, sectors = _small_universe()
    first = SimulatedMarket.open(SHORT, instruments, sectors)
    other = SimulatedMarket.open(
        SimConfig(seed=12, order_rate=40.0, step_seconds=1.0), instruments, sectors
    )

    first.run(60)
    other.run(60)

    assert first.event_digest != other.event_digest


def test_whole_universe_trades_on_tick_inside_bands_and_two_sided() -> None:
    equities = nse_equities()
    market = SimulatedMarket.open(
        SimConfig(seed=3, order_rate=50.0, step_seconds=2.0),
        [e.instrument for e in equities],
        [e.sector for e in equities],
    )
    trades: list[TradeExecuted] = []
    rejected: list[OrderRejected] = []

    for _ in range(30):
        market.now_ns += 2_000_000_000
        events = market.apply(market.simulator.step(2.0))
        trades += [e for e in events if isinstance(e, TradeExecuted)]
        rejected += [e for e in events if isinstance(e, OrderRejected)]

    assert not rejected, rejected[:3]
    assert {t.token for t in trades} == {e.instrument.token for e in equities}
    by_token = {e.instrument.token: e.instrument for e in equities}
    for trade in trades:
        instrument = by_token[trade.token]
        assert trade.price % instrument.tick_size == 0
        assert instrument.lower_circuit <= trade.price <= instrument.upper_circuit
    for instrument in by_token.values():
        bids, asks = market.core.depth(instrument.token, 5)
        assert len(bids) >= 3 and len(asks) >= 3
        assert bids[0][0] < asks[0][0]


def test_fair_values_start_where_the_market_was() -> None:
    instruments, sectors = _small_universe()
    last = [i.reference_price * 21 // 20 // i.tick_size * i.tick_size for i in instruments]

    simulator = MarketSimulator(SHORT, instruments, sectors, start_prices=last)

    assert simulator.fair.values == pytest.approx(last)
    assert simulator.takers.last_price == last

"""Acceptance: a simulated trading day (fast clock) shows the stylized facts of real markets."""

import statistics

import pytest

from bourse.sim.config import MakerConfig, SimConfig
from bourse.sim.facts import MarketRecorder, autocorrelation, excess_kurtosis
from bourse.sim.master import nse_equities
from bourse.sim.runner import SimulatedMarket

LIQUID = ("RELIANCE", "HDFCBANK", "INFY", "ICICIBANK", "SBIN", "ITC", "AXISBANK", "TCS")
DAY_CONFIG = SimConfig(
    seed=7,
    step_seconds=10.0,
    order_rate=6.0,
    makers=(MakerConfig(levels=3), MakerConfig(inner_ticks=1.5, levels=2, skew_ticks=3.0)),
)


@pytest.fixture(scope="module")
def trading_day() -> tuple[SimulatedMarket, MarketRecorder]:
    equities = [e for e in nse_equities() if e.instrument.tradingsymbol in LIQUID]
    market = SimulatedMarket.open(
        DAY_CONFIG, [e.instrument for e in equities], [e.sector for e in equities]
    )
    recorder = MarketRecorder(market, range(len(equities)))
    market.run(DAY_CONFIG.session_seconds, recorder)
    return market, recorder


def test_trading_day_median_spread_is_at_most_three_ticks(
    trading_day: tuple[SimulatedMarket, MarketRecorder],
) -> None:
    _, recorder = trading_day

    medians = [statistics.median(spreads) for spreads in recorder.spreads]

    assert max(medians) <= 3, medians


def test_trading_day_book_is_never_crossed_nor_outside_the_band(
    trading_day: tuple[SimulatedMarket, MarketRecorder],
) -> None:
    _, recorder = trading_day

    assert recorder.crossed == 0
    assert recorder.outside_band == 0
    assert recorder.one_sided == 0


def test_trading_day_minute_returns_have_fat_tails(
    trading_day: tuple[SimulatedMarket, MarketRecorder],
) -> None:
    _, recorder = trading_day

    pooled = [r for returns in recorder.minute_returns() for r in returns]

    assert len(pooled) >= 370 * len(LIQUID)
    assert excess_kurtosis(pooled) > 0


def test_trading_day_absolute_returns_cluster_at_lags_1_to_10(
    trading_day: tuple[SimulatedMarket, MarketRecorder],
) -> None:
    _, recorder = trading_day
    absolute = [[abs(r) for r in returns] for returns in recorder.minute_returns()]

    by_lag = [statistics.fmean(autocorrelation(a, lag) for a in absolute) for lag in range(1, 11)]

    assert all(value > 0 for value in by_lag), by_lag


def test_trading_day_market_maker_inventory_stays_within_its_limit(
    trading_day: tuple[SimulatedMarket, MarketRecorder],
) -> None:
    market, recorder = trading_day

    assert recorder.max_inventory_ratio <= 1.0
    assert all(count > 1000 for count in market.simulator.trades)
    assert market.simulator.desk.rejections == 0

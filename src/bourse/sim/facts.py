"""Stylized facts of a simulated market: what real markets show and the simulator must too.

`MarketRecorder` observes a `SimulatedMarket` after every step: spreads and crossed books of the
instruments it watches, minute-end mid prices, prices outside the circuit band and the market
makers' largest inventories. The statistics (excess kurtosis, autocorrelation) are plain
functions of float lists.
"""

import itertools
import math
import statistics
from collections.abc import Sequence

from bourse.sim.runner import NS_PER_SECOND, SimulatedMarket


def excess_kurtosis(values: Sequence[float]) -> float:
    mean = statistics.fmean(values)
    deviation = statistics.pstdev(values)
    if deviation == 0:
        return 0.0
    return statistics.fmean(((v - mean) / deviation) ** 4 for v in values) - 3.0


def autocorrelation(values: Sequence[float], lag: int) -> float:
    mean = statistics.fmean(values)
    variance = sum((v - mean) ** 2 for v in values)
    if variance == 0 or lag >= len(values):
        return 0.0
    covariance = sum(
        (values[i] - mean) * (values[i + lag] - mean) for i in range(len(values) - lag)
    )
    return covariance / variance


def log_returns(prices: Sequence[float]) -> list[float]:
    return [math.log(b / a) for a, b in itertools.pairwise(prices)]


class MarketRecorder:
    """Observations of ``watched`` instruments (indices into the simulator's list)."""

    def __init__(self, market: SimulatedMarket, watched: Sequence[int]) -> None:
        self.watched = list(watched)
        self.spreads: list[list[int]] = [[] for _ in self.watched]
        """Best ask minus best bid in ticks, per watched instrument, after every step."""
        self.one_sided = 0
        self.crossed = 0
        self.outside_band = 0
        self.minute_mids: list[list[float]] = [[] for _ in self.watched]
        self.max_inventory_ratio = 0.0
        """Largest |inventory| / max_inventory of any maker in any instrument."""
        self._last_minute = market.now_ns // (60 * NS_PER_SECOND)

    def __call__(self, market: SimulatedMarket) -> None:
        simulator, core = market.simulator, market.core
        minute = market.now_ns // (60 * NS_PER_SECOND)
        new_minute = minute != self._last_minute
        self._last_minute = minute
        for slot, index in enumerate(self.watched):
            instrument = simulator.instruments[index]
            last = simulator.takers.last_price[index]
            if not instrument.lower_circuit <= last <= instrument.upper_circuit:
                self.outside_band += 1
            bids, asks = core.depth(instrument.token, 1)
            if not bids or not asks:
                self.one_sided += 1
                continue
            bid, ask = bids[0][0], asks[0][0]
            if bid >= ask:
                self.crossed += 1
            if bid < instrument.lower_circuit or ask > instrument.upper_circuit:
                self.outside_band += 1
            self.spreads[slot].append((ask - bid) // instrument.tick_size)
            if new_minute:
                self.minute_mids[slot].append((bid + ask) / 2)
        for maker in simulator.makers:
            for index in self.watched:
                ratio = abs(maker.inventory(index)) / maker.max_inventory[index]
                self.max_inventory_ratio = max(self.max_inventory_ratio, ratio)

    def minute_returns(self) -> list[list[float]]:
        return [log_returns(mids) for mids in self.minute_mids]

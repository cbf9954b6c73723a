"""Takers: noise traders, momentum traders and mean-reversion traders.

Each kind gets a share of ``SimConfig.order_rate``; arrivals are Poisson, spread over the
instruments in proportion to their current volatility factor (busy names are busier) and scaled
by the intraday activity curve.

- Noise traders buy or sell at random: MARKET orders, or LIMIT orders a few ticks from the fair
  value (exponentially distributed; some are marketable) that expire after a few minutes.
- Momentum traders buy what rose over the last five minutes and sell what fell (MARKET).
- Mean-reversion traders sell what trades well above its half-hour average and buy what trades
  well below (marketable LIMIT orders at the last price, immediate-or-cancel).
"""

import math
import random
from collections import deque

from bourse.domain.enums import Validity
from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, Paise, Quantity
from bourse.sim.config import SimConfig
from bourse.sim.orders import OrderDesk, SimOrder

MAX_SIZE_FACTOR = 8.0
"""No taker order is larger than this many times the median order."""
HISTORY_MINUTES = 31
MOMENTUM_MINUTES = 5
MOMENTUM_THRESHOLD = 0.5
"""In standard deviations of a five-minute return."""
REVERSION_THRESHOLD = 1.0
"""In standard deviations of a half-hour return."""


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class Trader:
    """An account that takes liquidity; it keeps nothing about its orders once sent."""

    def __init__(self, account: AccountId) -> None:
        self.account = account
        self.bought = 0
        self.sold = 0

    def on_fill(self, order: SimOrder, quantity: Quantity, price: Paise) -> None:
        if order.is_buy:
            self.bought += quantity
        else:
            self.sold += quantity

    def on_done(self, order: SimOrder) -> None:
        return


class Takers:
    """All taker agents of the market and the price history they look at."""

    def __init__(
        self,
        config: SimConfig,
        instruments: list[Instrument],
        desk: OrderDesk,
        rng: random.Random,
        accounts: list[AccountId],
    ) -> None:
        self._config = config
        self._instruments = instruments
        self._desk = desk
        self._rng = rng
        noise = config.noise_accounts
        self.noise = [Trader(a) for a in accounts[:noise]]
        self.momentum = Trader(accounts[noise])
        self.reversion = Trader(accounts[noise + 1])
        self.traders = [*self.noise, self.momentum, self.reversion]
        count = len(instruments)
        self._history: list[deque[Paise]] = [
            deque([i.reference_price], maxlen=HISTORY_MINUTES) for i in instruments
        ]
        self.last_price: list[Paise] = [i.reference_price for i in instruments]
        self._minute_sd = config.daily_volatility / math.sqrt(config.session_seconds / 60)
        self._notional = [
            config.noise_order_notional_paise / i.reference_price for i in instruments
        ]
        self._count = count

    def record_minute(self) -> None:
        """Close a minute of price history (call once per simulated minute)."""
        for n in range(self._count):
            self._history[n].append(self.last_price[n])

    def _quantity(self, index: int) -> int:
        instrument = self._instruments[index]
        size = min(MAX_SIZE_FACTOR, math.exp(self._rng.gauss(0.0, 0.8)))
        shares = self._notional[index] * size
        lots = max(1, int(shares / instrument.lot_size))
        return min(lots * instrument.lot_size, instrument.freeze_quantity)

    def act(self, dt: float, activity: float, weights: list[float], fair: list[float]) -> None:
        config, rng = self._config, self._rng
        rate = config.order_rate * activity * dt
        noise_share = max(0.0, 1.0 - config.momentum_share - config.mean_reversion_share)
        arrivals = poisson(rng, rate)
        if not arrivals:
            return
        picks = rng.choices(range(self._count), weights=weights, k=arrivals)
        for index in picks:
            draw = rng.random()
            if draw < noise_share:
                self._noise(index, fair[index])
            elif draw < noise_share + config.momentum_share:
                self._trend(index)
            else:
                self._revert(index)

    def opening_trades(self) -> None:
        """One small MARKET order per instrument, so that every instrument prints at once."""
        for index in range(self._count):
            trader = self.noise[index % len(self.noise)]
            self._desk.place(trader, index, self._rng.random() < 0.5, self._quantity(index))

    def _noise(self, index: int, fair: float) -> None:
        rng, config = self._rng, self._config
        trader = self.noise[rng.randrange(len(self.noise))]
        is_buy = rng.random() < 0.5
        quantity = self._quantity(index)
        if rng.random() < config.market_order_share:
            self._desk.place(trader, index, is_buy, quantity)
            return
        instrument = self._instruments[index]
        tick = instrument.tick_size
        offset = (rng.expovariate(1 / 3.0) - 0.7) * tick
        if is_buy:
            price = math.floor((fair - offset) / tick) * tick
        else:
            price = math.ceil((fair + offset) / tick) * tick
        price = min(instrument.upper_circuit, max(instrument.lower_circuit, price))
        ttl = rng.randint(1, config.limit_ttl_minutes)
        self._desk.place(
            trader, index, is_buy, quantity, price, validity=Validity.TTL, ttl_minutes=ttl
        )

    def _trend(self, index: int) -> None:
        history = self._history[index]
        if len(history) <= MOMENTUM_MINUTES:
            return
        change = math.log(self.last_price[index] / history[-MOMENTUM_MINUTES])
        if abs(change) < MOMENTUM_THRESHOLD * self._minute_sd * math.sqrt(MOMENTUM_MINUTES):
            return
        self._desk.place(self.momentum, index, change > 0, self._quantity(index))

    def _revert(self, index: int) -> None:
        history = self._history[index]
        if len(history) < 2:
            return
        average = sum(history) / len(history)
        last = self.last_price[index]
        deviation = math.log(last / average)
        if abs(deviation) < REVERSION_THRESHOLD * self._minute_sd * math.sqrt(len(history)):
            return
        self._desk.place(
            self.reversion, index, deviation < 0, self._quantity(index), last, validity=Validity.IOC
        )

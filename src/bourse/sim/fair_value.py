"""The latent fair value of every instrument: correlated diffusion, stochastic volatility, jumps.

Per step of ``dt`` seconds each instrument's log fair value moves by

    vol_i(t) * sqrt(dt) * (a * Z_market + b * Z_sector(i) + c * Z_i)  +  jumps  +  impact

with ``a² + b² + c² = 1`` (so the factor mix leaves the variance alone). ``vol_i(t)`` is the
instrument's base volatility times ``exp(h_market + h_i)``, two Ornstein-Uhlenbeck log-volatility
processes (volatility clustering), times the intraday activity curve (U shape). Jumps arrive as
Poisson events, per instrument and market-wide. Aggressive flow pushes the value (permanent
impact), which is what momentum traders feed on. The value is kept inside the circuit band.

Floats are fine here: this is a model of beliefs; every price sent is rounded to the tick.
"""

import math
import random
from collections.abc import Sequence

from bourse.domain.instrument import Instrument
from bourse.sim.activity import intraday_activity
from bourse.sim.config import SimConfig


class FairValues:
    """Fair values (in paise, float) of the listed instruments, advanced step by step."""

    def __init__(
        self,
        instruments: Sequence[Instrument],
        sectors: Sequence[str],
        config: SimConfig,
        rng: random.Random,
        start_prices: Sequence[int] | None = None,
    ) -> None:
        """Values start at ``start_prices`` (paise; default: the previous closes)."""
        self._config = config
        self._rng = rng
        self.count = len(instruments)
        self._low = [math.log(i.lower_circuit) for i in instruments]
        self._high = [math.log(i.upper_circuit) for i in instruments]
        for n in range(self.count):
            margin = (self._high[n] - self._low[n]) * config.band_margin
            self._low[n] += margin
            self._high[n] -= margin
        starts = start_prices or [i.reference_price for i in instruments]
        self._log_values = [
            min(self._high[n], max(self._low[n], math.log(starts[n]))) for n in range(self.count)
        ]
        self.values = [math.exp(x) for x in self._log_values]
        names = sorted(set(sectors))
        self._sector_of = [names.index(s) for s in sectors]
        self._sector_count = len(names)
        per_second = config.daily_volatility / math.sqrt(config.session_seconds)
        self._base_vol = [per_second] * self.count
        own = 1.0 - config.market_weight**2 - config.sector_weight**2
        self._own_weight = math.sqrt(max(0.0, own))
        self._h_market = 0.0
        self._h_own = [0.0] * self.count
        self.volatility_factor = [1.0] * self.count
        """exp(h_market + h_i) normalized to mean 1: busier when higher."""
        self._pending_impact = [0.0] * self.count

    def push(self, index: int, signed_notional_paise: float) -> None:
        """Aggressive flow on instrument ``index`` (buys positive), applied at the next step."""
        lakhs = signed_notional_paise / 1_00_000_00
        self._pending_impact[index] += self._config.impact_bp_per_lakh * lakhs / 10_000

    def advance(self, t_seconds: float, dt: float) -> None:
        config, rng, gauss = self._config, self._rng, self._rng.gauss
        decay = math.exp(-math.log(2) * dt / config.volatility_half_life_seconds)
        shock = config.volatility_of_volatility * math.sqrt(1 - decay * decay)
        self._h_market = self._h_market * decay + shock * gauss(0.0, 1.0)
        activity = intraday_activity(t_seconds, config) if config.u_shape else 1.0
        # h_market + h_i has variance 2 eta^2: subtracting 2 eta^2 makes E[factor^2] = 1
        normalizer = 2 * config.volatility_of_volatility**2
        z_market = gauss(0.0, 1.0)
        z_sectors = [gauss(0.0, 1.0) for _ in range(self._sector_count)]
        day_share = dt / config.session_seconds
        market_jump = 0.0
        if rng.random() < config.market_jumps_per_day * day_share:
            market_jump = gauss(0.0, config.jump_size)
        sqrt_dt = math.sqrt(dt * activity)
        mw, sw, ow = config.market_weight, config.sector_weight, self._own_weight
        jump_chance = config.jumps_per_day * day_share
        for n in range(self.count):
            h = self._h_own[n] * decay + shock * gauss(0.0, 1.0)
            self._h_own[n] = h
            factor = math.exp(self._h_market + h - normalizer)
            self.volatility_factor[n] = factor
            z = mw * z_market + sw * z_sectors[self._sector_of[n]] + ow * gauss(0.0, 1.0)
            step = self._base_vol[n] * factor * sqrt_dt * z + market_jump
            if rng.random() < jump_chance:
                step += gauss(0.0, config.jump_size)
            step += self._pending_impact[n]
            self._pending_impact[n] = 0.0
            x = min(self._high[n], max(self._low[n], self._log_values[n] + step))
            self._log_values[n] = x
            self.values[n] = math.exp(x)

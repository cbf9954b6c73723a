"""Configuration of the market simulator: one frozen object, everything has a default.

``order_rate`` is the one intensity knob: the expected number of taker orders (noise,
momentum, mean-reversion) per second across the whole market at average intraday activity.
Market makers requote as the fair value moves, so the total command rate is higher; it is
reported by the runners.
"""

from dataclasses import dataclass

SESSION_SECONDS = 22_500
"""09:15 to 15:30 IST."""


@dataclass(frozen=True, slots=True)
class MakerConfig:
    """One market-making firm; it quotes every instrument from one account."""

    inner_ticks: float = 0.5
    """Distance of the inner quotes from the (inventory-skewed) fair value, in ticks."""
    levels: int = 5
    level_notional_paise: int = 3_00_000_00
    """Size of the inner level in rupee value (Rs 3 lakh); deeper levels grow."""
    max_inventory_notional_paise: int = 60_00_000_00
    """The firm never holds more than this (Rs 60 lakh) long or short per instrument."""
    requote_ticks: int = 1
    """Quotes stay while the ideal inner quotes are at most this many ticks away."""
    min_quote_seconds: float = 0.0
    """Quotes live at least this long unless a fill changes the inventory (a message budget:
    without it the firm requotes every time the fair value crosses a tick)."""
    skew_ticks: float = 2.0
    """How far half the inventory limit shifts the quotes' centre, in ticks (a full one: 5x)."""


@dataclass(frozen=True, slots=True)
class SimConfig:
    seed: int = 2026
    order_rate: float = 100.0
    """Taker orders per second across the market (see the module docstring)."""
    step_seconds: float = 1.0
    """Simulated time between decisions (the deterministic runner's clock step)."""
    daily_volatility: float = 0.015
    """Standard deviation of a day's log return of the fair value."""
    market_weight: float = 0.5
    sector_weight: float = 0.3
    """Loadings of each return on the market and sector factors (the rest is its own)."""
    volatility_of_volatility: float = 0.5
    volatility_half_life_seconds: float = 900.0
    jumps_per_day: float = 2.0
    jump_size: float = 0.004
    """Standard deviation of a jump's log size."""
    market_jumps_per_day: float = 0.5
    impact_bp_per_lakh: float = 0.05
    """Permanent impact of aggressive flow on the fair value, bp per Rs 1 lakh traded."""
    u_shape: bool = True
    """Busier (and more volatile) at the open and the close than at midday."""
    session_seconds: int = SESSION_SECONDS
    market_order_share: float = 0.35
    noise_order_notional_paise: int = 50_000_00
    """Median value of a noise order (Rs 50,000)."""
    limit_ttl_minutes: int = 2
    momentum_share: float = 0.1
    mean_reversion_share: float = 0.1
    """Shares of ``order_rate`` that come from momentum and mean-reversion traders."""
    noise_accounts: int = 4
    makers: tuple[MakerConfig, ...] = (
        MakerConfig(),
        MakerConfig(inner_ticks=1.5, levels=4, skew_ticks=3.0),
    )
    band_margin: float = 0.2
    """The fair value stays inside the circuit band, this share of the band away from it."""

    def problems(self) -> list[str]:
        found: list[str] = []
        if not self.order_rate >= 0:
            found.append(f"order_rate {self.order_rate} must be zero or more")
        if not self.step_seconds > 0:
            found.append(f"step_seconds {self.step_seconds} must be positive")
        if not self.makers:
            found.append("at least one market maker is needed")
        if self.limit_ttl_minutes < 1:
            found.append(f"limit_ttl_minutes {self.limit_ttl_minutes} must be at least 1")
        if self.noise_accounts < 1:
            found.append(f"noise_accounts {self.noise_accounts} must be at least 1")
        return found

"""The intraday activity curve: busy at the open and the close, quiet at midday (a U shape).

``intraday_activity(t)`` multiplies order arrival rates and volatility; its average over the
session is 1, so ``SimConfig.order_rate`` stays the day's mean rate.
"""

from bourse.sim.config import SimConfig

U_FLOOR = 0.55
"""Activity at midday; the open and the close are at ``U_FLOOR + 3 * (1 - U_FLOOR)``."""


def intraday_activity(t_seconds: float, config: SimConfig) -> float:
    """Activity at ``t_seconds`` into the session (wrapping around after the close)."""
    x = (t_seconds % config.session_seconds) / config.session_seconds
    # mean of (2x - 1)^2 over [0, 1] is 1/3, so the mean of this curve is 1
    return U_FLOOR + 3.0 * (1.0 - U_FLOOR) * (2.0 * x - 1.0) ** 2

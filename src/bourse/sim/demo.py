"""The living demo market of `bourse run`: the universe, the demo user, the simulator.

`demo_universe` reads the universe first (the shipped master, or ``BOURSE_INSTRUMENTS_CSV``), so
a bad CSV stops `bourse run` before anything starts; `open_demo_market` is the platform hook:
it seeds and starts the live simulator, whose `stop` joins the platform's shutdown.
"""

from bourse.app import Platform
from bourse.settings import SimulatorSettings
from bourse.sim.config import MakerConfig, SimConfig
from bourse.sim.instrument_csv import ListedEquity
from bourse.sim.live import LiveSimulator
from bourse.sim.master import load_universe
from bourse.sim.seed import DemoCredentials, seed_demo

LIVE_DAILY_VOLATILITY = 0.008
"""A calm day (0.8 %). Market makers requote (cancel and place) as the fair value moves, so the
message rate, the journal and the in-memory order history grow with volatility."""
LIVE_MAKERS = (
    MakerConfig(min_quote_seconds=5.0),
    MakerConfig(inner_ticks=1.5, levels=4, skew_ticks=3.0, min_quote_seconds=5.0),
)
"""Quotes live at least 5 s unless filled: about 500-600 commands/s in all at 50 orders/s."""


def demo_universe(settings: SimulatorSettings) -> list[ListedEquity]:
    """Raises `InstrumentCsvError` (naming every bad row) for a bad CSV."""
    return load_universe(settings.instruments_csv or None)


def open_demo_market(
    platform: Platform, settings: SimulatorSettings, universe: list[ListedEquity]
) -> tuple[DemoCredentials, LiveSimulator | None]:
    credentials = seed_demo(platform, [e.instrument for e in universe])
    if not settings.enabled:
        return credentials, None
    config = SimConfig(
        seed=settings.seed,
        order_rate=settings.order_rate,
        u_shape=False,
        daily_volatility=LIVE_DAILY_VOLATILITY,
        makers=LIVE_MAKERS,
    )
    live = LiveSimulator(
        platform.trading,
        config,
        {e.instrument.tradingsymbol: e.sector for e in universe},
    )
    live.start()
    platform.on_close.append(live.stop)
    return credentials, live

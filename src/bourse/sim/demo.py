"""The living demo market of `bourse run`: the universe, the demo user, the simulator.

`demo_universe` reads the universe first (the shipped master, or ``BOURSE_INSTRUMENTS_CSV``), so
a bad CSV stops `bourse run` before anything starts; `open_demo_market` is the platform hook:
it seeds and starts the live simulator, whose `stop` joins the platform's shutdown.
"""

from bourse.app import Platform
from bourse.settings import SimulatorSettings
from bourse.sim.config import SimConfig
from bourse.sim.instrument_csv import ListedEquity
from bourse.sim.live import LiveSimulator
from bourse.sim.master import load_universe
from bourse.sim.seed import DemoCredentials, seed_demo

LIVE_DAILY_VOLATILITY = 0.008
"""A calm day: market makers requote (cancel and place) as the fair value moves, so the
journal grows with volatility; at 0.8 % a day the demo sends about 1,000-1,500 commands/s."""


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
    )
    live = LiveSimulator(
        platform.trading,
        config,
        {e.instrument.tradingsymbol: e.sector for e in universe},
    )
    live.start()
    platform.on_close.append(live.stop)
    return credentials, live

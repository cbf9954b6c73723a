"""Composition root: settings -> adapters -> services -> the ASGI application.

Nothing is built at import time. ``create_platform(settings)`` opens the database (running its
migrations), recovers the trading core from its journal, wires identity, read models and the
gateway, and returns a ``Platform`` whose ``app`` is the Starlette application; the app's
lifespan closes everything on shutdown. ``bourse run`` / ``bourse serve`` serve it with uvicorn.
"""

import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from starlette.applications import Starlette

from bourse.api import (
    api_key_routes,
    docs_routes,
    funds_routes,
    identity_routes,
    margin_routes,
    market_routes,
    marketdata_routes,
    order_routes,
    portfolio_routes,
    statement_routes,
    system_routes,
    web_routes,
)
from bourse.api.application import OperationSource, create_api
from bourse.api.auth import Authenticator
from bourse.api.gateway import Gateway
from bourse.app_projections import start_projections
from bourse.app_trading import TradingSide
from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.funds.service import FundsService
from bourse.gc_tuning import tune_gc_for_core
from bourse.identity.factory import build_identity_service
from bourse.identity.rate_limit import TokenBucketLimiter
from bourse.journal.group_commit import JournaledCore
from bourse.ledger.service import LedgerReader
from bourse.marketdata.candle_projection import CandleReader
from bourse.marketdata.indices import IndexDefinition
from bourse.readmodel.feed import ReadModels
from bourse.schedule import DailyScheduler, end_of_day_jobs
from bourse.settings import Settings
from bourse.store.engine import create_store_engine
from bourse.store.migrate import upgrade_engine

logger = logging.getLogger(__name__)

ROUTE_SOURCES: list[OperationSource] = [
    # Starlette tries routes in order: the order path, the busiest, comes first.
    order_routes.operations,
    portfolio_routes.operations,
    marketdata_routes.operations,  # before market_routes: /instruments/{token}/candles
    market_routes.operations,
    system_routes.operations,
    identity_routes.operations,
    api_key_routes.operations,
    docs_routes.operations,
    funds_routes.operations,
    statement_routes.operations,
    margin_routes.operations,
    # route modules register here (one line each)
    web_routes.operations,  # last: the web terminal's catch-all (never matches /api/...)
]

Hook = Callable[["Platform"], None]


@dataclass
class Platform:
    settings: Settings
    engine: Engine
    trading: JournaledCore[TradingCore]
    gateway: Gateway
    trading_side: TradingSide = field(default_factory=TradingSide)
    app: Starlette = field(init=False)
    on_close: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.on_close):
            try:
                close()
            except Exception:
                logger.exception("closing %r failed", close)
        self.on_close.clear()


THREAD_SWITCH_INTERVAL_S = 0.001
"""How long a thread may hold the GIL while another waits for it (Python's default: 5 ms)."""


def tune_thread_switching() -> None:
    """The platform's threads (the event loop, the core, the journal writer, the projections,
    the simulator) share the GIL. With the default 5 ms switch interval, a request ready on the
    event loop waits up to 5 ms at each hand-over behind a busy thread; with the simulator
    trading at 5,000+ orders/s that put a person's order at p99 82 ms; 1 ms gave 24 to 33 ms
    (bench/sim_load.py), and 0.5 ms cost the order path throughput in switches."""
    sys.setswitchinterval(THREAD_SWITCH_INTERVAL_S)


def create_platform(
    settings: Settings,
    *,
    core_config: CoreConfig | None = None,
    hooks: list[Hook] | None = None,
    index_definitions: Sequence[IndexDefinition] = (),
) -> Platform:
    """Open every adapter and wire the services. ``hooks`` run last (seeding, simulators);
    ``index_definitions`` are the indices market data computes from their constituents."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(settings.database_url)
    try:
        upgrade_engine(engine)
        identity = build_identity_service(settings, engine)
        models = ReadModels(index_definitions, finished_orders_kept=settings.order_history_kept)
        trading_side = TradingSide(models=models)
        trading = trading_side.open_journal(settings.data_dir / "journal", core_config)
    except BaseException:
        engine.dispose()
        raise
    projections = start_projections(
        engine, settings.database_url, settings.data_dir / "journal", trading, settings.projections
    )
    limits = settings.rate_limits
    gateway = Gateway(
        settings=settings,
        identity=identity,
        auth=Authenticator(identity),
        trading=trading,
        user_limiter=TokenBucketLimiter(
            capacity=limits.user_burst, refill_per_second=limits.user_requests_per_second
        ),
        ip_limiter=TokenBucketLimiter(
            capacity=limits.ip_burst, refill_per_second=limits.ip_requests_per_second
        ),
    )
    progress = projections.progress
    gateway.services[statement_routes.STATEMENTS_SERVICE] = LedgerReader(engine, progress)
    gateway.services[marketdata_routes.CANDLE_SERVICE] = CandleReader(engine, progress)
    if settings.payments_enabled:
        gateway.services[funds_routes.FUNDS_SERVICE] = FundsService(
            engine, trading, progress, settings.payment_webhook_secret
        )
    platform = Platform(
        settings=settings,
        engine=engine,
        trading=trading,
        gateway=gateway,
        trading_side=trading_side,
    )
    stream_routes = trading_side.install(gateway)
    daily = DailyScheduler(
        trading, end_of_day_jobs(settings.mis_square_off_at, settings.settlement_at)
    )
    # Closed in reverse: the scheduler, the core, then the projections drain what it
    # published, then SQL.
    platform.on_close.extend([engine.dispose, projections.close, trading.close, daily.close])
    tune_gc_for_core()
    tune_thread_switching()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        trading_side.start()
        try:
            yield
        finally:
            await trading_side.stop()
            platform.close()

    platform.app = create_api(gateway, ROUTE_SOURCES, extra_routes=stream_routes, lifespan=lifespan)
    for hook in hooks or ():
        hook(platform)
    return platform


def create_app(settings: Settings) -> Starlette:
    return create_platform(settings).app

"""Composition of the trading side, called by ``bourse.app``: the journal with its read models,
the trading services on the gateway, the WebSocket stream and their lifecycle.

Startup order: replay the journal's events into fresh read models (read-only), then open the
journaled core with the event feed as its durable listener, so the projections continue
exactly where the replay stopped. While the server runs, the feed applies batches on its
event loop; before and after, in the publishing thread.
"""

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from starlette.routing import BaseRoute

from bourse.api.gateway import Gateway
from bourse.api.stream_hub import StreamHub
from bourse.api.stream_routes import stream_route
from bourse.api.trading_services import TradingServices, install
from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.journal.group_commit import JournaledCore
from bourse.readmodel.feed import EventFeed, ReadModels
from bourse.readmodel.replay import replay_into


@dataclass
class TradingSide:
    models: ReadModels = field(default_factory=ReadModels)
    feed: EventFeed = field(init=False)
    hub: StreamHub | None = None
    services: TradingServices | None = None

    def __post_init__(self) -> None:
        self.feed = EventFeed(self.models.apply)

    def open_journal(
        self, directory: Path, core_config: CoreConfig | None
    ) -> JournaledCore[TradingCore]:
        replayed = replay_into(directory, self.models.apply)
        trading = JournaledCore.open(directory, core_config, on_durable=[self.feed.publish])
        if trading.durable_seq != replayed:
            trading.close()
            raise RuntimeError(
                f"the read models replayed {replayed} commands but the journal recovered "
                f"{trading.durable_seq}"
            )
        return trading

    def install(self, gateway: Gateway) -> list[BaseRoute]:
        """Put the trading services on ``gateway``; return the extra (WebSocket) routes."""
        self.services = install(gateway, self.models)
        stream = gateway.settings.stream
        self.hub = StreamHub(
            self.models,
            flush_interval=stream.flush_interval_ms / 1000,
            max_subscriptions=stream.max_subscriptions,
            max_tick_backlog=stream.max_tick_backlog_flushes,
            heartbeat_interval=stream.heartbeat_interval_ms / 1000,
        )
        return [stream_route(gateway, self.hub, max_order_backlog=stream.max_order_backlog)]

    def start(self) -> None:
        """On the serving loop, before the first request."""
        self.feed.attach(asyncio.get_running_loop())
        if self.hub is not None:
            self.hub.start()

    async def stop(self) -> None:
        """On the serving loop, after the last request."""
        if self.hub is not None:
            await self.hub.stop()
        self.feed.detach()

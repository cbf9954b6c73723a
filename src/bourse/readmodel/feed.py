"""From the journal's writer thread to the event loop: durable events, applied in order.

``EventFeed.publish`` is a ``JournaledCore`` durable listener. While a loop is attached (the
server is up) it queues each batch and wakes the loop with ``call_soon_threadsafe``, so the
projections are only touched on the loop thread; before attachment (startup, seeding hooks)
and after detachment (shutdown) nothing else reads them, and batches are applied at once in
the calling thread.

Read-your-writes: the writer thread calls listeners before it resolves the batch's futures,
and both reach the loop through its FIFO ready queue, so by the time ``await
trading.execute(...)`` returns, the projections already hold that command's events.
"""

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence

from bourse.domain.events import Event
from bourse.domain.types import InstrumentToken
from bourse.marketdata.indices import IndexDefinition
from bourse.marketdata.market import MarketData
from bourse.readmodel.orders import DEFAULT_FINISHED_KEPT, OrderHistory
from bourse.readmodel.views import OrderView

logger = logging.getLogger(__name__)

Watcher = Callable[[list[OrderView], set[InstrumentToken]], None]
"""Told, on the loop thread, which order states and instruments each batch changed."""


class ReadModels:
    """The projections fed from the event stream, and who watches them change."""

    def __init__(
        self,
        index_definitions: Sequence[IndexDefinition] = (),
        *,
        finished_orders_kept: int = DEFAULT_FINISHED_KEPT,
    ) -> None:
        self.orders = OrderHistory(finished_orders_kept)
        self.market = MarketData(index_definitions)
        self._watchers: tuple[Watcher, ...] = ()

    def apply(self, events: list[Event]) -> None:
        changed_orders = self.orders.apply(events)
        changed_tokens = self.market.apply(events)
        for watcher in self._watchers:
            try:
                watcher(changed_orders, changed_tokens)
            except Exception:
                logger.exception("read-model watcher %r failed", watcher)

    def watch(self, watcher: Watcher) -> None:
        self._watchers = (*self._watchers, watcher)

    def unwatch(self, watcher: Watcher) -> None:
        self._watchers = tuple(w for w in self._watchers if w is not watcher)


class EventFeed:
    """Delivers durable event batches to ``deliver`` in order, on the attached loop."""

    def __init__(self, deliver: Callable[[list[Event]], None]) -> None:
        self._deliver = deliver
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[list[Event]] = []

    def publish(self, events: list[Event]) -> None:
        """The durable listener: called from the journal's writer thread."""
        with self._lock:
            loop = self._loop
            if loop is None:
                self._apply(events)
                return
            wake = not self._pending
            self._pending.append(events)
        if wake:
            loop.call_soon_threadsafe(self._drain)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._loop = loop

    def detach(self) -> None:
        """Apply what is queued and go back to applying in the publishing thread. Call it on
        the loop thread (the lifespan's shutdown)."""
        with self._lock:
            self._loop = None
            batches, self._pending = self._pending, []
            for events in batches:
                self._apply(events)

    def _drain(self) -> None:
        with self._lock:
            batches, self._pending = self._pending, []
        for events in batches:
            self._apply(events)

    def _apply(self, events: list[Event]) -> None:
        try:
            self._deliver(events)
        except Exception:
            logger.exception(
                "applying events %d..%d to the read models failed", events[0].seq, events[-1].seq
            )

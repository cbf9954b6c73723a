"""Fan-out of the stream: each user's order updates to that user's connections only, ticks of
subscribed instruments, market status announcements and heartbeats.

The hub watches the read models (on the loop thread, right after each durable batch is
applied). An order update is encoded once and queued on the owner's connections, looked up by
account, so no other user's connection can ever see it. Every change of an instrument's market
data drops its encoded ticks and marks it dirty. A flusher, at most once per ``flush_interval``
seconds while anything changed, adds each dirty instrument to the ``due`` set of its
subscribers, then goes over the connections with something due in slices of ``FLUSH_SLICE``,
yielding to the loop between slices so order entry is never held up by a long flush. (Marking
before every slice instead would reach a mid-flush change sooner, but while a flush lasts
longer than the interval it marks the same instrument's subscribers several times over:
measured, a quarter of the CPU.) It sends each connection the current tick of its due
instruments: each (instrument, mode) is encoded once per change — quotes and depth come from
the market-data projection, no trip to the core — and the same bytes serve every subscriber. A
connection whose socket takes a frame at once gets its ticks written right there
(`StreamConnection.try_send_ticks`); any other is woken and its sender task takes them when the
socket is free. Conflation is therefore free: a connection that is behind simply gets the
latest state later, and its due set never outgrows its subscription list. Ticks are encoded
when a connection's turn comes, not when the flush starts, so what is written is current. A
connection whose ticks have waited untaken for ``max_tick_backlog`` flushes is closed (1013).
Every ``heartbeat_interval`` seconds a connection that was sent nothing meanwhile gets
``{"type":"heartbeat"}``.

Status announcements (halt, resume, a trade at a circuit limit) go to the instrument's
subscribers; market-wide ones (cancel-only on or off) to every connection.

This module and ``stream_connection`` are compiled with mypyc (the Makefile's
``NATIVE_MODULES``): their loops run for every connection on every flush.
"""

import asyncio
import logging
from collections.abc import Iterable, Iterator

from bourse.api.envelope import encode
from bourse.api.market_schemas import tick
from bourse.api.order_schemas import OrderUpdate, order_wire
from bourse.api.stream_connection import (
    CLOSE_GOING_AWAY,
    CLOSE_TRY_AGAIN_LATER,
    NOT_WAITING,
    StreamConnection,
)
from bourse.api.stream_messages import status_message
from bourse.domain.types import AccountId, InstrumentToken
from bourse.marketdata.market import MARKET_WIDE, Announcement
from bourse.readmodel.feed import ReadModels
from bourse.readmodel.views import OrderView

logger = logging.getLogger(__name__)

MODES = ("ltp", "quote", "full")
DEFAULT_MODE = "quote"
FULL_DEPTH_LEVELS = 5
HEARTBEAT = b'{"type":"heartbeat"}'
FLUSH_SLICE = 512
"""Connections served between two yields to the event loop during a flush."""


class StreamHub:
    def __init__(
        self,
        models: ReadModels,
        *,
        flush_interval: float = 0.05,
        max_subscriptions: int = 3000,
        max_tick_backlog: int = 100,
        heartbeat_interval: float = 1.0,
    ) -> None:
        self._models = models
        self._interval = flush_interval
        self.max_subscriptions = max_subscriptions
        self.max_tick_backlog = max_tick_backlog
        self._heartbeat_interval = heartbeat_interval
        self._by_account: dict[AccountId, set[StreamConnection]] = {}
        self._connections: set[StreamConnection] = set()
        self._subscribers: dict[InstrumentToken, set[StreamConnection]] = {}
        self._dirty: set[InstrumentToken] = set()
        self._frames: dict[str, dict[InstrumentToken, bytes]] = {mode: {} for mode in MODES}
        """Per mode, the encoded current tick of instruments (dropped when one changes)."""
        self._wake: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.flushes = 0
        self.encoded = 0
        """Ticks encoded so far (one per dirty instrument and mode per flush)."""

    # --- lifecycle (on the loop) ---------------------------------------------------------------

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._models.market.take_announcements()  # what the replay found is old news
        self._models.watch(self._on_update)
        self._tasks = [
            asyncio.create_task(self._run_flusher(), name="bourse-stream-flusher"),
            asyncio.create_task(self._run_heartbeat(), name="bourse-stream-heartbeat"),
        ]

    async def stop(self) -> None:
        self._models.unwatch(self._on_update)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for connection in list(self.all_connections()):
            connection.close(CLOSE_GOING_AWAY, "server shutting down")

    @property
    def connections(self) -> int:
        return len(self._connections)

    def all_connections(self) -> Iterator[StreamConnection]:
        return iter(self._connections)

    def register(self, connection: StreamConnection) -> None:
        self._by_account.setdefault(connection.account, set()).add(connection)
        self._connections.add(connection)
        connection.tick_source = self.pull

    def unregister(self, connection: StreamConnection) -> None:
        self._connections.discard(connection)
        owned = self._by_account.get(connection.account)
        if owned is not None:
            owned.discard(connection)
            if not owned:
                del self._by_account[connection.account]
        self.unsubscribe(connection, list(connection.modes))
        connection.tick_source = None

    # --- subscriptions -------------------------------------------------------------------------

    def subscribe(
        self, connection: StreamConnection, tokens: list[InstrumentToken], mode: str
    ) -> list[str]:
        """Subscribe (or change the mode of) ``tokens``; return problems to report."""
        problems: list[str] = []
        market = self._models.market
        unknown = [token for token in tokens if market.quote(token) is None]
        if unknown:
            shown = ", ".join(str(token) for token in unknown[:10])
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            problems.append(f"unknown instrument tokens {shown}{more}")
        for token in tokens:
            if token in unknown:
                continue
            if token not in connection.modes and len(connection.modes) >= self.max_subscriptions:
                problems.append(
                    f"at most {self.max_subscriptions} instruments per connection; "
                    f"{len(connection.modes)} subscribed, the rest of this request refused"
                )
                break
            connection.modes[token] = mode
            connection.due.add(token)  # its snapshot (in this mode)
            self._subscribers.setdefault(token, set()).add(connection)
        self._kick()
        return problems

    def unsubscribe(self, connection: StreamConnection, tokens: list[InstrumentToken]) -> None:
        for token in tokens:
            connection.modes.pop(token, None)
            connection.due.discard(token)
            subscribers = self._subscribers.get(token)
            if subscribers is not None:
                subscribers.discard(connection)
                if not subscribers:
                    del self._subscribers[token]
        connection.drop_ticks(tokens)

    # --- fan-out -------------------------------------------------------------------------------

    def _on_update(self, orders: list[OrderView], tokens: set[InstrumentToken]) -> None:
        by_account = self._by_account
        for view in orders:
            connections = by_account.get(view.account)
            if connections:
                message = encode(OrderUpdate(order_wire(view)))
                for connection in connections:
                    connection.push_order(message)
        if tokens:
            for frames in self._frames.values():
                for token in tokens:
                    frames.pop(token, None)
            self._dirty |= tokens
            self._kick()
        for announcement in self._models.market.take_announcements():
            self._announce(announcement)

    def _announce(self, announcement: Announcement) -> None:
        message = status_message(announcement)
        if announcement.instrument_token == MARKET_WIDE:
            targets: Iterable[StreamConnection] = list(self.all_connections())
        else:
            targets = self._subscribers.get(announcement.instrument_token, ())
        for connection in targets:
            connection.reply(message)

    def _kick(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _run_flusher(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            started = loop.time()
            try:
                await self._flush_in_slices()
            except Exception:
                logger.exception("flushing ticks failed")
            await asyncio.sleep(max(0.0, self._interval - (loop.time() - started)))

    async def _flush_in_slices(self) -> None:
        flush = self._begin_flush()
        connections = [connection for connection in self._connections if connection.due]
        serve = self._serve
        for start in range(0, len(connections), FLUSH_SLICE):
            if start:
                await asyncio.sleep(0)
            for connection in connections[start : start + FLUSH_SLICE]:
                serve(connection, flush)
        self._end_flush(flush)

    async def _run_heartbeat(self) -> None:
        seen: dict[StreamConnection, int] = {}
        while True:
            await asyncio.sleep(self._heartbeat_interval)
            now: dict[StreamConnection, int] = {}
            for connection in self.all_connections():
                if seen.get(connection) == connection.sent:
                    connection.reply(HEARTBEAT)
                now[connection] = connection.sent
            seen = now

    def flush(self) -> None:
        """Serve every connection its newer ticks now, in one go (the flusher yields between
        slices of connections)."""
        flush = self._begin_flush()
        for connection in [connection for connection in self._connections if connection.due]:
            self._serve(connection, flush)
        self._end_flush(flush)

    def _begin_flush(self) -> int:
        """Number the sweep and make every instrument changed since the last one due to its
        subscribers."""
        self.flushes += 1
        self._mark_dirty()
        return self.flushes

    def _mark_dirty(self) -> None:
        dirty, self._dirty = self._dirty, set()
        subscribers = self._subscribers
        for token in dirty:
            for connection in subscribers.get(token, ()):
                connection.due.add(token)

    def _end_flush(self, flush: int) -> None:
        if flush % 8 == 0:
            self._close_stalled(flush)

    @staticmethod
    def _serve(connection: StreamConnection, flush: int) -> None:
        if connection.due and not connection.try_send_ticks():
            connection.ticks_due(flush)

    def pull(self, connection: StreamConnection) -> list[bytes]:
        """The current encoded ticks of ``connection``'s due instruments (no longer due)."""
        modes, tables = connection.modes, self._frames
        found: list[bytes] = []
        for token in connection.due:
            mode = modes.get(token)
            if mode is None:
                continue
            frames = tables[mode]
            frame = frames.get(token)
            if frame is None:
                frame = frames[token] = self._encode(token, mode)
            found.append(frame)
        connection.due.clear()
        return found

    def _encode(self, token: InstrumentToken, mode: str) -> bytes:
        market = self._models.market
        quote = market.quote(token)
        assert quote is not None
        levels = FULL_DEPTH_LEVELS if mode == "full" else 0
        self.encoded += 1
        return encode(tick(mode, quote, market.depth(token, levels)))

    def _close_stalled(self, flush: int) -> None:
        limit = self.max_tick_backlog
        for connection in list(self.all_connections()):
            since = connection.ticks_waiting_since
            if since != NOT_WAITING and flush - since > limit:
                connection.close(
                    CLOSE_TRY_AGAIN_LATER,
                    f"too slow: ticks not taken for {flush - since} flushes (limit {limit})",
                )

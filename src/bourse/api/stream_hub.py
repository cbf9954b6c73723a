"""Fan-out of the stream: each user's order updates to that user's connections only, and
ticks of subscribed instruments (baseline; the full fan-out design comes with market data).

The hub watches the read models (on the loop thread, right after each durable batch is
applied). An order update is encoded once and queued on the owner's connections, looked up by
account, so no other user's connection can ever see it. Instruments whose market data changed
are marked dirty; a flusher task, at most once per ``flush_interval`` seconds, reads their depth
from the core in one ``trading.read``, encodes each (instrument, mode) tick once and offers it
to every subscriber, whose queue keeps only the latest tick per instrument.
"""

import asyncio
import logging

from bourse.api.envelope import encode
from bourse.api.market_schemas import tick
from bourse.api.order_schemas import OrderUpdate, order_wire
from bourse.api.stream_connection import CLOSE_GOING_AWAY, StreamConnection
from bourse.core.engine import TradingCore
from bourse.domain.types import AccountId, InstrumentToken
from bourse.journal.group_commit import JournaledCore
from bourse.readmodel.feed import ReadModels
from bourse.readmodel.portfolio import DepthSnapshot, read_depth
from bourse.readmodel.views import OrderView

logger = logging.getLogger(__name__)

MODES = ("ltp", "quote", "full")
DEFAULT_MODE = "quote"


class StreamHub:
    def __init__(
        self,
        trading: JournaledCore[TradingCore],
        models: ReadModels,
        *,
        flush_interval: float = 0.05,
        max_subscriptions: int = 3000,
    ) -> None:
        self._trading = trading
        self._models = models
        self._interval = flush_interval
        self.max_subscriptions = max_subscriptions
        self._by_account: dict[AccountId, set[StreamConnection]] = {}
        self._subscribers: dict[InstrumentToken, set[StreamConnection]] = {}
        self._dirty: set[InstrumentToken] = set()
        self._fresh: dict[StreamConnection, set[InstrumentToken]] = {}
        self._wake: asyncio.Event | None = None
        self._flusher: asyncio.Task[None] | None = None

    # --- lifecycle (on the loop) ---------------------------------------------------------------

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._flusher = asyncio.create_task(self._run_flusher(), name="bourse-stream-flusher")
        self._models.watch(self._on_update)

    async def stop(self) -> None:
        self._models.unwatch(self._on_update)
        if self._flusher is not None:
            self._flusher.cancel()
            await asyncio.gather(self._flusher, return_exceptions=True)
            self._flusher = None
        for connections in list(self._by_account.values()):
            for connection in list(connections):
                connection.close(CLOSE_GOING_AWAY, "server shutting down")

    @property
    def connections(self) -> int:
        return sum(len(connections) for connections in self._by_account.values())

    def register(self, connection: StreamConnection) -> None:
        self._by_account.setdefault(connection.account, set()).add(connection)

    def unregister(self, connection: StreamConnection) -> None:
        owned = self._by_account.get(connection.account)
        if owned is not None:
            owned.discard(connection)
            if not owned:
                del self._by_account[connection.account]
        self.unsubscribe(connection, list(connection.modes))
        self._fresh.pop(connection, None)

    # --- subscriptions -------------------------------------------------------------------------

    def subscribe(
        self, connection: StreamConnection, tokens: list[InstrumentToken], mode: str
    ) -> list[str]:
        """Subscribe (or change the mode of) ``tokens``; return problems to report."""
        problems: list[str] = []
        board = self._models.market
        for token in tokens:
            if board.quote(token) is None:
                problems.append(f"unknown instrument token {token}")
                continue
            if token not in connection.modes and len(connection.modes) >= self.max_subscriptions:
                problems.append(f"at most {self.max_subscriptions} instruments per connection")
                break
            connection.modes[token] = mode
            self._subscribers.setdefault(token, set()).add(connection)
            self._fresh.setdefault(connection, set()).add(token)
        self._kick()
        return problems

    def unsubscribe(self, connection: StreamConnection, tokens: list[InstrumentToken]) -> None:
        for token in tokens:
            connection.modes.pop(token, None)
            subscribers = self._subscribers.get(token)
            if subscribers is not None:
                subscribers.discard(connection)
                if not subscribers:
                    del self._subscribers[token]

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
            hot = tokens & self._subscribers.keys()
            if hot:
                self._dirty |= hot
                self._kick()

    def _kick(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _run_flusher(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._flush()
            except Exception:
                logger.exception("flushing ticks failed")
            await asyncio.sleep(self._interval)

    async def _flush(self) -> None:
        dirty, self._dirty = self._dirty, set()
        fresh, self._fresh = self._fresh, {}
        wanted = {token for token in dirty if token in self._subscribers}
        for tokens in fresh.values():
            wanted |= tokens
        if not wanted:
            return
        books = await self._trading.read(read_depth(wanted, 5))
        encoded: dict[tuple[InstrumentToken, str], bytes] = {}
        for token in dirty:
            for connection in list(self._subscribers.get(token, ())):
                self._offer(connection, token, books, encoded)
        for connection, tokens in fresh.items():
            for token in tokens:
                if token not in dirty:
                    self._offer(connection, token, books, encoded)

    def _offer(
        self,
        connection: StreamConnection,
        token: InstrumentToken,
        books: dict[InstrumentToken, DepthSnapshot],
        encoded: dict[tuple[InstrumentToken, str], bytes],
    ) -> None:
        mode = connection.modes.get(token)
        quote = self._models.market.quote(token)
        if mode is None or quote is None:
            return
        key = (token, mode)
        message = encoded.get(key)
        if message is None:
            message = encoded[key] = encode(tick(mode, quote, books.get(token)))
        connection.offer_tick(token, message)

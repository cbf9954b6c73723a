"""One WebSocket client of the stream: its subscriptions and its bounded outbound queues.

Three queues, all bounded, drained by one sender task in this order:

* replies (errors, acknowledgements, status announcements, heartbeats) — at most
  ``max_replies``; beyond that they are dropped;
* the owner's order updates — every one matters, so none is dropped: when more than
  ``max_order_backlog`` wait, the client is too slow and is disconnected (close code 1013,
  "try again later"); it reconnects and reads the order book over REST;
* ticks — conflated: the latest state per instrument wins. The hub does not queue ticks on
  the connection: it marks which instruments changed (a version per instrument) and wakes the
  connection; when its sender is free it *pulls* the current encoded tick of every subscribed
  instrument newer than what it last sent (``tick_source``). A busy or stuck connection
  therefore costs the hub one flag check per change, holds nothing but its subscription list,
  and never stalls anyone else. The hub notes the flush since which new ticks wait untaken
  (``ticks_waiting_since``); a client that has not taken them for ``max_tick_backlog`` flushes
  is closed with 1013 too. (``offer_tick`` pushes one tick directly, conflated the same way.)

Producers (the hub) only append and wake the sender; nothing they do awaits the network. A
close interrupts a send stuck on a client that does not read; the close frame follows once
the client reads again (or the socket is dropped after ``close_timeout`` seconds).
"""

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bourse.domain.types import AccountId, InstrumentToken

logger = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_TIMEOUT_SECONDS = 30.0
NOT_WAITING = -1


class MessageSocket(Protocol):
    """What the sender needs of a WebSocket (Starlette's satisfies it)."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class StreamConnection:
    def __init__(
        self,
        socket: MessageSocket,
        account: AccountId,
        *,
        max_order_backlog: int = 1000,
        max_replies: int = 100,
        close_timeout: float = CLOSE_TIMEOUT_SECONDS,
    ) -> None:
        self.socket = socket
        self.account = account
        self.modes: dict[InstrumentToken, str] = {}
        """Subscribed instruments and the mode of each (ltp, quote, full)."""
        self._max_orders = max_order_backlog
        self._max_replies = max_replies
        self._close_timeout = close_timeout
        self._replies: deque[bytes] = deque()
        self._orders: deque[bytes] = deque()
        self._ticks: dict[InstrumentToken, bytes] = {}
        self.ticks_waiting_since = NOT_WAITING
        """Number of the flush since which ticks wait untaken, or NOT_WAITING."""
        self.seen: dict[InstrumentToken, int] = {}
        """Per subscribed instrument, the version last sent (-1: its snapshot is due)."""
        self.tick_source: Callable[[StreamConnection], list[bytes]] | None = None
        """The hub's pull: encoded ticks newer than ``seen`` (and ``seen`` moved on)."""
        self.woken = False
        """The sender has been woken and has not yet found itself with nothing to send."""
        self.sent = 0
        """Messages sent so far (the hub's heartbeat looks for idle connections)."""
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._sending = False
        self.close_reason: tuple[int, str] | None = None

    @property
    def backlog(self) -> int:
        return len(self._orders)

    @property
    def pending_ticks(self) -> int:
        return len(self._ticks)

    def reply(self, message: bytes) -> None:
        if self.close_reason is None and len(self._replies) < self._max_replies:
            self._replies.append(message)
            self._wake.set()

    def push_order(self, message: bytes) -> None:
        if self.close_reason is not None:
            return
        if len(self._orders) >= self._max_orders:
            self.close(CLOSE_TRY_AGAIN_LATER, "too slow: order updates backlog exceeded")
            return
        self._orders.append(message)
        self._wake.set()

    def offer_tick(self, token: InstrumentToken, tick: bytes, flush: int = 0) -> None:
        if self.close_reason is None:
            ticks = self._ticks
            if not ticks:
                self.ticks_waiting_since = flush
                self._wake.set()
            ticks[token] = tick

    def ticks_due(self, flush: int) -> None:
        """The hub has newer ticks for this connection (since ``flush`` unless already due)."""
        if self.ticks_waiting_since == NOT_WAITING and self.close_reason is None:
            self.ticks_waiting_since = flush
            if not self.woken:
                self.woken = True
                self._wake.set()

    def drop_ticks(self, tokens: list[InstrumentToken]) -> None:
        """Forget pending ticks of instruments no longer subscribed."""
        ticks = self._ticks
        for token in tokens:
            ticks.pop(token, None)
        if not ticks:
            self.ticks_waiting_since = NOT_WAITING

    def close(self, code: int, reason: str) -> None:
        """Ask the sender to close the socket once it gets the chance (or at once, if idle)."""
        if self.close_reason is None:
            self.close_reason = (code, reason)
            self._replies.clear()
            self._orders.clear()
            self._ticks.clear()
            self.ticks_waiting_since = NOT_WAITING
            self._wake.set()
            if self._sending and self._sender is not None:
                # Stuck in a send to a client that does not read: stop waiting for it.
                self._sender.cancel()

    async def run_sender(self) -> None:
        """Send queued messages until closed; returns after sending the close frame."""
        self._sender = asyncio.current_task()
        try:
            await self._send_until_closed()
        except asyncio.CancelledError:
            if self.close_reason is None or self._sender is None:
                raise
            self._sender.uncancel()  # our own close() interrupted a stuck send
        assert self.close_reason is not None
        code, reason = self.close_reason
        try:
            await asyncio.wait_for(self.socket.close(code, reason), self._close_timeout)
        except Exception:  # already closed by the client, or too stuck to take the frame
            logger.debug("closing a stream connection failed", exc_info=True)

    async def _send_until_closed(self) -> None:
        while self.close_reason is None:
            await self._wake.wait()
            self._wake.clear()
            while self.close_reason is None:
                message = self.next_message()
                if message is None:
                    break
                self._sending = True
                try:
                    await self.socket.send_text(message.decode())
                finally:
                    self._sending = False
                self.sent += 1

    def next_message(self) -> bytes | None:
        """Take the next message to send (replies, then orders, then all pending ticks)."""
        if self._replies:
            return self._replies.popleft()
        if self._orders:
            return self._orders.popleft()
        self.ticks_waiting_since = NOT_WAITING
        pulled = self.tick_source(self) if self.tick_source is not None else []
        if self._ticks:
            ticks, self._ticks = self._ticks, {}
            pulled = [*ticks.values(), *pulled]
        if pulled:
            return b'{"type":"ticks","data":[' + b",".join(pulled) + b"]}"
        self.woken = False
        return None

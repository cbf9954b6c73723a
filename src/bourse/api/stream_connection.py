"""One WebSocket client of the stream: its subscriptions and its bounded outbound queues.

Three queues, all bounded, drained by one sender task in this order:

* replies (errors, acknowledgements, status announcements, heartbeats) — at most
  ``max_replies``; beyond that they are dropped;
* the owner's order updates — every one matters, so none is dropped: when more than
  ``max_order_backlog`` wait, the client is too slow and is disconnected (close code 1013,
  "try again later"); it reconnects and reads the order book over REST;
* ticks — conflated: the latest state per instrument wins. The hub does not queue ticks on
  the connection: it adds the instruments that changed to the connection's ``due`` set and
  wakes it; when its sender is free it *pulls* the current encoded tick of each due instrument
  (``tick_source``). A busy or stuck connection therefore costs the hub one set insertion per
  change, holds at most its subscription list, and never stalls anyone else. The hub notes
  the flush since which new ticks wait untaken (``ticks_waiting_since``); a client that has
  not taken them for ``max_tick_backlog`` flushes is closed with 1013 too. (``offer_tick``
  pushes one tick directly, conflated the same way.)

Producers (the hub) only append and wake the sender; nothing they do awaits the network. A
close interrupts a send stuck on a client that does not read; the close frame follows once
the client reads again (or the socket is dropped after ``close_timeout`` seconds).

Where the server offers a `FrameWriter` (see ``ws_frames``), frames that the socket can take at
once are written synchronously instead of through an awaited send, and the hub's flush writes
a connection's ticks itself (`try_send_ticks`) when nothing else is queued: no task switch per
connection per flush. The sender task remains for whatever has to wait for the socket.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bourse.api.text_frames import joined_text_frame, text_frame
from bourse.domain.types import AccountId, InstrumentToken

logger = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_TIMEOUT_SECONDS = 30.0
NOT_WAITING = -1
TICKS_OPEN = b'{"type":"ticks","data":['
TICKS_CLOSE = b"]}"


class MessageSocket(Protocol):
    """What the sender needs of a WebSocket (Starlette's satisfies it)."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class FrameWriter(Protocol):
    """A synchronous way to send a frame, when the socket can take it right now."""

    def can_write(self) -> bool: ...

    def write_frame(self, frame: bytes) -> None:
        """Write a complete WebSocket frame (see ``bourse.api.text_frames``)."""


class StreamConnection:
    def __init__(
        self,
        socket: MessageSocket,
        account: AccountId,
        *,
        frames: FrameWriter | None = None,
        max_order_backlog: int = 1000,
        max_replies: int = 100,
        close_timeout: float = CLOSE_TIMEOUT_SECONDS,
    ) -> None:
        self.socket = socket
        self.frames = frames
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
        self.due: set[InstrumentToken] = set()
        """Subscribed instruments whose current tick this connection has not been sent yet."""
        self.tick_source: Callable[[StreamConnection], list[bytes]] | None = None
        """The hub's pull: the encoded current ticks of the ``due`` instruments (emptied)."""
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
        # A method, not the attribute: mypyc would keep a narrowed type across the awaits.
        while self.is_open():
            await self._wake.wait()
            self._wake.clear()
            while self.is_open():
                message = self.next_message()
                if message is None:
                    break
                frames = self.frames
                if frames is not None and frames.can_write():
                    frames.write_frame(text_frame(message))
                else:
                    self._sending = True
                    try:
                        await self.socket.send_text(message.decode())
                    finally:
                        self._sending = False
                self.sent += 1

    def is_open(self) -> bool:
        return self.close_reason is None

    def try_send_ticks(self) -> bool:
        """Write the pending ticks now, if the socket takes a frame at once and nothing else
        waits to be sent; False when the sender task has to take them instead."""
        frames = self.frames
        if (
            frames is None
            or self._sending
            or self._replies
            or self._orders
            or self.close_reason is not None
            or not frames.can_write()
        ):
            return False
        ticks = self._pull_ticks()
        if ticks:
            frames.write_frame(joined_text_frame(TICKS_OPEN, ticks, TICKS_CLOSE))
            self.sent += 1
        return True

    def next_message(self) -> bytes | None:
        """Take the next message to send (replies, then orders, then all pending ticks)."""
        if self._replies:
            return self._replies.popleft()
        if self._orders:
            return self._orders.popleft()
        message = self._take_ticks()
        if message is None:
            self.woken = False
        return message

    def _take_ticks(self) -> bytes | None:
        """All pending ticks in one message, or None."""
        ticks = self._pull_ticks()
        if ticks:
            return b"".join((TICKS_OPEN, b",".join(ticks), TICKS_CLOSE))
        return None

    def _pull_ticks(self) -> list[bytes]:
        """The pending encoded ticks: the hub's newer ones and any offered."""
        self.ticks_waiting_since = NOT_WAITING
        pulled = self.tick_source(self) if self.tick_source is not None else []
        if self._ticks:
            ticks, self._ticks = self._ticks, {}
            pulled = [*ticks.values(), *pulled]
        return pulled

"""The fan-out hub over a real core's events: one encoding shared by every subscriber, a client
that stops reading neither delays the others nor grows memory and is closed over its backlog,
status announcements and heartbeats."""

import asyncio
import json

from bourse.api.stream_connection import CLOSE_TRY_AGAIN_LATER, StreamConnection
from bourse.api.stream_hub import StreamHub
from bourse.domain import commands as cmd
from tests.unit.api.stream_fakes import FakeFrames, FakeSocket, FedModels, settle
from tests.unit.core.market import INFY, TCS


def ticks(sent: list[str]) -> list[dict[str, object]]:
    found = []
    for text in sent:
        message = json.loads(text)
        if message["type"] == "ticks":
            found.extend(message["data"])
    return found


def test_a_client_that_stops_reading_does_not_delay_others_and_is_closed() -> None:
    async def scenario() -> tuple[FakeSocket, FakeSocket, StreamConnection, StreamHub]:
        market = FedModels()
        hub = StreamHub(market.models, flush_interval=3600, max_tick_backlog=10)
        hub.start()
        fast_socket, slow_socket = FakeSocket(), FakeSocket()
        slow_socket.gate.clear()  # this client never reads
        fast = StreamConnection(fast_socket, account=7)
        slow = StreamConnection(slow_socket, account=8)
        senders = [asyncio.create_task(c.run_sender()) for c in (fast, slow)]
        for connection in (fast, slow):
            hub.register(connection)
            hub.subscribe(connection, [INFY], "full")
        hub.flush()
        await settle()
        for step in range(40):
            market.trade(1, 100_00 + 5 * step)
            hub.flush()
            await settle()
            assert slow.pending_ticks <= 1  # conflated: never more than one per instrument
            last = ticks(fast_socket.sent)[-1]
            assert last["last_price"] == 100 + 0.05 * step  # the fast one is never behind
        await hub.stop()
        slow_socket.gate.set()
        await asyncio.wait_for(asyncio.gather(*senders), 5)
        return fast_socket, slow_socket, slow, hub

    fast_socket, slow_socket, slow, hub = asyncio.run(scenario())

    assert len(ticks(fast_socket.sent)) == 41
    assert hub.encoded <= 41  # one encoding per flush, shared by both connections
    assert slow_socket.closed is not None
    assert slow_socket.closed[0] == CLOSE_TRY_AGAIN_LATER
    assert "too slow" in (slow_socket.closed[1] or "")
    assert slow.pending_ticks == 0


def test_ready_sockets_get_their_ticks_written_by_the_flush_itself() -> None:
    """With direct frame writers the flush writes the ticks (no sender task runs); a socket
    that cannot take a frame falls back to its sender, is not waited for, and is closed once
    its ticks have waited too long."""

    async def scenario() -> tuple[FakeSocket, FakeSocket, StreamHub]:
        market = FedModels()
        hub = StreamHub(market.models, flush_interval=3600, max_tick_backlog=10)
        hub.start()
        fast_socket, slow_socket = FakeSocket(), FakeSocket()
        slow_socket.gate.clear()  # its ASGI send would wait forever
        fast = StreamConnection(fast_socket, account=7, frames=FakeFrames(fast_socket))
        slow_frames = FakeFrames(slow_socket)
        slow = StreamConnection(slow_socket, account=8, frames=slow_frames)
        slow_sender = asyncio.create_task(slow.run_sender())
        for connection in (fast, slow):
            hub.register(connection)
            hub.subscribe(connection, [INFY, TCS], "quote")
        hub.flush()
        assert len(slow_socket.sent) == 1  # written directly while its socket took frames
        slow_frames.open = False
        for step in range(40):
            market.trade(1, 100_00 + 5 * step)
            hub.flush()  # no await: nothing but the flush itself sends to ``fast``
            last = ticks(fast_socket.sent)[-1]
            assert (last["instrument_token"], last["last_price"]) == (INFY, 100 + 0.05 * step)
            await settle()
        await asyncio.wait_for(slow_sender, 5)
        await hub.stop()
        return fast_socket, slow_socket, hub

    fast_socket, slow_socket, hub = asyncio.run(scenario())

    assert [len(ticks([text])) for text in fast_socket.sent] == [2] + [1] * 40
    assert hub.encoded <= 42  # INFY and TCS once, then INFY once per trade: shared by both
    assert slow_socket.closed is not None
    assert slow_socket.closed[0] == CLOSE_TRY_AGAIN_LATER
    assert len(slow_socket.sent) == 1


def statuses(connection: StreamConnection) -> list[tuple[int, str]]:
    found = []
    while (message := connection.next_message()) is not None:
        decoded = json.loads(message)
        if decoded["type"] == "status":
            found.append((decoded["data"]["instrument_token"], decoded["data"]["status"]))
    return found


def test_halts_reach_subscribers_and_market_wide_news_reaches_everyone() -> None:
    async def scenario() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        market = FedModels()
        hub = StreamHub(market.models, flush_interval=3600)
        hub.start()
        infy_watcher = StreamConnection(FakeSocket(), account=7)
        other = StreamConnection(FakeSocket(), account=8)
        for connection in (infy_watcher, other):
            hub.register(connection)
        hub.subscribe(infy_watcher, [INFY], "ltp")
        hub.subscribe(other, [TCS], "ltp")
        market.apply(cmd.HaltInstrument(token=INFY, reason="pending news"))
        market.apply(cmd.SetCancelOnly(enabled=True, reason="maintenance"))
        seen = statuses(infy_watcher), statuses(other)
        await hub.stop()
        return seen

    infy_seen, other_seen = asyncio.run(scenario())

    assert infy_seen == [(INFY, "halted"), (0, "cancel_only")]
    assert other_seen == [(0, "cancel_only")]


def test_an_idle_connection_gets_heartbeats() -> None:
    async def scenario() -> FakeSocket:
        market = FedModels()
        hub = StreamHub(market.models, flush_interval=3600, heartbeat_interval=0.001)
        hub.start()
        socket = FakeSocket()
        connection = StreamConnection(socket, account=7)
        hub.register(connection)
        sender = asyncio.create_task(connection.run_sender())
        while len(socket.sent) < 2:
            await asyncio.sleep(0.001)
        await hub.stop()
        await sender
        return socket

    socket = asyncio.run(scenario())

    assert socket.sent[:2] == ['{"type":"heartbeat"}'] * 2

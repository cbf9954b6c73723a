"""A stream connection's bounded queues: conflated ticks, a slow client disconnected."""

import asyncio
import json

from bourse.api.stream_connection import CLOSE_TRY_AGAIN_LATER, StreamConnection
from tests.unit.api.stream_fakes import FakeSocket, settle


def test_replies_then_order_updates_then_ticks_are_sent_in_that_order() -> None:
    async def scenario() -> FakeSocket:
        socket = FakeSocket()
        connection = StreamConnection(socket, account=1)
        sender = asyncio.create_task(connection.run_sender())
        connection.offer_tick(7, b'{"t":7}')
        connection.push_order(b'{"o":1}')
        connection.reply(b'{"r":1}')
        await settle()
        connection.close(1000, "bye")
        await sender
        return socket

    socket = asyncio.run(scenario())

    assert socket.sent == ['{"r":1}', '{"o":1}', '{"type":"ticks","data":[{"t":7}]}']
    assert socket.closed == (1000, "bye")


def test_ticks_for_one_instrument_are_conflated_to_the_latest() -> None:
    async def scenario() -> FakeSocket:
        socket = FakeSocket()
        socket.gate.clear()
        connection = StreamConnection(socket, account=1)
        sender = asyncio.create_task(connection.run_sender())
        connection.push_order(b"{}")  # the sender is now stuck sending this
        await settle()
        for price in range(100):
            connection.offer_tick(7, json.dumps({"token": 7, "price": price}).encode())
            connection.offer_tick(8, json.dumps({"token": 8, "price": price}).encode())
        socket.gate.set()
        await settle()
        connection.close(1000, "")
        await sender
        return socket

    socket = asyncio.run(scenario())

    ticks = json.loads(socket.sent[-1])["data"]
    assert ticks == [{"token": 7, "price": 99}, {"token": 8, "price": 99}]
    assert len(socket.sent) == 2


def test_a_client_that_does_not_read_its_order_updates_is_disconnected() -> None:
    async def scenario() -> tuple[FakeSocket, StreamConnection]:
        socket = FakeSocket()
        socket.gate.clear()  # never reads
        connection = StreamConnection(socket, account=1, max_order_backlog=5)
        sender = asyncio.create_task(connection.run_sender())
        for number in range(7):
            connection.push_order(b'{"o":%d}' % number)
            await settle()
        await asyncio.wait_for(sender, timeout=5)
        return socket, connection

    socket, connection = asyncio.run(scenario())

    assert socket.closed is not None
    assert socket.closed[0] == CLOSE_TRY_AGAIN_LATER
    assert connection.backlog == 0
    assert socket.sent == []


def test_nothing_is_queued_after_close() -> None:
    async def scenario() -> StreamConnection:
        connection = StreamConnection(FakeSocket(), account=1)
        connection.close(1008, "token expired")
        connection.push_order(b"{}")
        connection.offer_tick(1, b"{}")
        connection.reply(b"{}")
        await connection.run_sender()
        return connection

    connection = asyncio.run(scenario())

    assert connection.backlog == 0
    assert connection.close_reason == (1008, "token expired")

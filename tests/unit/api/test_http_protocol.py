"""CoalescingTransport: a response head leaves with its body in one write, nothing waits or is
lost."""

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from bourse.api.http_protocol import CoalescingTransport, is_final_head

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n"


class RecordingTransport(asyncio.Transport):
    """The real transport's side of the wrapper: what was written, and whether it closed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))
        self.events.append("write")

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True
        self.events.append("close")

    def write_eof(self) -> None:
        self.events.append("eof")

    def abort(self) -> None:
        self.closing = True
        self.events.append("abort")

    def get_write_buffer_size(self) -> int:
        return 7

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 5)}.get(name, default)


async def next_turn() -> None:
    await asyncio.sleep(0)


def in_a_loop(scenario: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    @functools.wraps(scenario)
    def test() -> None:
        asyncio.run(scenario())

    return test


def test_only_whole_final_heads_are_held() -> None:
    assert is_final_head(HEAD)
    assert is_final_head(memoryview(b"HTTP/1.1 404 Not Found\r\n\r\n"))
    assert not is_final_head(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert not is_final_head(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n")
    assert not is_final_head(b"body")
    assert not is_final_head(b"HTTP/1.1 ")
    assert not is_final_head(b'{"HTTP/1.1 200":1}\r\n\r\n')


@in_a_loop
async def test_a_head_leaves_with_its_body_at_once() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(HEAD)
    assert raw.writes == []
    assert transport.get_write_buffer_size() == 7 + len(HEAD)
    transport.write(memoryview(b"body"))
    assert raw.writes == [HEAD + b"body"]  # in the same turn: nothing waits for the loop
    await next_turn()
    assert raw.writes == [HEAD + b"body"]
    assert transport.get_write_buffer_size() == 7


@in_a_loop
async def test_other_writes_go_straight_through() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    transport.writelines([b"chunk ", b"two"])
    assert raw.writes == [b"HTTP/1.1 100 Continue\r\n\r\n", b"chunk two"]


@in_a_loop
async def test_a_head_without_a_body_leaves_when_the_turn_ends() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(HEAD)
    await next_turn()
    assert raw.writes == [HEAD]
    transport.write(b"later")
    assert raw.writes == [HEAD, b"later"]


@in_a_loop
async def test_close_and_half_close_send_the_held_head_first() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(HEAD)
    transport.write_eof()
    transport.write(HEAD)
    transport.close()
    await next_turn()
    assert raw.events == ["write", "eof", "write", "close"]
    assert raw.writes == [HEAD, HEAD]


@in_a_loop
async def test_abort_drops_and_a_closed_connection_gets_nothing() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(HEAD)
    transport.abort()
    await next_turn()
    assert raw.writes == []

    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(HEAD)
    raw.closing = True  # the peer went away before the turn ended
    await next_turn()
    assert raw.writes == []


@in_a_loop
async def test_everything_else_is_the_real_transport() -> None:
    raw = RecordingTransport()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    assert transport.get_extra_info("peername") == ("127.0.0.1", 5)
    assert transport.is_closing() is False
    with pytest.raises(AttributeError):
        transport.no_such_method  # noqa: B018

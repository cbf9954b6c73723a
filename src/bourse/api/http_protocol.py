"""uvicorn's httptools protocol, writing each response to the socket once instead of twice.

uvicorn writes a response's head (status line and headers) and its body with two
``transport.write`` calls, and uvloop sends each at once: two ``send`` system calls and, with
``TCP_NODELAY``, two TCP segments for every answer. On loopback the sender's CPU also does the
receiving side's TCP work; measured here, the second send costs ~3.4 µs of CPU per answer
(6.7 µs for one send of head and body together, 10.1 µs for two), about a twentieth of an order.

``CoalescingHttpToolsProtocol`` gives the HTTP protocol a `CoalescingTransport`, which holds a
final response head (``HTTP/1.1 <non-1xx status>`` up to its blank line) and sends it together
with the next write, the body, at once. A head that no write follows in the same turn of the
event loop (a HEAD answer, a streamed body still being produced) is sent on its own once the
turn ends, and before the transport closes. Everything else is written straight through, so
nothing waits on a later turn. A connection upgraded to a WebSocket gets the real transport
back: the stream writes frames itself (``bourse.api.ws_frames``).
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_HEAD_START = b"HTTP/1.1 "
_HEAD_END = b"\r\n\r\n"
_INTERIM = ord("1")
"""Status 1xx (``100 Continue``): the client waits for it before sending the body."""


def is_final_head(data: bytes | bytearray | memoryview) -> bool:
    """Whether ``data`` is exactly a whole non-interim response head, as uvicorn writes one."""
    return (
        len(data) > 13
        and data[:9] == _HEAD_START
        and data[9] != _INTERIM
        and data[-4:] == _HEAD_END
    )


class CoalescingTransport:
    """The real transport, except that a response head waits for its body (see the module).

    Only writing and closing are intercepted; everything else (flow control, reading, extra
    info) is the real transport's.
    """

    __slots__ = ("_held", "_loop", "raw")

    def __init__(self, raw: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.raw = raw
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self.raw.write(held + data)
        elif is_final_head(data):
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self.raw.write(data)

    def writelines(self, lines: Any) -> None:
        self.write(b"".join(lines))

    def flush(self) -> None:
        """Send a held head (dropped if the connection is already closing: nobody reads)."""
        held = self._held
        if held is None:
            return
        self._held = None
        if not self.raw.is_closing():
            self.raw.write(held)

    def close(self) -> None:
        self.flush()
        self.raw.close()

    def write_eof(self) -> None:
        self.flush()
        self.raw.write_eof()

    def abort(self) -> None:
        self._held = None
        self.raw.abort()

    def get_write_buffer_size(self) -> int:
        held = self._held
        return self.raw.get_write_buffer_size() + (0 if held is None else len(held))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """Pass as uvicorn's ``http`` option (``bourse.cli_platform.UVICORN_OPTIONS``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]

    def handle_websocket_upgrade(self) -> None:
        transport = self.transport
        if isinstance(transport, CoalescingTransport):
            transport.flush()
            self.transport = transport.raw
        super().handle_websocket_upgrade()

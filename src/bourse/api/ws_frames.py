"""uvicorn's sans-I/O WebSocket protocol, plus a synchronous text-frame writer for the stream.

The stream hub sends ticks to thousands of connections per flush. Through ASGI every send is an
awaited ``websocket.send`` (a task switch, the event dict, the sans-I/O library's frame object
and output buffer) wrapped around one ``transport.write``: about 15 µs a frame, three times the
write itself. This protocol puts itself into the connection's ASGI scope (extension
``DIRECT_FRAMES``) as a `FrameWriter`: ``can_write()`` says whether the socket takes a frame
right now, and ``write_text`` frames a message (server frames are unmasked: a 2, 4 or 10 byte
header) and writes it at once. It declines (``can_write()`` is false) while the transport's
write buffer is over its high-water mark, once a close was sent or received, after the peer
left, and whenever an extension (permessage-deflate) would have to transform the payload; the
caller then uses the ordinary ASGI send, which waits for the socket.

Writing beside the sans-I/O state machine is safe because that machine keeps no state about
outgoing data frames: only about closing, which ``can_write`` checks.
"""

import struct

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

DIRECT_FRAMES = "bourse.direct_frames"
"""The scope extension under which a connection's `FrameWriter` is found."""

_FIN_TEXT = 0x81
_SHORT = struct.Struct("!BB")
_MEDIUM = struct.Struct("!BBH")
_LONG = struct.Struct("!BBQ")


def text_frame_header(size: int) -> bytes:
    """The header of an unmasked, final text frame carrying ``size`` payload bytes."""
    if size < 126:
        return _SHORT.pack(_FIN_TEXT, size)
    if size < 65_536:
        return _MEDIUM.pack(_FIN_TEXT, 126, size)
    return _LONG.pack(_FIN_TEXT, 127, size)


class DirectFramesProtocol(WebSocketsSansIOProtocol):
    """Pass as uvicorn's ``ws`` option; other protocols simply offer no direct writer."""

    paused = False
    """The transport's write buffer is over its high-water mark (a plain flag: ``can_write``
    runs for every connection on every flush)."""

    def pause_writing(self) -> None:
        self.paused = True
        super().pause_writing()

    def resume_writing(self) -> None:
        self.paused = False
        super().resume_writing()

    def handle_connect(self, event: object) -> None:
        super().handle_connect(event)  # type: ignore[arg-type]
        scope = self.__dict__.get("scope")  # set only when the upgrade goes ahead (101)
        if scope is not None:
            scope["extensions"][DIRECT_FRAMES] = self

    def can_write(self) -> bool:
        return (
            not self.paused
            and self.handshake_complete
            and not self.close_sent
            and not self.disconnected
            and self.conn.state is State.OPEN
            and not self.conn.extensions
            and self.initial_response is None
        )

    def write_text(self, payload: bytes) -> None:
        """Write one text frame; only right after ``can_write()`` said yes."""
        self.transport.write(text_frame_header(len(payload)) + payload)

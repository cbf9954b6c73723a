"""uvicorn's sans-I/O WebSocket protocol, plus a synchronous text-frame writer for the stream.

The stream hub sends ticks to thousands of connections per flush. Through ASGI every send is an
awaited ``websocket.send`` (a task switch, the event dict, the sans-I/O library's frame object
and output buffer) wrapped around one ``transport.write``: about 15 µs a frame, three times the
write itself. This protocol puts itself into the connection's ASGI scope (extension
``DIRECT_FRAMES``) as a `FrameWriter`: ``can_write()`` says whether the socket takes a frame
right now, and ``write_frame`` writes a complete frame (built by ``bourse.api.text_frames``)
at once. It declines (``can_write()`` is false) while the transport's
write buffer is over its high-water mark, once a close was sent or received, after the peer
left, and whenever an extension (permessage-deflate) would have to transform the payload; the
caller then uses the ordinary ASGI send, which waits for the socket.

Writing beside the sans-I/O state machine is safe because that machine keeps no state about
outgoing data frames: only about closing, which ``can_write`` checks.
"""

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

DIRECT_FRAMES = "bourse.direct_frames"
"""The scope extension under which a connection's `FrameWriter` is found."""


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

    framing = False
    """The handshake completed plainly: no extension transforms payloads and no HTTP response
    replaced the upgrade (settled once, so ``can_write`` need not look again)."""

    def can_write(self) -> bool:
        # Cheapest first: this runs for every connection on every flush.
        if self.paused or self.close_sent or self.disconnected:
            return False
        if not self.framing:
            if not self.handshake_complete or self.initial_response is not None:
                return False
            if self.conn.extensions:
                return False
            self.framing = True
        return self.conn.state is State.OPEN

    def write_frame(self, frame: bytes) -> None:
        """Write one complete frame; only right after ``can_write()`` said yes."""
        self.transport.write(frame)

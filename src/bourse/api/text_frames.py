"""Server-to-client WebSocket text frames, built in one piece (compiled with mypyc).

Server frames are unmasked: a 2, 4 or 10 byte header, then the payload. The stream writes one
frame per connection per flush, so the frame is assembled with a single copy of the payload
(header and pieces joined at once) before the one write to the socket.
"""

import struct
from collections.abc import Sequence

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


def text_frame(payload: bytes) -> bytes:
    """One complete text frame carrying ``payload``."""
    return text_frame_header(len(payload)) + payload


def joined_text_frame(opening: bytes, items: Sequence[bytes], closing: bytes) -> bytes:
    """The text frame of ``opening + b",".join(items) + closing``, copying each piece once."""
    body = b",".join(items)
    size = len(opening) + len(body) + len(closing)
    return b"".join((text_frame_header(size), opening, body, closing))

"""Record framing for append-only journal files.

A log file starts with an 8-byte magic (format and version) and then holds records, each a
12-byte header followed by its payload::

    u32 LE  payload length
    u32 LE  CRC32 of the 4 length bytes
    u32 LE  CRC32 of the payload

The length has its own CRC so that a flipped bit in a length is reported as corruption rather
than mistaken for a record running past the end of the file (a torn tail).

Reading a file tells the two kinds of damage apart:

- torn tail: the file ends inside a header or a payload, or its final record (the one ending
  exactly at end of file) has a bad payload CRC, or a complete header with a bad CRC is the last
  thing in the file. A crash during an append leaves exactly this; the records were never
  acknowledged, and recovery cuts the file back to the end of the last good record.
- corruption: a bad header CRC or a bad payload CRC with more data after it. Something damaged
  records that were already durable; recovery refuses to start (`JournalCorruptError`).
"""

import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

LOG_MAGIC = b"BRSJLOG1"
"""First bytes of every command log file; the trailing digit is the format version."""

HEADER = struct.Struct("<III")
HEADER_SIZE = HEADER.size
_LENGTH = struct.Struct("<I")
MAX_PAYLOAD = (1 << 32) - 1


class JournalCorruptError(Exception):
    """Durable journal data is damaged; startup must stop and a person must look.

    The message names the file and the byte offset of the bad record.
    """

    def __init__(self, path: str, offset: int, reason: str) -> None:
        super().__init__(f"{path}: corrupt record at byte offset {offset}: {reason}")
        self.path = path
        self.offset = offset
        self.reason = reason


def frame(payload: bytes) -> bytes:
    """One record: header + payload."""
    length = len(payload)
    if length > MAX_PAYLOAD:
        raise ValueError(f"payload length {length} exceeds the maximum {MAX_PAYLOAD}")
    length_bytes = _LENGTH.pack(length)
    return HEADER.pack(length, zlib.crc32(length_bytes), zlib.crc32(payload)) + payload


def frame_all(payloads: Iterable[bytes]) -> bytes:
    """Several records, back to back, ready for one write."""
    return b"".join(frame(payload) for payload in payloads)


class FrameScanner:
    """Reads the records of a file from ``start`` up to ``size`` bytes, verifying every CRC.

    Iterating yields ``(offset, payload)`` and raises `JournalCorruptError` on corruption. When
    iteration ends, ``valid_end`` is the offset just past the last good record and ``torn`` says
    whether bytes after it (a torn tail) were left unread.
    """

    def __init__(self, file: BinaryIO, path: str, size: int, start: int = len(LOG_MAGIC)) -> None:
        self._file = file
        self._path = path
        self._size = size
        self._start = start
        self.valid_end = start
        self.torn = False

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        file, size = self._file, self._size
        offset = self._start
        file.seek(offset)
        while offset < size:
            header = file.read(HEADER_SIZE)
            if len(header) < HEADER_SIZE or offset + HEADER_SIZE > size:
                self.torn = True  # the file ends inside a header
                return
            length, length_crc, payload_crc = HEADER.unpack(header)
            if zlib.crc32(header[:4]) != length_crc:
                if offset + HEADER_SIZE == size or self._zeros_from(offset):
                    # A damaged header is the last thing written, or the file was extended
                    # with zeros whose data never landed (a power loss before the fsync).
                    self.torn = True
                    return
                raise JournalCorruptError(self._path, offset, "header CRC mismatch")
            end = offset + HEADER_SIZE + length
            if end > size:
                self.torn = True  # the file ends inside the payload
                return
            payload = file.read(length)
            if len(payload) < length:
                self.torn = True  # the file shrank under us (read-only scan of a live log)
                return
            if zlib.crc32(payload) != payload_crc:
                if end == size:
                    self.torn = True  # the final record was only partly written
                    return
                raise JournalCorruptError(self._path, offset, "payload CRC mismatch")
            self.valid_end = end
            yield offset, payload
            offset = end

    def _zeros_from(self, offset: int) -> bool:
        """Whether every byte from ``offset`` to the end of the scan is zero."""
        file = self._file
        resume = file.tell()
        file.seek(offset)
        remaining = self._size - offset
        try:
            while remaining > 0:
                chunk = file.read(min(remaining, 1 << 20))
                if not chunk or chunk.count(0) != len(chunk):
                    return False
                remaining -= len(chunk)
            return True
        finally:
            file.seek(resume)

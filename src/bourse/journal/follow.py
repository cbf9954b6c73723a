"""Following a command log from another process, up to what its writer has made durable.

The writer publishes the byte offset just past its last fsynced record in a ``DurableMark``:
a small file in the journal directory, mapped into memory by both processes, so publishing
after each batch is one store (no system call) and the reader polls it. A reader
(``JournalTail``) never goes past the mark, so it never sees a record being written, and never
one a power loss could still take back: whatever it hands on is in the journal for good.

    mark = DurableMark.create(directory, log.end_offset)      # writer, before the reader starts
    ... after each durable batch: mark.publish(log.end_offset)
    mark.close_log()                                           # no more records will come

    tail = JournalTail(directory)                              # reader
    for offset, record in tail.records(DurableMark.open(directory).offset): ...
"""

import mmap
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import msgspec

from bourse.journal.file_log import LOG_FILE_NAME
from bourse.journal.framing import LOG_MAGIC, FrameScanner, JournalCorruptError
from bourse.journal.records import JournalRecord, decode_record

MARK_FILE_NAME = "durable.mark"

# Native byte order and size: ``struct`` packs these with one 8-byte copy (its standard-size
# formats store byte by byte), so a reader polling the slot never sees half of a new value.
_SLOT = struct.Struct("q")
_OFFSET_AT = 0
_CLOSED_AT = _SLOT.size
_MARK_SIZE = 2 * _SLOT.size


class DurableMark:
    """The durable end of a command log, shared between its writer and its readers."""

    def __init__(self, path: Path, *, writable: bool) -> None:
        self.path = path
        with open(path, "r+b" if writable else "rb") as file:
            access = mmap.ACCESS_WRITE if writable else mmap.ACCESS_READ
            self._map = mmap.mmap(file.fileno(), _MARK_SIZE, access=access)

    @classmethod
    def create(cls, directory: Path, offset: int) -> "DurableMark":
        """The writer's mark, starting at ``offset`` (a mark left by an earlier run is reset:
        after a crash it may name bytes the recovery has cut)."""
        path = directory / MARK_FILE_NAME
        path.write_bytes(_SLOT.pack(offset) + _SLOT.pack(0))
        return cls(path, writable=True)

    @classmethod
    def open(cls, directory: Path) -> "DurableMark":
        """A reader's view of the writer's mark."""
        return cls(directory / MARK_FILE_NAME, writable=False)

    @property
    def offset(self) -> int:
        """Byte offset just past the last durable record."""
        return int(_SLOT.unpack_from(self._map, _OFFSET_AT)[0])

    @property
    def log_closed(self) -> bool:
        """Whether the writer has closed the log: ``offset`` is final."""
        return bool(_SLOT.unpack_from(self._map, _CLOSED_AT)[0])

    def publish(self, offset: int) -> None:
        _SLOT.pack_into(self._map, _OFFSET_AT, offset)

    def close_log(self) -> None:
        """Say that no record will follow (after the last ``publish``)."""
        _SLOT.pack_into(self._map, _CLOSED_AT, 1)

    def close(self) -> None:
        self._map.close()


class JournalTail:
    """Reads a live command log's records in order, from the first, never past a durable
    offset; ``offset`` is where the next record starts."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / LOG_FILE_NAME
        self._file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 — closed by close()
        if self._file.read(len(LOG_MAGIC)) != LOG_MAGIC:
            self._file.close()
            raise JournalCorruptError(str(self.path), 0, "not a Bourse command log (bad magic)")
        self.offset = len(LOG_MAGIC)

    def records(self, durable_end: int) -> Iterator[tuple[int, JournalRecord]]:
        """``(offset, record)`` for every record from ``offset`` up to ``durable_end``, which
        must be the end of a record the writer has made durable."""
        if durable_end <= self.offset:
            return
        size = os.fstat(self._file.fileno()).st_size
        if durable_end > size:
            raise JournalCorruptError(
                str(self.path), size, f"the durable end {durable_end} lies past the file's end"
            )
        scanner = FrameScanner(self._file, str(self.path), durable_end, self.offset)
        for offset, payload in scanner:
            try:
                record = decode_record(payload)
            except msgspec.DecodeError as exc:
                raise JournalCorruptError(
                    str(self.path), offset, f"undecodable record: {exc}"
                ) from None
            self.offset = scanner.valid_end
            yield offset, record
        if scanner.torn:
            # Durable bytes are complete records; anything else means the file was damaged.
            raise JournalCorruptError(
                str(self.path), scanner.valid_end, "a durable record is incomplete"
            )

    def close(self) -> None:
        self._file.close()

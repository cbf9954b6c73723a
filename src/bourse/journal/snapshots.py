"""Snapshots of the core's state, each covering the journal up to a command seq.

One file per snapshot, ``snapshot-<seq>.bin``::

    8 bytes  magic b"BRSSNAP1"
    u64 LE   seq (the last command the state includes)
    u64 LE   payload length
    u32 LE   CRC32 of seq, length and payload
    payload  the core's snapshot bytes

A snapshot is written to a temporary file, fsynced, renamed into place and the directory
fsynced, so a crash leaves either the whole new snapshot or none. Loading verifies magic, seq,
length and CRC and falls back to older snapshots when the newest is damaged; the newest
`KEEP` files are kept.
"""

import logging
import os
import queue
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

from bourse.journal.file_log import fsync_directory
from bourse.journal.forked_snapshot import EXIT_ABANDONED, EXIT_WRITTEN, ForkedSnapshot

logger = logging.getLogger(__name__)

SNAPSHOT_MAGIC = b"BRSSNAP1"
_FIELDS = struct.Struct("<QQ")
_CRC = struct.Struct("<I")
_HEADER_SIZE = len(SNAPSHOT_MAGIC) + _FIELDS.size + _CRC.size
_NAME = re.compile(r"snapshot-(\d{20})\.bin")
_TEMP_SUFFIX = ".tmp"
KEEP = 3


class SnapshotError(Exception):
    """A snapshot file does not verify."""


def encode_snapshot(seq: int, data: bytes) -> bytes:
    fields = _FIELDS.pack(seq, len(data))
    crc = zlib.crc32(data, zlib.crc32(fields))
    return SNAPSHOT_MAGIC + fields + _CRC.pack(crc) + data


def decode_snapshot(blob: bytes) -> tuple[int, bytes]:
    """(seq, payload) of a snapshot file's bytes; raises `SnapshotError` if it does not verify."""
    if len(blob) < _HEADER_SIZE:
        raise SnapshotError(f"{len(blob)} bytes is shorter than the {_HEADER_SIZE}-byte header")
    if not blob.startswith(SNAPSHOT_MAGIC):
        raise SnapshotError("bad magic")
    fields = blob[len(SNAPSHOT_MAGIC) : len(SNAPSHOT_MAGIC) + _FIELDS.size]
    seq, length = _FIELDS.unpack(fields)
    (crc,) = _CRC.unpack_from(blob, len(SNAPSHOT_MAGIC) + _FIELDS.size)
    data = blob[_HEADER_SIZE:]
    if len(data) != length:
        raise SnapshotError(f"payload is {len(data)} bytes, header says {length}")
    if zlib.crc32(data, zlib.crc32(fields)) != crc:
        raise SnapshotError("CRC mismatch")
    return seq, data


class SnapshotStore:
    """Snapshot files in one directory (created on first write)."""

    def __init__(self, directory: Path | str, *, keep: int = KEEP) -> None:
        if keep < 1:
            raise ValueError(f"keep {keep} must be at least 1")
        self.directory = Path(directory)
        self.keep = keep

    def path_for(self, seq: int) -> Path:
        return self.directory / f"snapshot-{seq:020d}.bin"

    def seqs(self) -> list[int]:
        """Seqs of the snapshot files present, oldest first (whether or not they verify)."""
        if not self.directory.is_dir():
            return []
        found = (_NAME.fullmatch(entry.name) for entry in self.directory.iterdir())
        return sorted(int(match.group(1)) for match in found if match)

    def write(self, seq: int, data: bytes) -> Path:
        """Write the snapshot covering commands up to ``seq`` atomically; prune old ones."""
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.path_for(seq)
        temp = final.with_name(final.name + _TEMP_SUFFIX)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(encode_snapshot(seq, data))
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, final)
        fsync_directory(self.directory)
        self._prune()
        return final

    def _prune(self) -> None:
        for seq in self.seqs()[: -self.keep]:
            self.path_for(seq).unlink(missing_ok=True)
        # Only this store writes here and its own write has finished, so any temporary file is
        # left over from a crash mid-write and never became a snapshot.
        for entry in self.directory.glob(f"snapshot-*.bin{_TEMP_SUFFIX}"):
            entry.unlink(missing_ok=True)
        fsync_directory(self.directory)

    def load(self, seq: int) -> bytes:
        """The payload of the snapshot at ``seq``; raises `SnapshotError` if it does not
        verify and `OSError` if it cannot be read."""
        stored_seq, data = decode_snapshot(self.path_for(seq).read_bytes())
        if stored_seq != seq:
            raise SnapshotError(f"the file holds seq {stored_seq}")
        return data

    def valid_newest_first(self) -> Iterator[tuple[int, bytes]]:
        """(seq, payload) of every snapshot that verifies, newest first; damaged ones are
        logged and skipped. Recovery walks this when a snapshot verifies but will not restore."""
        for seq in reversed(self.seqs()):
            try:
                data = self.load(seq)
            except (OSError, SnapshotError) as exc:
                logger.warning(
                    "snapshot %s is unusable (%s); trying an older one", self.path_for(seq), exc
                )
                continue
            yield seq, data

    def load_newest_valid(self) -> tuple[int, bytes] | None:
        """(seq, payload) of the newest snapshot that verifies, or None when there is none."""
        return next(self.valid_newest_first(), None)


class SnapshotWriter:
    """Writes snapshots to a store from a thread of its own, so no caller waits on the disk.

    One snapshot at a time: `reserve` claims the slot before a snapshot is captured (False while
    the previous one is still in flight), and the slot frees once it is written or `release`d.
    A failed write is logged; the journal alone is still complete.
    """

    def __init__(self, store: SnapshotStore) -> None:
        self.store = store
        self._queue: queue.SimpleQueue[tuple[int, bytes] | ForkedSnapshot | None] = (
            queue.SimpleQueue()
        )
        self._reserved = False
        self._thread = threading.Thread(target=self._run, name="bourse-snapshots", daemon=True)
        self._thread.start()

    def reserve(self) -> bool:
        if self._reserved:
            return False
        self._reserved = True
        return True

    def release(self) -> None:
        self._reserved = False

    def write(self, seq: int, data: bytes) -> None:
        """Queue a reserved snapshot for writing."""
        self._queue.put((seq, data))

    def adopt(self, child: ForkedSnapshot) -> None:
        """Wait (in this writer's thread) for a forked child writing a reserved snapshot."""
        self._queue.put(child)

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if isinstance(item, ForkedSnapshot):
                status = item.wait()
                if status not in (EXIT_WRITTEN, EXIT_ABANDONED):
                    logger.error("snapshot %d: the child exited with status %d", item.seq, status)
                self.release()
                continue
            seq, data = item
            try:
                self.store.write(seq, data)
            except Exception:
                logger.exception("writing snapshot %d failed", seq)
            finally:
                self.release()

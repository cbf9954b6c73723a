"""The command log as one append-only local file (embedded mode).

Opening the log verifies every record (framing CRCs and sequence continuity), cuts off a torn
tail left by a crash, and refuses to open a log damaged anywhere before its tail. Appends are
batched by the caller: one `write` and one `fsync` per batch, so a batch is durable as a whole
before `append` returns.
"""

import bisect
import fcntl
import logging
import os
from collections.abc import Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from types import TracebackType

import msgspec

from bourse.journal.batch import RecordBatch
from bourse.journal.framing import LOG_MAGIC, FrameScanner, JournalCorruptError
from bourse.journal.records import JournalRecord, decode_record, peek_seq_ts

logger = logging.getLogger(__name__)

LOG_FILE_NAME = "commands.log"
_INDEX_STRIDE = 1024
"""Every 1024th record's offset is kept in memory so reading from a seq needs no full scan."""


class JournalLockedError(RuntimeError):
    """Another process (or another open log in this one) is writing the same journal."""


class JournalFailedError(RuntimeError):
    """An earlier write or fsync failed; the file's durable state is unknown until reopened."""


def fsync_directory(directory: Path) -> None:
    """Make a file creation, rename or removal in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileCommandLog:
    """Append-only file of framed `JournalRecord`s, numbered 1, 2, 3, ... without gaps.

    Use `FileCommandLog.open`. A writable log holds an exclusive `flock` on its file for as long
    as it is open, so two writers can never interleave. A read-only log takes no lock and never
    changes the file: a torn tail is skipped, not cut.
    """

    def __init__(self, path: Path, fd: int, *, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._fd = fd
        self._end = len(LOG_MAGIC)
        self._last_seq = 0
        self._last_ts_ns = 0
        self._index_seqs: list[int] = []
        self._index_offsets: list[int] = []
        self._failure: BaseException | None = None
        self._closed = False

    # --- opening and recovery ------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path | str, *, read_only: bool = False) -> "FileCommandLog":
        """Open (creating if needed, unless ``read_only``) the log in ``directory``.

        Raises `JournalCorruptError` when the log is damaged before its tail, and
        `JournalLockedError` when another writer has it open.
        """
        directory = Path(directory)
        path = directory / LOG_FILE_NAME
        if read_only:
            fd = os.open(path, os.O_RDONLY)  # FileNotFoundError names the path
        else:
            directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        log = cls(path, fd, read_only=read_only)
        try:
            if not read_only:
                log._lock()
            log._load()
        except BaseException:
            os.close(fd)
            raise
        return log

    def _lock(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JournalLockedError(f"{self.path} is already open for writing") from None

    def _load(self) -> None:
        size = os.fstat(self._fd).st_size
        with open(self.path, "rb") as file:
            head = file.read(len(LOG_MAGIC))
            if len(head) < len(LOG_MAGIC) and LOG_MAGIC.startswith(head):
                # New file, or a crash while it was being created.
                if not self.read_only:
                    self._write_magic()
                return
            if head != LOG_MAGIC:
                raise JournalCorruptError(str(self.path), 0, "not a Bourse command log (bad magic)")
            scanner = FrameScanner(file, str(self.path), size)
            for offset, payload in scanner:
                self._check_next(offset, payload)
        self._end = scanner.valid_end
        if scanner.torn:
            if self.read_only:
                logger.info("%s: ignoring a torn tail at byte offset %d", self.path, self._end)
            else:
                logger.warning(
                    "%s: cutting a torn tail of %d bytes at byte offset %d",
                    self.path,
                    size - self._end,
                    self._end,
                )
                os.ftruncate(self._fd, self._end)
                os.fsync(self._fd)
        os.lseek(self._fd, self._end, os.SEEK_SET)

    def _write_magic(self) -> None:
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        self._write_all(LOG_MAGIC)
        os.fsync(self._fd)
        fsync_directory(self.path.parent)

    def _check_next(self, offset: int, payload: bytes) -> None:
        try:
            seq, ts_ns = peek_seq_ts(payload)
        except msgspec.DecodeError as exc:
            raise JournalCorruptError(
                str(self.path), offset, f"undecodable record: {exc}"
            ) from None
        if seq != self._last_seq + 1:
            raise JournalCorruptError(
                str(self.path),
                offset,
                f"sequence gap: expected seq {self._last_seq + 1}, got {seq}",
            )
        self._remember(seq, ts_ns, offset)

    def _remember(self, seq: int, ts_ns: int, offset: int) -> None:
        if seq % _INDEX_STRIDE == 1:
            self._index_seqs.append(seq)
            self._index_offsets.append(offset)
        self._last_seq = seq
        self._last_ts_ns = ts_ns

    # --- state ---------------------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """Seq of the last durable record; 0 for an empty log."""
        return self._last_seq

    @property
    def last_ts_ns(self) -> int:
        """Journal time of the last durable record; 0 for an empty log."""
        return self._last_ts_ns

    # --- writing -------------------------------------------------------------------------------

    def append(self, records: "RecordBatch | Sequence[bytes]") -> None:
        """Append records as one write, then fsync: a `RecordBatch`, or encoded records (see
        `encode_record`).

        Records must continue the sequence: the first is ``last_seq + 1``, each next one more.
        After a failed write or fsync every later call raises `JournalFailedError`: the page
        cache may have dropped the unwritten data, so only reopening tells what is durable.
        """
        if self._closed or self.read_only:
            raise JournalFailedError(f"{self.path} is {'closed' if self._closed else 'read-only'}")
        if self._failure is not None:
            raise JournalFailedError(f"{self.path}: an earlier write failed") from self._failure
        batch = records if isinstance(records, RecordBatch) else RecordBatch.from_encoded(records)
        count = len(batch)
        if not count:
            return
        first = self._last_seq + 1
        if batch.seqs != list(range(first, first + count)):
            index, seq = next((i, seq) for i, seq in enumerate(batch.seqs) if seq != first + i)
            raise ValueError(
                f"record seq {seq} does not continue the log at seq {self._last_seq + index}"
            )
        data, sizes = batch.framed()
        try:
            self._write_all(data)
            os.fsync(self._fd)
        except BaseException as exc:
            self._failure = exc
            raise
        # Index every _INDEX_STRIDE-th seq (those ≡ 1 modulo the stride), as _remember does.
        offsets = list(accumulate(sizes, initial=self._end))
        for index in range((1 - first) % _INDEX_STRIDE, count, _INDEX_STRIDE):
            self._index_seqs.append(first + index)
            self._index_offsets.append(offsets[index])
        self._last_seq = batch.seqs[-1]
        self._last_ts_ns = batch.ts_ns[-1]
        self._end = offsets[-1]

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    # --- reading -------------------------------------------------------------------------------

    @property
    def end_offset(self) -> int:
        """Byte offset just past the last durable record."""
        return self._end

    def scan_from(self, seq: int = 1) -> Iterator[tuple[int, JournalRecord]]:
        """``(offset, record)`` for records with seq >= ``seq``, in order, up to the end of the
        log as it is when iteration starts."""
        slot = bisect.bisect_right(self._index_seqs, seq) - 1
        start = self._index_offsets[slot] if slot >= 0 else len(LOG_MAGIC)
        end = self._end
        with open(self.path, "rb") as file:
            for offset, payload in FrameScanner(file, str(self.path), end, start):
                if peek_seq_ts(payload)[0] < seq:
                    continue
                try:
                    record = decode_record(payload)
                except msgspec.DecodeError as exc:
                    raise JournalCorruptError(
                        str(self.path), offset, f"undecodable record: {exc}"
                    ) from None
                yield offset, record

    def read_from(self, seq: int = 1) -> Iterator[JournalRecord]:
        """Records with seq >= ``seq``, in order, up to the end of the log as it is now."""
        for _, record in self.scan_from(seq):
            yield record

    # --- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            os.close(self._fd)  # also releases the flock

    def __enter__(self) -> "FileCommandLog":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

import errno
import os
from pathlib import Path

import pytest

from bourse.domain.commands import Deposit
from bourse.journal.file_log import (
    LOG_FILE_NAME,
    FileCommandLog,
    JournalFailedError,
    JournalLockedError,
)
from bourse.journal.framing import HEADER_SIZE, LOG_MAGIC, JournalCorruptError, frame_all
from bourse.journal.records import JournalRecord, encode_record


def record(seq: int) -> JournalRecord:
    return JournalRecord(seq, 1_000 + seq, Deposit(account=1, amount=seq, reference=f"r{seq}"))


def encoded(first: int, last: int) -> list[bytes]:
    return [encode_record(record(seq)) for seq in range(first, last + 1)]


def write_log(directory: Path, count: int, batch: int = 7) -> None:
    with FileCommandLog.open(directory) as log:
        for first in range(1, count + 1, batch):
            log.append(encoded(first, min(first + batch - 1, count)))


def record_offsets(count: int) -> list[int]:
    offsets, offset = [], len(LOG_MAGIC)
    for payload in encoded(1, count):
        offsets.append(offset)
        offset += HEADER_SIZE + len(payload)
    return offsets


def test_open_new_directory_creates_empty_log(tmp_path):
    with FileCommandLog.open(tmp_path / "journal") as log:
        assert (log.last_seq, log.last_ts_ns) == (0, 0)
        assert list(log.read_from(1)) == []

    assert (tmp_path / "journal" / LOG_FILE_NAME).read_bytes() == LOG_MAGIC


def test_appended_records_survive_reopen(tmp_path):
    write_log(tmp_path, 20)

    with FileCommandLog.open(tmp_path) as log:
        assert (log.last_seq, log.last_ts_ns) == (20, 1_020)
        assert list(log.read_from(1)) == [record(seq) for seq in range(1, 21)]
        assert list(log.read_from(15)) == [record(seq) for seq in range(15, 21)]
        assert list(log.read_from(21)) == []


def test_read_from_uses_index_across_many_records(tmp_path):
    write_log(tmp_path, 3_000, batch=500)

    with FileCommandLog.open(tmp_path) as log:
        assert [r.seq for r in log.read_from(2_049)] == list(range(2_049, 3_001))
        assert [r.seq for r in log.read_from(1_024)][:2] == [1_024, 1_025]


def test_append_is_one_write_and_one_fsync_per_batch(tmp_path, monkeypatch):
    log = FileCommandLog.open(tmp_path)
    calls: list[str] = []
    real_write, real_fsync = os.write, os.fsync
    monkeypatch.setattr(os, "write", lambda fd, data: calls.append("write") or real_write(fd, data))
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))

    log.append(encoded(1, 50))
    log.append(encoded(51, 60))
    monkeypatch.undo()
    log.close()

    assert calls == ["write", "fsync", "write", "fsync"]


def test_append_refuses_records_that_do_not_continue_the_sequence(tmp_path):
    with FileCommandLog.open(tmp_path) as log:
        log.append(encoded(1, 3))

        with pytest.raises(ValueError, match="seq 5 does not continue the log at seq 3"):
            log.append(encoded(5, 6))
        with pytest.raises(ValueError, match="seq 6 does not continue the log at seq 4"):
            log.append([*encoded(4, 4), *encoded(6, 6)])

        assert log.last_seq == 3


def test_second_writer_is_refused_but_a_reader_may_open(tmp_path):
    with FileCommandLog.open(tmp_path) as log:
        log.append(encoded(1, 2))

        with pytest.raises(JournalLockedError, match="already open for writing"):
            FileCommandLog.open(tmp_path)
        with FileCommandLog.open(tmp_path, read_only=True) as reader:
            assert reader.last_seq == 2


def test_failed_write_makes_the_log_refuse_further_appends(tmp_path, monkeypatch):
    log = FileCommandLog.open(tmp_path)

    def no_space(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", no_space)
    with pytest.raises(OSError, match="No space"):
        log.append(encoded(1, 1))
    monkeypatch.undo()

    with pytest.raises(JournalFailedError, match="an earlier write failed"):
        log.append(encoded(1, 1))
    log.close()


def test_torn_tail_at_every_byte_of_last_record_is_cut_and_earlier_records_kept(tmp_path):
    write_log(tmp_path / "source", 10)
    intact = (tmp_path / "source" / LOG_FILE_NAME).read_bytes()
    last_start = record_offsets(10)[-1]

    for cut in range(last_start, len(intact)):
        directory = tmp_path / f"cut-{cut}"
        directory.mkdir()
        (directory / LOG_FILE_NAME).write_bytes(intact[:cut])

        with FileCommandLog.open(directory) as log:
            assert log.last_seq == 9, cut
            assert list(log.read_from(1)) == [record(seq) for seq in range(1, 10)], cut
            log.append(encoded(10, 10))  # the log continues where the good records end

        assert (directory / LOG_FILE_NAME).read_bytes() == intact, cut


def test_torn_creation_of_the_file_is_repaired(tmp_path):
    (tmp_path / LOG_FILE_NAME).write_bytes(LOG_MAGIC[:3])

    with FileCommandLog.open(tmp_path) as log:
        assert log.last_seq == 0

    assert (tmp_path / LOG_FILE_NAME).read_bytes() == LOG_MAGIC


def test_flipped_bit_mid_log_refuses_to_open_naming_file_and_offset(tmp_path):
    write_log(tmp_path, 10)
    path = tmp_path / LOG_FILE_NAME
    data = bytearray(path.read_bytes())
    bad_offset = record_offsets(10)[4]
    data[bad_offset + HEADER_SIZE + 5] ^= 0x10  # inside record 5's payload
    path.write_bytes(bytes(data))

    with pytest.raises(JournalCorruptError) as caught:
        FileCommandLog.open(tmp_path)

    assert str(path) in str(caught.value)
    assert f"byte offset {bad_offset}" in str(caught.value)
    assert path.read_bytes() == bytes(data)  # nothing was cut


def test_read_only_open_leaves_a_torn_tail_in_place(tmp_path):
    write_log(tmp_path, 5)
    path = tmp_path / LOG_FILE_NAME
    torn = path.read_bytes()[:-3]
    path.write_bytes(torn)

    with FileCommandLog.open(tmp_path, read_only=True) as log:
        assert log.last_seq == 4
        with pytest.raises(JournalFailedError, match="read-only"):
            log.append(encoded(5, 5))

    assert path.read_bytes() == torn


def test_sequence_gap_in_file_is_corruption(tmp_path):
    payloads = [encode_record(record(seq)) for seq in (1, 2, 4, 5)]
    (tmp_path / LOG_FILE_NAME).write_bytes(LOG_MAGIC + frame_all(payloads))

    with pytest.raises(JournalCorruptError, match="sequence gap: expected seq 3, got 4"):
        FileCommandLog.open(tmp_path)


def test_file_that_is_not_a_log_is_refused(tmp_path):
    (tmp_path / LOG_FILE_NAME).write_bytes(b"PK\x03\x04 a zip file")

    with pytest.raises(JournalCorruptError, match="byte offset 0: not a Bourse command log"):
        FileCommandLog.open(tmp_path)

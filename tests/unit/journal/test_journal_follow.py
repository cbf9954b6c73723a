"""Reading a command log from another process: the durable mark and the tail behind it."""

from pathlib import Path

import pytest

from bourse.domain.commands import Deposit
from bourse.journal.file_log import LOG_FILE_NAME, FileCommandLog
from bourse.journal.follow import DurableMark, JournalTail
from bourse.journal.framing import JournalCorruptError
from bourse.journal.records import JournalRecord, encode_record


def append(log: FileCommandLog, first: int, last: int) -> int:
    log.append(
        [
            encode_record(JournalRecord(seq, 1_000 + seq, Deposit(account=1, amount=seq)))
            for seq in range(first, last + 1)
        ]
    )
    return log.end_offset


def test_mark_published_by_the_writer_is_seen_by_a_reader(tmp_path: Path) -> None:
    writer = DurableMark.create(tmp_path, 8)
    reader = DurableMark.open(tmp_path)
    assert (reader.offset, reader.log_closed) == (8, False)

    writer.publish(4_000_000_000_123)
    writer.close_log()

    assert (reader.offset, reader.log_closed) == (4_000_000_000_123, True)
    writer.close()
    reader.close()


def test_creating_a_mark_resets_the_one_an_earlier_run_left(tmp_path: Path) -> None:
    old = DurableMark.create(tmp_path, 500)
    old.close_log()
    old.close()

    mark = DurableMark.create(tmp_path, 100)

    assert (mark.offset, mark.log_closed) == (100, False)
    mark.close()


def test_tail_reads_each_record_once_up_to_the_durable_end(tmp_path: Path) -> None:
    with FileCommandLog.open(tmp_path) as log:
        first_end = append(log, 1, 3)
        tail = JournalTail(tmp_path)
        seen = [record.seq for _, record in tail.records(first_end)]
        second_end = append(log, 4, 9)
        seen += [record.seq for _, record in tail.records(first_end)]  # nothing new yet
        seen += [record.seq for _, record in tail.records(second_end)]
        tail.close()

    assert seen == list(range(1, 10))
    assert tail.offset == second_end


def test_tail_stops_where_the_reader_stops_and_resumes_there(tmp_path: Path) -> None:
    with FileCommandLog.open(tmp_path) as log:
        end = append(log, 1, 5)
    tail = JournalTail(tmp_path)

    for _, record in tail.records(end):
        if record.seq == 2:
            break
    rest = [record.seq for _, record in tail.records(end)]
    tail.close()

    assert rest == [3, 4, 5]


def test_tail_never_reads_past_the_durable_end(tmp_path: Path) -> None:
    with FileCommandLog.open(tmp_path) as log:
        durable = append(log, 1, 2)
        append(log, 3, 4)  # written, but the mark still says ``durable``
    tail = JournalTail(tmp_path)

    assert [record.seq for _, record in tail.records(durable)] == [1, 2]
    tail.close()


def test_durable_end_inside_a_record_is_corruption(tmp_path: Path) -> None:
    with FileCommandLog.open(tmp_path) as log:
        end = append(log, 1, 2)
    tail = JournalTail(tmp_path)

    with pytest.raises(JournalCorruptError, match="incomplete"):
        list(tail.records(end - 3))
    tail.close()


def test_durable_end_past_the_file_is_refused(tmp_path: Path) -> None:
    with FileCommandLog.open(tmp_path) as log:
        end = append(log, 1, 2)
    tail = JournalTail(tmp_path)

    with pytest.raises(JournalCorruptError, match="past the file's end"):
        list(tail.records(end + 100))
    tail.close()


def test_tail_refuses_a_file_that_is_no_command_log(tmp_path: Path) -> None:
    (tmp_path / LOG_FILE_NAME).write_bytes(b"not a log at all")

    with pytest.raises(JournalCorruptError, match="bad magic"):
        JournalTail(tmp_path)

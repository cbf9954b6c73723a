"""The projector's loop (``bourse.projection.process.follow``) on a real journal written while
it follows: every event once, in order, in batches that start at least the interval apart."""

import threading
import time
from pathlib import Path

from bourse.core.engine import TradingCore
from bourse.domain.commands import Deposit
from bourse.domain.events import Event
from bourse.journal.file_log import FileCommandLog
from bourse.journal.follow import DurableMark, JournalTail
from bourse.journal.records import JournalRecord, encode_record
from bourse.projection.process import follow

RECORDS = 150
INTERVAL_S = 0.05


def write_slowly(directory: Path, mark: DurableMark) -> None:
    """One record at a time, each made durable before the next, for about 0.3 s."""
    with FileCommandLog.open(directory) as log:
        for seq in range(1, RECORDS + 1):
            log.append([encode_record(JournalRecord(seq, seq, Deposit(account=1, amount=seq)))])
            mark.publish(log.end_offset)
            time.sleep(0.002)
    mark.close_log()


def test_batches_start_the_interval_apart_while_records_keep_coming(tmp_path: Path) -> None:
    with FileCommandLog.open(tmp_path) as log:
        mark = DurableMark.create(tmp_path, log.end_offset)
    writer = threading.Thread(target=write_slowly, args=(tmp_path, mark))
    batches: list[tuple[float, list[Event]]] = []
    tail = JournalTail(tmp_path)
    reader = DurableMark.open(tmp_path)

    writer.start()
    follow(
        TradingCore(),
        tail,
        reader,
        lambda events: batches.append((time.monotonic(), events)),
        max_batch_events=10_000,
        writer_alive=lambda: True,
        batch_interval_s=INTERVAL_S,
    )
    writer.join()
    tail.close()
    reader.close()
    mark.close()

    seqs = [event.seq for _, events in batches for event in events]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) == RECORDS  # each Deposit is rejected: one event per record
    # Every batch but the one after the log closed waited out the interval (the times are taken
    # when a batch is handed over, after reading it: the first batch, one or two records, took
    # no time to read); with 150 records over some 0.3 s they came in a handful of batches.
    applied = [at for at, _ in batches]
    assert len(applied) >= 3
    assert applied[-2] - applied[0] >= (len(applied) - 2) * INTERVAL_S - 0.01
    assert len(batches) <= len(seqs) // 10

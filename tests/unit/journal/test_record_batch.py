import pytest

from bourse.domain.commands import Deposit, PlaceOrder
from bourse.domain.enums import OrderType, Product, Side
from bourse.journal.batch import RecordBatch
from bourse.journal.file_log import FileCommandLog
from bourse.journal.framing import HEADER_SIZE, frame_all
from bourse.journal.records import JournalRecord, encode_record


def record(seq: int) -> JournalRecord:
    if seq % 2:
        return JournalRecord(seq, 1_000 + seq, Deposit(account=1, amount=seq, reference=f"r{seq}"))
    order = PlaceOrder(
        account=seq,
        token=257,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        product=Product.CNC,
        quantity=seq,
        price=100_000 + 5 * seq,
    )
    return JournalRecord(seq, 10**18 + seq, order)


def built(first: int, last: int) -> RecordBatch:
    batch = RecordBatch()
    for seq in range(first, last + 1):
        batch.add(record(seq))
    return batch


def test_a_batch_frames_exactly_its_encoded_records():
    batch = built(1, 40)
    payloads = [encode_record(record(seq)) for seq in range(1, 41)]

    data, sizes = batch.framed()

    assert data == frame_all(payloads)
    assert sizes == [HEADER_SIZE + len(payload) for payload in payloads]
    assert batch.seqs == list(range(1, 41))
    assert batch.ts_ns == [record(seq).ts_ns for seq in range(1, 41)]


def test_a_batch_from_encoded_records_equals_one_built_record_by_record():
    from_encoded = RecordBatch.from_encoded(encode_record(record(seq)) for seq in range(1, 9))
    built_here = built(1, 8)

    assert from_encoded.framed() == built_here.framed()
    assert (from_encoded.seqs, from_encoded.ts_ns) == (built_here.seqs, built_here.ts_ns)


def test_truncate_drops_the_last_records_and_extend_appends():
    batch = built(1, 5)
    batch.truncate(3)
    batch.extend(built(4, 6))

    assert batch.framed() == built(1, 6).framed()
    assert batch.seqs == [1, 2, 3, 4, 5, 6]


def test_a_record_that_cannot_be_encoded_leaves_the_batch_unchanged():
    batch = built(1, 2)
    before = batch.framed()

    with pytest.raises(TypeError):
        batch.add(JournalRecord(3, 3, object()))  # type: ignore[arg-type]

    assert batch.framed() == before
    assert len(batch) == 2


def test_the_log_reads_back_batches_appended_in_place(tmp_path):
    with FileCommandLog.open(tmp_path) as log:
        log.append(built(1, 1500))  # crosses an index stride
        log.append(built(1501, 1600))
    with FileCommandLog.open(tmp_path, read_only=True) as log:
        assert [r.seq for r in log.read_from(1)] == list(range(1, 1601))
        assert next(log.read_from(1030)) == record(1030)
        assert log.last_ts_ns == record(1600).ts_ns


def test_the_log_refuses_a_batch_that_does_not_continue_it(tmp_path):
    with FileCommandLog.open(tmp_path) as log:
        log.append(built(1, 3))
        with pytest.raises(ValueError, match="record seq 5 does not continue the log at seq 3"):
            log.append(built(5, 6))
        assert log.last_seq == 3

"""A batch of journal records, encoded and framed in one buffer, ready for one write.

The core thread builds one per group commit: msgspec encodes each record straight into the
buffer behind room for its frame header (see `framing`), and the header is filled in once the
payload's length and CRC are known. The batch remembers each record's seq, journal time and
offset, so the log need not decode the records again to check and index them. Per record that
saves building a bytes object, framing it into another, joining them all and decoding the seq
and time back out (~0.7 µs of the core thread's time per command).

The bytes are exactly those of ``frame_all(encode_record(r) for r in records)``.
"""

import zlib
from collections.abc import Iterable

import msgspec

from bourse.journal.framing import HEADER, HEADER_SIZE, MAX_PAYLOAD
from bourse.journal.records import JournalRecord, peek_seq_ts

_encoder = msgspec.msgpack.Encoder()
_EMPTY_HEADER = bytes(HEADER_SIZE)


class RecordBatch:
    """Framed records in ``data``; ``seqs``, ``ts_ns`` and ``offsets`` (where each frame starts
    in ``data``) per record, in order."""

    __slots__ = ("data", "offsets", "seqs", "ts_ns")

    def __init__(self) -> None:
        self.data = bytearray()
        self.seqs: list[int] = []
        self.ts_ns: list[int] = []
        self.offsets: list[int] = []

    @classmethod
    def from_encoded(cls, payloads: Iterable[bytes]) -> "RecordBatch":
        """A batch of records already encoded (`encode_record`); reads their seq and time."""
        batch = cls()
        for payload in payloads:
            seq, ts_ns = peek_seq_ts(payload)
            batch._frame(len(batch.data), payload, seq, ts_ns)
        return batch

    def __len__(self) -> int:
        return len(self.seqs)

    def add(self, record: JournalRecord) -> None:
        """Encode and frame ``record`` at the end of the batch. If encoding fails, the batch
        is left as it was and the error propagates."""
        data = self.data
        start = len(data)
        data += _EMPTY_HEADER
        try:
            _encoder.encode_into(record, data, -1)
        except BaseException:
            del data[start:]
            raise
        payload_start = start + HEADER_SIZE
        length = len(data) - payload_start
        if length > MAX_PAYLOAD:
            del data[start:]
            raise ValueError(f"payload length {length} exceeds the maximum {MAX_PAYLOAD}")
        with memoryview(data) as view:
            payload_crc = zlib.crc32(view[payload_start:])
        HEADER.pack_into(data, start, length, zlib.crc32(length.to_bytes(4, "little")), payload_crc)
        self.seqs.append(record.seq)
        self.ts_ns.append(record.ts_ns)
        self.offsets.append(start)

    def truncate(self, records: int) -> None:
        """Keep only the first ``records`` records (drop what a failed command added)."""
        if records < len(self.seqs):
            del self.data[self.offsets[records] :]
            del self.seqs[records:], self.ts_ns[records:], self.offsets[records:]

    def extend(self, other: "RecordBatch") -> None:
        """Append ``other``'s records after this batch's."""
        shift = len(self.data)
        self.data += other.data
        self.seqs += other.seqs
        self.ts_ns += other.ts_ns
        self.offsets += [offset + shift for offset in other.offsets]

    def payloads(self) -> list[bytes]:
        """Each record's encoded payload, without its frame header (for logs that store
        records one by one)."""
        data = self.data
        ends = [*self.offsets[1:], len(data)]
        return [
            bytes(data[start + HEADER_SIZE : end])
            for start, end in zip(self.offsets, ends, strict=True)
        ]

    def _frame(self, start: int, payload: bytes, seq: int, ts_ns: int) -> None:
        length = len(payload)
        if length > MAX_PAYLOAD:
            raise ValueError(f"payload length {length} exceeds the maximum {MAX_PAYLOAD}")
        self.data += HEADER.pack(
            length, zlib.crc32(length.to_bytes(4, "little")), zlib.crc32(payload)
        )
        self.data += payload
        self.seqs.append(seq)
        self.ts_ns.append(ts_ns)
        self.offsets.append(start)

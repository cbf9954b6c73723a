"""A batch of journal records: what one append makes durable, framed in bulk.

The core thread builds one per group commit, encoding each command's record as it applies it.
The batch keeps each record's seq and journal time beside its bytes, so the log checks and
indexes the batch without decoding every record again, and `framed` frames all of them at once:
lengths, CRCs and headers are computed by C-level maps over the whole batch and joined in one
go, where framing record by record cost a Python-level function call and several objects per
record. Measured on 600 PlaceOrder records: encode + frame + re-read seq/time 1.4 µs per record
before, 1.1 µs now, of which ~0.65 µs is msgspec building and encoding the record itself.
(Encoding each record into one shared bytearray with ``encode_into`` and framing it in place
measured slower still, 1.8 µs: more Python-level calls per record.)

``framed()`` is exactly ``frame_all(payloads)``.
"""

import functools
import zlib
from collections.abc import Iterable
from itertools import chain

import msgspec

from bourse.journal.framing import HEADER, MAX_PAYLOAD
from bourse.journal.records import JournalRecord, peek_seq_ts

_encode = msgspec.msgpack.Encoder().encode


@functools.lru_cache(maxsize=4096)
def _length_crc(length: int) -> int:
    """CRC of a frame's length field (records of a kind have few distinct lengths)."""
    return zlib.crc32(length.to_bytes(4, "little"))


class RecordBatch:
    """Encoded records (``payloads``) with their ``seqs`` and ``ts_ns``, in order."""

    __slots__ = ("payloads", "seqs", "ts_ns")

    def __init__(self) -> None:
        self.payloads: list[bytes] = []
        self.seqs: list[int] = []
        self.ts_ns: list[int] = []

    @classmethod
    def from_encoded(cls, payloads: Iterable[bytes]) -> "RecordBatch":
        """A batch of records already encoded (`encode_record`); reads their seq and time."""
        batch = cls()
        for payload in payloads:
            seq, ts_ns = peek_seq_ts(payload)
            batch.payloads.append(payload)
            batch.seqs.append(seq)
            batch.ts_ns.append(ts_ns)
        return batch

    def __len__(self) -> int:
        return len(self.seqs)

    def add(self, record: JournalRecord) -> None:
        """Encode ``record`` onto the end of the batch (an encoding error leaves it as it was)."""
        self.payloads.append(_encode(record))
        self.seqs.append(record.seq)
        self.ts_ns.append(record.ts_ns)

    def truncate(self, records: int) -> None:
        """Keep only the first ``records`` records (drop what a failed command added)."""
        del self.payloads[records:], self.seqs[records:], self.ts_ns[records:]

    def extend(self, other: "RecordBatch") -> None:
        """Append ``other``'s records after this batch's."""
        self.payloads += other.payloads
        self.seqs += other.seqs
        self.ts_ns += other.ts_ns

    def framed(self) -> tuple[bytes, list[int]]:
        """Every record framed (`framing.frame`), back to back, and the size of each frame."""
        lengths = list(map(len, self.payloads))
        if lengths and max(lengths) > MAX_PAYLOAD:
            raise ValueError(f"payload length {max(lengths)} exceeds the maximum {MAX_PAYLOAD}")
        headers = map(
            HEADER.pack,
            lengths,
            map(_length_crc, lengths),
            map(zlib.crc32, self.payloads),
        )
        data = b"".join(chain.from_iterable(zip(headers, self.payloads, strict=True)))
        return data, [HEADER.size + length for length in lengths]

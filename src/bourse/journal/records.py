"""Journal records: a command stamped with its sequence number and journal time.

Encoded as a msgpack array ``[seq, ts_ns, command]`` (the command as its tagged map), so the
sequence number and time can be read without decoding the command (`peek_seq_ts`).
"""

import msgspec

from bourse.domain.commands import AnyCommand


class JournalRecord(msgspec.Struct, frozen=True, array_like=True, gc=False):
    seq: int
    """The command's number in the journal: 1, 2, 3, ... with no gaps."""
    ts_ns: int
    """Journal time in nanoseconds UTC; never decreases along the journal."""
    command: AnyCommand


_encoder = msgspec.msgpack.Encoder()
_decoder: msgspec.msgpack.Decoder[JournalRecord] = msgspec.msgpack.Decoder(JournalRecord)
_stamp_decoder: msgspec.msgpack.Decoder[tuple[int, int, msgspec.Raw]] = msgspec.msgpack.Decoder(
    tuple[int, int, msgspec.Raw]
)


def encode_record(record: JournalRecord) -> bytes:
    return _encoder.encode(record)


def decode_record(data: bytes) -> JournalRecord:
    return _decoder.decode(data)


def peek_seq_ts(data: bytes) -> tuple[int, int]:
    """The (seq, ts_ns) of an encoded record, without decoding its command."""
    seq, ts_ns, _ = _stamp_decoder.decode(data)
    return seq, ts_ns

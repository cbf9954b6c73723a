import io
import struct
import zlib

import pytest

from bourse.journal.framing import (
    HEADER_SIZE,
    LOG_MAGIC,
    FrameScanner,
    JournalCorruptError,
    frame,
    frame_all,
)

PAYLOADS = [b"first", b"", b"x" * 300, b"last record"]


def scan(data: bytes) -> tuple[list[tuple[int, bytes]], FrameScanner]:
    scanner = FrameScanner(io.BytesIO(data), "mem.log", len(data))
    return list(scanner), scanner


def offsets_of(payloads: list[bytes]) -> list[int]:
    offsets, offset = [], len(LOG_MAGIC)
    for payload in payloads:
        offsets.append(offset)
        offset += HEADER_SIZE + len(payload)
    return offsets


def test_frame_header_is_length_and_two_crcs():
    framed = frame(b"abc")

    length, length_crc, payload_crc = struct.unpack("<III", framed[:HEADER_SIZE])

    assert (length, framed[HEADER_SIZE:]) == (3, b"abc")
    assert length_crc == zlib.crc32(struct.pack("<I", 3))
    assert payload_crc == zlib.crc32(b"abc")


def test_scan_intact_file_yields_every_payload_with_its_offset():
    data = LOG_MAGIC + frame_all(PAYLOADS)

    records, scanner = scan(data)

    assert records == list(zip(offsets_of(PAYLOADS), PAYLOADS, strict=True))
    assert (scanner.valid_end, scanner.torn) == (len(data), False)


def test_scan_cut_anywhere_in_last_record_is_a_torn_tail():
    data = LOG_MAGIC + frame_all(PAYLOADS)
    last_start = offsets_of(PAYLOADS)[-1]

    for cut in range(last_start + 1, len(data)):
        records, scanner = scan(data[:cut])

        assert [payload for _, payload in records] == PAYLOADS[:-1], cut
        assert (scanner.valid_end, scanner.torn) == (last_start, True), cut


def test_scan_bad_payload_crc_on_final_record_is_a_torn_tail():
    data = bytearray(LOG_MAGIC + frame_all(PAYLOADS))
    data[-1] ^= 0x01

    records, scanner = scan(bytes(data))

    assert len(records) == len(PAYLOADS) - 1
    assert (scanner.valid_end, scanner.torn) == (offsets_of(PAYLOADS)[-1], True)


def test_scan_flipped_bit_in_any_byte_of_a_middle_record_is_corruption_at_its_offset():
    data = LOG_MAGIC + frame_all(PAYLOADS)
    start = offsets_of(PAYLOADS)[2]
    end = start + HEADER_SIZE + len(PAYLOADS[2])

    for position in range(start, end):
        damaged = bytearray(data)
        damaged[position] ^= 1 << (position % 8)

        with pytest.raises(JournalCorruptError) as caught:
            scan(bytes(damaged))

        assert (caught.value.path, caught.value.offset) == ("mem.log", start), position
        assert f"mem.log: corrupt record at byte offset {start}" in str(caught.value)


def test_scan_flipped_length_bit_is_not_mistaken_for_a_torn_tail():
    # Without the length CRC, a length grown past end of file would look like a torn tail.
    data = bytearray(LOG_MAGIC + frame_all(PAYLOADS))
    data[offsets_of(PAYLOADS)[0] + 3] ^= 0x80

    with pytest.raises(JournalCorruptError, match="header CRC mismatch"):
        scan(bytes(data))


def test_scan_damaged_header_as_last_bytes_of_file_is_a_torn_tail():
    data = LOG_MAGIC + frame(b"kept") + b"\xff" * HEADER_SIZE

    records, scanner = scan(data)

    assert [payload for _, payload in records] == [b"kept"]
    assert scanner.torn


def test_scan_from_an_offset_starts_there():
    data = LOG_MAGIC + frame_all(PAYLOADS)
    start = offsets_of(PAYLOADS)[2]

    records = list(FrameScanner(io.BytesIO(data), "mem.log", len(data), start))

    assert [payload for _, payload in records] == PAYLOADS[2:]


@pytest.mark.parametrize("zeros", [1, HEADER_SIZE, HEADER_SIZE + 1, 4096])
def test_scan_zero_filled_tail_from_a_lost_write_is_a_torn_tail(zeros: int) -> None:
    data = LOG_MAGIC + frame_all(PAYLOADS) + bytes(zeros)

    records, scanner = scan(data)

    assert [payload for _, payload in records] == PAYLOADS
    assert scanner.torn
    assert scanner.valid_end == len(data) - zeros


def test_scan_zeros_followed_by_data_is_still_corruption() -> None:
    data = LOG_MAGIC + frame_all(PAYLOADS) + bytes(64) + frame(b"after the hole")

    with pytest.raises(JournalCorruptError, match="header CRC mismatch"):
        scan(data)

"""The direct writer's frames are what a WebSocket client's parser reads as one text message."""

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from bourse.api.text_frames import joined_text_frame, text_frame, text_frame_header


def parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False, max_size=None)
    try:
        next(parser)
    except StopIteration as done:
        frame: Frame = done.value
        assert not reader.buffer, "bytes left over after the frame"
        return frame
    raise AssertionError("the frame is incomplete")


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65_535, 65_536, 200_000])
def test_a_text_frame_of_any_size_parses_back_to_its_payload(size: int) -> None:
    payload = (b'{"type":"ticks","data":[]}' * (size // 26 + 1))[:size]

    frame = parse(text_frame_header(size) + payload)

    assert (frame.opcode, frame.fin, frame.data) == (Opcode.TEXT, True, payload)


def test_whole_frames_carry_exactly_their_payload() -> None:
    items = [b'{"n":%d}' % n for n in range(3_000)]

    joined = parse(joined_text_frame(b"[", items, b"]"))
    single = parse(text_frame(b"hello"))

    assert joined.data == b"[" + b",".join(items) + b"]"
    assert (single.opcode, single.data) == (Opcode.TEXT, b"hello")

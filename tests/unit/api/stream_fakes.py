"""A WebSocket stand-in for stream tests, and read models fed by a real trading core."""

import asyncio

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.readmodel.feed import ReadModels
from tests.unit.core.market import INFY, TCS, Market, instrument

A, B = 1, 2


class FakeSocket:
    """A WebSocket whose sends wait for ``gate`` (closed gate: a client that does not read)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: tuple[int, str | None] | None = None
        self.gate = asyncio.Event()
        self.gate.set()

    async def send_text(self, data: str) -> None:
        await self.gate.wait()
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed = (code, reason)


class FakeFrames:
    """A direct frame writer (see ``bourse.api.ws_frames``) that takes frames while ``open``;
    closing it stands for a socket whose write buffer is full."""

    def __init__(self, socket: FakeSocket) -> None:
        self.socket = socket
        self.open = True

    def can_write(self) -> bool:
        return self.open

    def write_frame(self, frame: bytes) -> None:
        assert self.open, "written without asking can_write()"
        self.socket.sent.append(text_payload(frame).decode())


def text_payload(frame: bytes) -> bytes:
    """The payload of one complete, unmasked, final text frame (and nothing after it)."""
    assert frame[0] == 0x81, "not a final text frame"
    size, start = frame[1], 2
    if size == 126:
        size, start = int.from_bytes(frame[2:4], "big"), 4
    elif size == 127:
        size, start = int.from_bytes(frame[2:10], "big"), 10
    assert len(frame) == start + size, "the header's length is not the payload's"
    return frame[start:]


class FedModels(Market):
    """A core whose every batch of events goes through ``ReadModels`` (and its watchers)."""

    def __init__(self) -> None:
        self.models = ReadModels()
        super().__init__(instruments=(instrument(INFY, 100_00), instrument(TCS, 200_00)))
        self.account(A, cash=10**10)
        self.account(B, cash=10**10, holdings={INFY: 10**6, TCS: 10**6})

    def apply(self, command: cmd.Command, *, advance_ns: int = 1_000_000) -> list[ev.Event]:
        events = super().apply(command, advance_ns=advance_ns)
        self.models.apply(events)
        return events

    def trade(self, quantity: int, price: int, token: int = INFY) -> None:
        self.sell(B, quantity, price, token=token)
        self.buy(A, quantity, price, token=token)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)

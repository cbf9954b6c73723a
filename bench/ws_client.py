"""A bare WebSocket client for ``fanout``: raw asyncio protocol, no WebSocket library.

Each ``Client`` sends the upgrade request, then its first message (masked with an all-zero
key, which leaves the payload as it is), answers pings, and counts what arrives: ticks
(occurrences of ``"instrument_token"``) and frames while ``Stats.measuring``. Probe clients
(full mode) also parse their ticks and record trade-to-client latency for each new last trade
time; frames of the bare baseline carry their send time (``sent_ns``) instead.
"""

import asyncio
import base64
import json
import os
import time
from datetime import datetime


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (the all-zero mask key leaves the payload as it is)."""
    size = len(payload)
    if size < 126:
        head = bytes([0x80 | opcode, 0x80 | size])
    else:
        head = bytes([0x80 | opcode, 0x80 | 126]) + size.to_bytes(2, "big")
    return head + b"\x00\x00\x00\x00" + payload


class Stats:
    def __init__(self) -> None:
        self.measuring = False
        self.ticks = 0
        self.messages = 0
        self.latencies: list[int] = []
        self.snapshots = 0
        self.closed = 0


class Client(asyncio.Protocol):
    def __init__(self, request: bytes, hello: bytes | None, stats: Stats, probe: bool) -> None:
        self.request = request
        self.hello = hello
        self.stats = stats
        self.probe = probe
        self.open = False
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.snapshot = False
        self.last_trade: dict[int, str] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        assert self.transport is not None
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.stats.closed += 1
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("closed during the handshake"))

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        if not self.open:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if b" 101 " not in buffer[:20]:
                self.ready.set_exception(ConnectionError(buffer[:200].decode(errors="replace")))
                return
            self.open = True
            buffer = buffer[end + 4 :]
            if self.hello is not None:
                assert self.transport is not None
                self.transport.write(client_frame(0x1, self.hello))
            self.ready.set_result(None)
        position, size = 0, len(buffer)
        while size - position >= 2:
            length = buffer[position + 1] & 0x7F
            head = 2
            if length == 126:
                if size - position < 4:
                    break
                length = int.from_bytes(buffer[position + 2 : position + 4], "big")
                head = 4
            elif length == 127:
                if size - position < 10:
                    break
                length = int.from_bytes(buffer[position + 2 : position + 10], "big")
                head = 10
            end = position + head + length
            if end > size:
                break
            self.frame(buffer[position] & 0x0F, buffer[position + head : end])
            position = end
        self.buffer = buffer[position:]

    def frame(self, opcode: int, payload: bytes) -> None:
        if opcode == 0x9:  # ping
            assert self.transport is not None
            self.transport.write(client_frame(0xA, payload))
            return
        if opcode != 0x1 or not payload.startswith(b'{"type":"ticks"'):
            return
        stats = self.stats
        if not self.snapshot:
            self.snapshot = True
            stats.snapshots += 1
        if not stats.measuring:
            if self.probe:
                self.note_trades(payload, record=False)
            return
        stats.messages += 1
        stats.ticks += payload.count(b'"instrument_token"')
        if payload.startswith(b'{"type":"ticks","sent_ns":'):
            sent = int(payload[26 : payload.index(b",", 26)])
            stats.latencies.append(time.time_ns() - sent)
        elif self.probe:
            self.note_trades(payload, record=True)

    def note_trades(self, payload: bytes, *, record: bool) -> None:
        now = time.time_ns()
        for tick in json.loads(payload)["data"]:
            traded = tick.get("last_trade_time")
            token = tick["instrument_token"]
            if traded is None or self.last_trade.get(token) == traded:
                continue
            self.last_trade[token] = traded
            if record:
                moment = datetime.fromisoformat(traded)
                ns = int(moment.timestamp()) * 10**9 + moment.microsecond * 1000
                self.stats.latencies.append(now - ns)


def upgrade_request(path: str, token: str | None) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


Spec = tuple[bytes, bytes | None, bool]
"""(upgrade request, first message, probe)."""


async def connect_all(port: int, specs: list[Spec], stats: Stats) -> list[Client]:
    loop = asyncio.get_running_loop()
    clients: list[Client] = []
    for start in range(0, len(specs), 250):
        batch = []
        for request, hello, probe in specs[start : start + 250]:
            _, client = await loop.create_connection(
                lambda r=request, h=hello, p=probe: Client(r, h, stats, p), "127.0.0.1", port
            )
            batch.append(client)
        await asyncio.gather(*(client.ready for client in batch))
        clients.extend(batch)
    return clients

"""The server side of ``fanout``: a real Bourse platform with 200 listed instruments.

Run as a child process by ``fanout.py``, pinned to one CPU: it builds the platform (SQLite,
journal with fsync group commit, the real stream hub), lists the instruments, funds a maker and
a taker, signs up one user whose access token (written to the file named on the command line,
with the instrument tokens) every benchmark connection uses, then serves with uvicorn
(httptools, uvloop, per-message deflate off). Extra routes for the benchmark:

* ``POST /bench/trades?rate=&seconds=``: starts a driver that journals a crossing sell and buy
  of one share on a random instrument ``rate`` times a second (the trades print at a random
  walk of prices), through the real journal and core, so every tick comes from real events;
* WebSocket ``/bench/bare``: the baseline, the same WebSocket stack with nothing behind it;
  ``POST /bench/bare?seconds=&ticks=`` broadcasts one pre-encoded message of ``ticks`` quote
  ticks (stamped with the send time) to every connection of it, round after round, for
  ``seconds`` — written as the hub writes: straight to the socket when it takes a frame at
  once (``bourse.api.ws_frames``), else by the awaited ASGI send;
* ``GET /bench/stats``: the hub's counters.
"""

import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bench_platform import bench_settings, move_projector, serve
from bourse.api.text_frames import text_frame
from bourse.api.ws_frames import DIRECT_FRAMES
from bourse.app import Platform, create_platform
from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from bourse.domain.instrument import Instrument, Segment, make_instrument_token
from bourse.settings import StreamSettings
from timing import pin_to_cpu

MAKER = 1_000_000_000_001
TAKER = 1_000_000_000_002
UNLIMITED = cmd.AccountLimits(
    max_open_orders=1_000_000, max_order_value=10**15, max_orders_per_second=1_000_000
)
QUOTE_TICK = (
    b'{"mode":"quote","instrument_token":%d,"tradable":true,"last_price":1503.45,'
    b'"last_traded_quantity":1,"average_traded_price":1501.2,"volume_traded":51234,'
    b'"total_buy_quantity":0,"total_sell_quantity":0,"ohlc":{"open":1500,"high":1510.5,'
    b'"low":1490,"close":1500},"change":0.23}'
)


def instruments(count: int) -> list[Instrument]:
    return [
        Instrument(
            token=make_instrument_token(n + 1, Segment.NSE),
            exchange="NSE",
            tradingsymbol=f"BENCH{n:03d}",
            name=f"BENCH INSTRUMENT {n}",
            reference_price=1500_00,
        )
        for n in range(count)
    ]


def seed(platform: Platform, listed: list[Instrument], out: Path) -> None:
    commands: list[cmd.Command] = [cmd.ListInstrument(instrument=i) for i in listed]
    commands += [
        cmd.OpenAccount(account=MAKER, limits=UNLIMITED),
        cmd.OpenAccount(account=TAKER, limits=UNLIMITED),
        cmd.Deposit(account=TAKER, amount=10**14),
    ]
    commands += [cmd.DepositHoldings(account=MAKER, token=i.token, quantity=10**8) for i in listed]
    platform.trading.submit_many(commands).result()
    identity = platform.gateway.identity
    user = identity.sign_up("fanout@bourse.local", "bench-password-2026")
    token = identity.login(user.email, "bench-password-2026").access_token
    out.write_text(json.dumps({"token": token, "instruments": [i.token for i in listed]}))


class Bench:
    def __init__(self, platform: Platform, listed: list[Instrument]) -> None:
        self.platform = platform
        self.listed = listed
        self.bare: set[WebSocket] = set()

    async def trades(self, request: Request) -> Response:
        rate = int(request.query_params.get("rate", "1000"))
        seconds = float(request.query_params.get("seconds", "10"))
        asyncio.get_running_loop().create_task(self._drive(rate, seconds))
        return JSONResponse({"started": True})

    async def _drive(self, rate: int, seconds: float) -> None:
        rng = random.Random(7)
        prices = {i.token: i.reference_price for i in self.listed}
        step = 0.01
        per_step = max(1, round(rate * step))
        trading = self.platform.trading
        started = time.monotonic()
        sent = 0
        while (elapsed := time.monotonic() - started) < seconds:
            due = min(int(elapsed * rate) + per_step, int(seconds * rate))
            commands: list[cmd.Command] = []
            while sent < due:
                token = rng.choice(self.listed).token
                moved = prices[token] + rng.choice((-5, 5))
                price = prices[token] = min(1700_00, max(1300_00, moved))
                for account, side in ((MAKER, Side.SELL), (TAKER, Side.BUY)):
                    order = cmd.PlaceOrder(
                        account=account,
                        token=token,
                        side=side,
                        order_type=OrderType.LIMIT,
                        product=Product.CNC,
                        quantity=1,
                        price=price,
                    )
                    commands.append(order)
                sent += 1
            if commands:
                trading.submit_many(commands)
            await asyncio.sleep(step)

    async def bare_socket(self, websocket: WebSocket) -> None:
        await websocket.accept()
        self.bare.add(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            self.bare.discard(websocket)

    async def bare_broadcast(self, request: Request) -> Response:
        seconds = float(request.query_params.get("seconds", "10"))
        ticks = int(request.query_params.get("ticks", "8"))
        asyncio.get_running_loop().create_task(self._broadcast(seconds, ticks))
        return JSONResponse({"started": True})

    async def _broadcast(self, seconds: float, ticks: int) -> None:
        body = b",".join(QUOTE_TICK % i.token for i in self.listed[:ticks])
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            message = b'{"type":"ticks","sent_ns":%d,"data":[' % time.time_ns() + body + b"]}"
            for websocket in list(self.bare):
                frames = websocket.scope["extensions"].get(DIRECT_FRAMES)
                try:
                    if frames is not None and frames.can_write():
                        frames.write_frame(text_frame(message))
                    else:
                        await websocket.send_text(message.decode())
                except Exception:
                    self.bare.discard(websocket)
            await asyncio.sleep(0)

    async def stats(self, request: Request) -> Response:
        hub = self.platform.trading_side.hub
        assert hub is not None
        return JSONResponse(
            {"connections": hub.connections, "flushes": hub.flushes, "encoded": hub.encoded}
        )


def main() -> None:
    port, out, count = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    cpu = int(sys.argv[4]) if len(sys.argv) > 4 else None
    flush_ms = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    projector_cpu = int(sys.argv[6]) if len(sys.argv) > 6 else None
    if cpu is not None:
        pin_to_cpu(cpu)
    listed = instruments(count)
    with tempfile.TemporaryDirectory(prefix="bourse-bench-fanout-") as directory:
        settings = bench_settings(
            directory,
            port,
            stream=StreamSettings(flush_interval_ms=flush_ms, max_tick_backlog_flushes=10**6),
        )
        platform = create_platform(settings, hooks=[lambda p: seed(p, listed, out)])
        if projector_cpu is not None:
            move_projector(projector_cpu)
        bench = Bench(platform, listed)
        platform.app.router.routes[:0] = [
            Route("/bench/trades", bench.trades, methods=["POST"]),
            Route("/bench/bare", bench.bare_broadcast, methods=["POST"]),
            Route("/bench/stats", bench.stats, methods=["GET"]),
            WebSocketRoute("/bench/bare", bench.bare_socket),
        ]
        serve(platform.app, port, backlog=4096)


if __name__ == "__main__":
    main()

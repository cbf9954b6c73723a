"""Instructions per order on the gateway's order path, counted by callgrind: repeatable on a
busy machine, unlike ``http_orders``' rates.

``python bench/order_instructions.py`` re-runs itself under ``valgrind --tool=callgrind``. The
inner run builds the benchmark's platform (``http_server.seed``: SQLite, the journal with fsync
group commit, the projector in a process of its own, which callgrind does not follow), starts
its lifespan, and sends ``--orders`` authenticated BUY LIMIT orders that match the resting ask
straight into the ASGI application from ``--connections`` concurrent tasks, as uvicorn would
after parsing them. Instrumentation is switched on (``callgrind_control``) after a warm-up and
off after the last answer, so the count holds everything the serving process runs for those
orders in every thread: Starlette, the edge, authentication, the handler, the journal hand-off,
the core thread (applying, encoding, the write and fsync calls), the read models, the response.
Not included: uvicorn's HTTP parsing and socket writes, and the kernel's side of anything.

Prints one JSON line: ``per_order`` instructions (all threads), and the same run's answers.
"""

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import http_server
from bench_platform import bench_settings, free_port
from bourse.api.auth import Authenticator
from bourse.app import create_platform
from callgrind import count_instructions
from http_orders import order_body

HOUR_NS = 3600 * 1_000_000_000


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--orders", type=int, default=2_000, help="measured orders")
    parser.add_argument("--warmup", type=int, default=500, help="orders before counting")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile-only",
        action="store_true",
        help="run the orders without valgrind (to profile the same path with py-spy)",
    )
    return parser.parse_args(argv)


def order_scope(token: str, body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/orders/regular",
        "raw_path": b"/api/v1/orders/regular",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def place(app: Any, token: str, body: bytes) -> int:
    """One order through the ASGI app, as uvicorn hands it over; the answer's status."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(order_scope(token, body), receive, send)
    status: int = sent[0]["status"]
    if status != 200 or b'"success"' not in sent[1]["body"]:
        raise RuntimeError(f"order failed: {status} {sent[1]['body']!r}")
    return status


async def drive(app: Any, tokens: list[str], body: bytes, orders: int) -> None:
    """``orders`` orders from one task per token, each sending its next when answered."""
    remaining = orders

    async def connection(token: str) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await place(app, token, body)

    await asyncio.gather(*(connection(token) for token in tokens))


async def with_lifespan(app: Any, work: Any) -> None:
    started: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    stop = asyncio.Event()
    startup_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal startup_sent
        if not startup_sent:
            startup_sent = True
            return {"type": "lifespan.startup"}
        await stop.wait()
        return {"type": "lifespan.shutdown"}

    async def send(message: dict[str, Any]) -> None:
        await started.put(message)

    lifespan = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    )
    message = await started.get()
    if message["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"lifespan startup failed: {message}")
    try:
        await work()
    finally:
        stop.set()
        await lifespan


def run_orders(args: argparse.Namespace) -> None:
    """The measured part (runs under valgrind)."""
    import uvloop

    with tempfile.TemporaryDirectory(prefix="bourse-bench-order-ins-") as directory:
        tokens_path = Path(directory) / "tokens.json"
        settings = bench_settings(directory, free_port())
        platform = create_platform(
            settings, hooks=[lambda p: http_server.seed(p, args.connections, tokens_path)]
        )
        seed = json.loads(tokens_path.read_text())
        # Under valgrind everything runs ~50x slower, so the principals' 2-second cache would
        # expire and be re-verified (a SQL read each) many times within the count; at full
        # speed that costs ~1% of the order path. Cached for the run instead.
        platform.gateway.auth = Authenticator(platform.gateway.identity, cache_ttl_ns=HOUR_NS)
        body = order_body(seed["price_rupees"])

        def instrument(switch: str) -> None:
            if not args.profile_only:
                subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], check=True)

        async def work() -> None:
            await drive(platform.app, seed["tokens"], body, args.warmup)
            instrument("on")
            await drive(platform.app, seed["tokens"], body, args.orders)
            instrument("off")

        uvloop.run(with_lifespan(platform.app, work))


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.inner or args.profile_only:
        run_orders(args)
        return
    total = count_instructions(
        __file__,
        [
            *("--orders", str(args.orders), "--warmup", str(args.warmup)),
            *("--connections", str(args.connections)),
        ],
    )
    line = {
        "name": "order_path_instructions",
        "orders": args.orders,
        "connections": args.connections,
        "instructions": total,
        "per_order": round(total / args.orders),
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()

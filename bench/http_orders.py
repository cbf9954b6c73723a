"""``http_orders``: authenticated limit orders over real HTTP, one JSON line.

The server (``http_server.py``, a real platform: gateway, journal with fsync group commit,
SQLite) runs in its own process pinned to one CPU; this load generator runs pinned to the
other: ``--connections`` keep-alive connections (default 64), each sending its next request
as soon as the previous answer arrives. Every order is a BUY LIMIT at the best ask of a deep
resting book, so each one is accepted, matched and filled. In the same run the same server
answers ``GET /bench/bare`` (same framework, envelope and connections, no work behind it) as
the baseline; ``ratio_vs_bare`` is orders/s over bare requests/s.

The platform's SQL projections (ledger, candles) run as it runs them by default, in a projector
process of their own; the benchmark puts that process on the load generator's CPU at the lowest
priority (nice 19: the load generator comes first) and reports its CPU per order
(``projector_cpu_us_per_op``), its share of a CPU (``projector_cpu_share``), the load
generator's share (``client_cpu_share``) and how long after the last order the projections
still needed to commit every event (``projector_catch_up_s``: 0 when they kept up).
``--projections thread`` runs them in the server process instead.

The client speaks HTTP/1.1 over raw asyncio (uvloop) sockets, sending prebuilt request bytes,
so that it is not the bottleneck; latency is each request's send-to-complete-answer time.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import uvloop

from bench_platform import free_port, listening
from timing import percentile

HERE = Path(__file__).resolve().parent
TARGETS = {"ops_per_s": 10_000, "p99_us": 10_000}


class Client(asyncio.Protocol):
    """One keep-alive connection: request, wait for the whole answer, repeat until the end."""

    def __init__(self, request: bytes, run: "Run") -> None:
        self.request = request
        self.run = run
        self.buffer = b""
        self.sent_ns = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass
        self.send()

    def send(self) -> None:
        assert self.transport is not None
        self.sent_ns = time.perf_counter_ns()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].lower()
            at = head.find(b"content-length:")
            length = int(
                head[at + 15 : head.find(b"\r\n", at) if head.find(b"\r\n", at) > 0 else None]
            )
            end = head_end + 4 + length
            if len(self.buffer) < end:
                return
            status = self.buffer[9:12]
            body = self.buffer[head_end + 4 : end]
            self.buffer = self.buffer[end:]
            self.run.record(time.perf_counter_ns() - self.sent_ns, status, body)
            if self.run.over():
                assert self.transport is not None
                self.transport.close()
                self.run.closed += 1
                return
            self.send()


class Run:
    def __init__(self, warmup_s: float, seconds: float) -> None:
        now = time.perf_counter_ns()
        self.measure_from = now + int(warmup_s * 1e9)
        self.until = self.measure_from + int(seconds * 1e9)
        self.latencies: list[int] = []
        self.failures = 0
        self.statuses: dict[str, int] = {}
        self.closed = 0
        self.answered = 0

    def record(self, latency_ns: int, status: bytes, body: bytes) -> None:
        self.answered += 1
        if time.perf_counter_ns() < self.measure_from:
            return
        key = status.decode()
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if status == b"200" and b'"success"' in body:
            self.latencies.append(latency_ns)
        else:
            self.failures += 1

    def over(self) -> bool:
        return time.perf_counter_ns() >= self.until


def cpu_seconds(pid: int) -> float:
    """User + system CPU time consumed so far by process ``pid`` (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def projector_cpu_seconds(server_pid: int) -> float:
    """CPU time of the server's projector process and the forkserver it was forked from."""
    total = 0.0
    for child in psutil.Process(server_pid).children():
        if "multiprocessing.forkserver" in " ".join(child.cmdline()):
            for process in [child, *child.children(recursive=True)]:
                times = process.cpu_times()
                total += times.user + times.system
    return total


async def drive(port: int, requests: list[bytes], warmup_s: float, seconds: float) -> Run:
    loop = asyncio.get_running_loop()
    run = Run(warmup_s, seconds)
    for request in requests:
        await loop.create_connection(lambda r=request: Client(r, run), "127.0.0.1", port)
    while run.closed < len(requests):
        await asyncio.sleep(0.05)
    return run


def projections_catch_up(port: int, timeout_s: float = 120.0) -> float:
    """Seconds from now until the SQL projections have committed every event the server has
    applied (0 when they kept up with the orders)."""
    started = time.monotonic()
    first: dict[str, int] | None = None
    while time.monotonic() - started < timeout_s:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                b"GET /bench/projected HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        seqs = json.loads(answer.partition(b"\r\n\r\n")[2])["data"]
        first = first or seqs
        if seqs["applied"] >= first["published"]:
            return round(time.monotonic() - started, 2)
        time.sleep(0.01)
    raise SystemExit(f"the projections did not catch up within {timeout_s} s")


def figures(run: Run, seconds: float, cpu_s: float) -> dict[str, Any]:
    samples = sorted(run.latencies)
    return {
        # CPU the server spent per answer: unlike the rates, barely moved by other load.
        "server_cpu_us_per_op": round(cpu_s * 1e6 / max(1, run.answered), 1),
        "ops_per_s": round(len(samples) / seconds),
        "p50_us": round(percentile(samples, 0.50) / 1000, 1),
        "p99_us": round(percentile(samples, 0.99) / 1000, 1),
        "p999_us": round(percentile(samples, 0.999) / 1000, 1),
        "answers": len(samples),
        "failures": run.failures,
        "statuses": run.statuses,
    }


def order_body(price: str) -> bytes:
    """The JSON of one BUY LIMIT CNC order for 1 INFY at ``price`` rupees."""
    return json.dumps(
        {
            "exchange": "NSE",
            "tradingsymbol": "INFY",
            "transaction_type": "BUY",
            "order_type": "LIMIT",
            "product": "CNC",
            "quantity": 1,
            "price": float(price),
        }
    ).encode()


def order_request(token: str, price: str) -> bytes:
    body = order_body(price)
    return (
        b"POST /api/v1/orders/regular HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Authorization: Bearer {token}\r\n".encode()
        + b"Content-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


BARE_REQUEST = b"GET /bench/bare HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument(
        "--projections",
        choices=("process", "thread"),
        default="process",
        help="where the SQL projections run: their own process on the client CPU, or a thread"
        " of the server",
    )
    args = parser.parse_args(argv)
    projector_cpu = str(args.client_cpu) if args.projections == "process" else "thread"

    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:  # type: ignore[operator]
        os.sched_setaffinity(0, {args.client_cpu})
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        tokens_path = Path(scratch) / "tokens.json"
        server = subprocess.Popen(
            [sys.executable, str(HERE / "http_server.py"), str(port), str(args.connections),
             str(tokens_path), str(args.server_cpu), projector_cpu],
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not tokens_path.exists() or not listening(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the benchmark server did not start")
                time.sleep(0.1)
            seed = json.loads(tokens_path.read_text())
            orders = [order_request(token, seed["price_rupees"]) for token in seed["tokens"]]
            uvloop.install()
            cpu_at_start = cpu_seconds(server.pid)
            bare = asyncio.run(
                drive(port, [BARE_REQUEST] * args.connections, args.warmup, args.seconds)
            )
            cpu_after_bare = cpu_seconds(server.pid)
            projector_before = projector_cpu_seconds(server.pid)
            client_before = time.process_time()
            placed = asyncio.run(drive(port, orders, args.warmup, args.seconds))
            client_cpu = time.process_time() - client_before
            catch_up_s = projections_catch_up(port)
            cpu_after_orders = cpu_seconds(server.pid)
            projector_cpu = projector_cpu_seconds(server.pid) - projector_before
        finally:
            server.terminate()
            server.wait(30)
    line: dict[str, Any] = {"name": "http_orders"}
    line.update(figures(placed, args.seconds, cpu_after_orders - cpu_after_bare))
    baseline = figures(bare, args.seconds, cpu_after_bare - cpu_at_start)
    line["bare"] = baseline
    line["ratio_vs_bare"] = round(line["ops_per_s"] / max(1, baseline["ops_per_s"]), 3)
    line["projector_cpu_us_per_op"] = round(projector_cpu * 1e6 / max(1, placed.answered), 1)
    line["projector_cpu_share"] = round(projector_cpu / (args.seconds + args.warmup), 2)
    # The projector runs at the lowest priority (nice 19) beside the load generator: this is
    # how long it still needed, after the last order, to commit them all.
    line["projector_catch_up_s"] = catch_up_s
    # The load generator shares its CPU with the projector: both shares near 1 in sum means
    # that CPU, not the server, limited the rate.
    line["client_cpu_share"] = round(client_cpu / (args.seconds + args.warmup), 2)
    line["connections"] = args.connections
    line["server"] = "uvicorn + httptools + uvloop, one process pinned to one CPU"
    line["projections"] = (
        "own process on the client CPU" if args.projections == "process" else "server thread"
    )
    line["loadavg_1m"] = round(os.getloadavg()[0], 2)
    line["targets"] = TARGETS
    line["meets_targets"] = (
        line["ops_per_s"] >= TARGETS["ops_per_s"] and line["p99_us"] <= TARGETS["p99_us"]
    )
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()

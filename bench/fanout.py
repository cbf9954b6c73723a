"""``fanout``: market data to 10,000 WebSocket clients, one JSON line.

The server (``fanout_server.py``: a real platform, journal, core and stream hub) runs in its
own process pinned to one CPU; this process, pinned to the other, opens ``--clients``
WebSocket connections (raw asyncio protocol over uvloop, no WebSocket library: the client
must not be the bottleneck). Each subscribes to ``--subscriptions`` of ``--instruments``
instruments at random, in quote mode; every 100th connection is a probe in full mode, whose
ticks carry the last trade time. The server then journals ``--rate`` trades a second spread
over the instruments (real orders through the real core), for ``--warmup`` + ``--seconds``.

Figures over the measured seconds: ``updates_per_s`` (instrument ticks delivered to clients,
summed over connections), ``messages_per_s`` (WebSocket frames), trade-to-client latency
(probe ticks whose last trade time is new: receive time minus that trade's journal time, both
wall clocks of this machine), the server process's peak RSS, and its CPU time over the
measured seconds (``server_cpu_share`` of one core, ``server_cpu_us_per_message``: the figure
that other load on the machine disturbs least).

Baseline, in the same run: the same server and WebSocket stack broadcasting one pre-encoded
frame (as many quote ticks as the measured frames carried on average, stamped with the send
time) to the same number of connections, round after round as fast as it can, with nothing
behind it. ``ratio_vs_bare`` is updates/s over the baseline's updates/s.

The platform's SQL projections (ledger, candles) run in their projector process, which the
server moves to this process's CPU, as ``http_orders`` does: the server's CPU holds the
fan-out process alone.

``--py-spy FILE`` records the server with py-spy (raw format, all threads) over the measured
seconds of the fan-out (not the baseline), for finding where its CPU goes.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import uvloop

from bench_platform import free_port, listening
from timing import percentile
from ws_client import Stats, connect_all, upgrade_request

HERE = Path(__file__).resolve().parent
TARGETS = {"updates_per_s": 80_000, "latency_p99_ms": 100, "server_rss_mib": 1024}
PROBE_EVERY = 100


def post(port: int, path: str) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


class RssWatch:
    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0

    async def run(self) -> None:
        while True:
            self.peak = max(self.peak, self.process.memory_info().rss)
            await asyncio.sleep(0.25)


def latency_figures(samples: list[int]) -> dict[str, Any]:
    ordered = sorted(samples)
    if not ordered:
        return {"latency_samples": 0}
    return {
        "latency_p50_ms": round(percentile(ordered, 0.50) / 1e6, 1),
        "latency_p99_ms": round(percentile(ordered, 0.99) / 1e6, 1),
        "latency_max_ms": round(ordered[-1] / 1e6, 1),
        "latency_samples": len(ordered),
    }


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def measure(
    stats: Stats, seconds: float, server: psutil.Process, py_spy: str | None = None
) -> dict[str, Any]:
    stats.ticks = stats.messages = 0
    stats.latencies = []
    stats.measuring = True
    cpu_before = cpu_seconds(server)
    if py_spy:
        record = ["py-spy", "record", "--pid", str(server.pid), "--duration", str(int(seconds))]
        record += ["--format", "raw", "--threads", "--nonblocking", "--output", py_spy]
        spy = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / record[0]), *record[1:],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    await asyncio.sleep(seconds)
    cpu = cpu_seconds(server) - cpu_before
    stats.measuring = False
    if py_spy:
        await spy.wait()
    return {
        "updates_per_s": round(stats.ticks / seconds),
        "messages_per_s": round(stats.messages / seconds),
        "ticks_per_message": round(stats.ticks / max(1, stats.messages), 2),
        "server_cpu_share": round(cpu / seconds, 2),
        "server_cpu_us_per_message": round(cpu / max(1, stats.messages) * 1e6, 2),
        **latency_figures(stats.latencies),
    }


async def run(
    args: argparse.Namespace, port: int, seed: dict[str, Any], pid: int
) -> dict[str, Any]:
    rng = random.Random(11)
    watch = RssWatch(pid)
    watcher = asyncio.create_task(watch.run())
    tokens: list[int] = seed["instruments"]
    stats = Stats()
    specs = []
    for n in range(args.clients):
        probe = n % PROBE_EVERY == 0
        chosen = rng.sample(tokens, args.subscriptions)
        hello = json.dumps({"a": "mode", "v": ["full" if probe else "quote", chosen]}).encode()
        specs.append((upgrade_request("/api/v1/ws", seed["token"]), hello, probe))
    started = time.monotonic()
    clients = await connect_all(port, specs, stats)
    connect_s = time.monotonic() - started
    while stats.snapshots < len(clients) and time.monotonic() - started < 120:
        await asyncio.sleep(0.1)
    duration = args.warmup + args.seconds + 1
    await asyncio.to_thread(post, port, f"/bench/trades?rate={args.rate}&seconds={duration}")
    await asyncio.sleep(args.warmup)
    fanout = await measure(stats, args.seconds, watch.process, args.py_spy)
    fanout["server_rss_mib"] = round(watch.peak / 2**20)
    fanout["closed_by_server"] = stats.closed
    await asyncio.sleep(1.5)
    for client in clients:
        assert client.transport is not None
        client.transport.close()
    await asyncio.sleep(1)

    bare_stats = Stats()
    bare_specs = [(upgrade_request("/bench/bare", None), None, False)] * args.clients
    bare_clients = await connect_all(port, bare_specs, bare_stats)
    ticks = max(1, round(fanout["ticks_per_message"]))
    await asyncio.to_thread(post, port, f"/bench/bare?seconds={duration}&ticks={ticks}")
    await asyncio.sleep(args.warmup)
    bare = await measure(bare_stats, args.seconds, watch.process)
    for client in bare_clients:
        assert client.transport is not None
        client.transport.close()
    watcher.cancel()
    fanout["connect_s"] = round(connect_s, 1)
    return {"fanout": fanout, "bare": bare}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--instruments", type=int, default=200)
    parser.add_argument("--subscriptions", type=int, default=20)
    parser.add_argument("--rate", type=int, default=1_000, help="trades per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--flush-ms", type=int, default=50)
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--py-spy", metavar="FILE", help="record the server's fan-out seconds")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {args.client_cpu})
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        seed_path = Path(scratch) / "seed.json"
        server = subprocess.Popen(
            [sys.executable, str(HERE / "fanout_server.py"), str(port), str(seed_path),
             str(args.instruments), str(args.server_cpu), str(args.flush_ms),
             str(args.client_cpu)],
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not seed_path.exists() or not listening(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the benchmark server did not start")
                time.sleep(0.1)
            time.sleep(0.2)
            seed = json.loads(seed_path.read_text())
            uvloop.install()
            result = asyncio.run(run(args, port, seed, server.pid))
        finally:
            server.terminate()
            server.wait(30)
    fanout, bare = result["fanout"], result["bare"]
    line: dict[str, Any] = {"name": "fanout", **fanout, "bare": bare}
    line["ratio_vs_bare"] = round(fanout["updates_per_s"] / max(1, bare["updates_per_s"]), 3)
    line.update(
        {
            "clients": args.clients,
            "instruments": args.instruments,
            "subscriptions_per_client": args.subscriptions,
            "trades_per_s": args.rate,
            "flush_ms": args.flush_ms,
            "server": (
                "uvicorn + httptools + uvloop, websockets-sansio with direct frame writes, "
                "one process on one CPU"
            ),
            "loadavg_1m": round(os.getloadavg()[0], 2),
            "targets": TARGETS,
        }
    )
    line["meets_targets"] = (
        fanout["updates_per_s"] >= TARGETS["updates_per_s"]
        and fanout.get("latency_p99_ms", 1e9) <= TARGETS["latency_p99_ms"]
        and fanout["server_rss_mib"] <= TARGETS["server_rss_mib"]
    )
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()

"""``sim_load``: the simulator's order rate into the embedded platform, and what it does to a
human's order latency. One JSON line.

Two phases, each against a fresh server (``sim_server.py``: the whole platform with the shipped
NSE universe): first with the simulator off (the baseline), then with it trading at
``--rate`` taker orders/s (market makers requote on top). In each phase one human client sends
MARKET orders for 1 INFY (buy, then sell, ...) over one keep-alive connection, one at a time,
``--think`` seconds apart, and we record each order's send-to-answer latency; in the second
phase the server's counters give the simulator's achieved rate over the same window.

Targets (issue 6): the simulator sends at least 5,000 order messages/s (places and cancels) and
the human's p99 stays at or below 50 ms. ``p99_ratio_vs_baseline`` compares the human's p99 with
the simulator on against the same run's baseline.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench_platform import free_port, listening
from timing import percentile

HERE = Path(__file__).resolve().parent
TARGETS = {"sim_orders_per_s": 5_000, "human_p99_ms": 50.0}


def human_orders(
    base: str, token: str, warmup: float, seconds: float, think: float
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    failures = 0
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        counters = client.get("/bench/sim").json()
        start = time.monotonic()
        measure_from = start + warmup
        side = "BUY"
        while time.monotonic() < measure_from + seconds:
            if time.monotonic() >= measure_from and counters.get("_window") is None:
                counters = client.get("/bench/sim").json() | {"_window": True}
            body = {
                "exchange": "NSE", "tradingsymbol": "INFY", "transaction_type": side,
                "order_type": "MARKET", "product": "CNC", "quantity": 1,
            }  # fmt: skip
            sent = time.perf_counter()
            answer = client.post("/api/v1/orders/regular", json=body)
            took_ms = (time.perf_counter() - sent) * 1000
            side = "SELL" if side == "BUY" else "BUY"
            if time.monotonic() < measure_from:
                continue
            if answer.status_code == 200:
                latencies.append(took_ms)
            else:
                failures += 1
            time.sleep(think)
        after = client.get("/bench/sim").json()
    elapsed = after["monotonic"] - counters["monotonic"]
    return {
        "human_orders": len(latencies),
        "human_failures": failures,
        "human_p50_ms": round(percentile(sorted(latencies), 0.50), 2),
        "human_p99_ms": round(percentile(sorted(latencies), 0.99), 2),
        "human_max_ms": round(max(latencies), 2),
        "sim_orders_per_s": round((after["commands"] - counters["commands"]) / elapsed),
        "sim_places_per_s": round((after["placed"] - counters["placed"]) / elapsed),
        "sim_rejected": after["rejected"],
    }


def phase(rate: float, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        tokens_path = Path(scratch) / "tokens.json"
        server = subprocess.Popen(
            [sys.executable, str(HERE / "sim_server.py"), str(port), str(rate), str(tokens_path)]
        )
        try:
            deadline = time.monotonic() + 120
            while not tokens_path.exists() or not listening(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the benchmark server did not start")
                time.sleep(0.1)
            token = json.loads(tokens_path.read_text())["token"]
            return human_orders(
                f"http://127.0.0.1:{port}", token, args.warmup, args.seconds, args.think
            )
        finally:
            server.terminate()
            server.wait(30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=1_500.0, help="simulated taker orders/s")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--think", type=float, default=0.02, help="human pause between orders")
    args = parser.parse_args(argv)

    baseline = phase(0.0, args)
    loaded = phase(args.rate, args)
    line: dict[str, Any] = {"name": "sim_load", "sim_rate_setting": args.rate}
    line.update(loaded)
    line["baseline"] = {k: v for k, v in baseline.items() if k.startswith("human_")}
    line["p99_ratio_vs_baseline"] = round(
        loaded["human_p99_ms"] / max(0.01, baseline["human_p99_ms"]), 2
    )
    line["cpus"] = os.cpu_count()
    line["loadavg_1m"] = round(os.getloadavg()[0], 2)
    line["targets"] = TARGETS
    line["meets_targets"] = (
        loaded["sim_orders_per_s"] >= TARGETS["sim_orders_per_s"]
        and loaded["human_p99_ms"] <= TARGETS["human_p99_ms"]
    )
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()

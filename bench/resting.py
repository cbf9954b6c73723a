"""``resting_1m``: memory of a core holding 1,000,000 resting orders (run in its own process).

Run as a script by ``bench/core.py`` so the RSS it reports is this process's alone. Places
``--orders`` non-crossing limit orders (buys below each instrument's reference price, sells
above, up to 3,999 ticks away) from 1,000 accounts over 50 instruments into a default-config
``TradingCore``, timing each ``apply``. Commands are built in chunks of 10,000 and dropped once
applied, so the RSS is the core's state plus the interpreter, not the input. Prints one JSON
line: RSS after the fill (``rss_mib``), before it (``rss_baseline_mib``, including the
preallocated timing array) and the difference per order.
"""

import argparse
import gc
import json
import random
import sys
import time
from array import array
from typing import Any

import psutil

from bourse.core.config import CoreConfig
from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from engines import CoreDriver, account_id, token_of
from timing import percentile, pin_to_cpu, timer_overhead_ns
from workload import WorkloadSpec

CHUNK = 10_000
MAX_OFFSET_TICKS = 3_999
TICK_PAISE = 5


def _chunk(rng: random.Random, spec: WorkloadSpec, count: int) -> list[cmd.PlaceOrder]:
    commands = []
    for _ in range(count):
        is_buy = rng.random() < 0.5
        offset = rng.randint(1, MAX_OFFSET_TICKS)
        ticks = spec.mid_ticks - offset if is_buy else spec.mid_ticks + offset
        commands.append(
            cmd.PlaceOrder(
                account=account_id(rng.randrange(spec.accounts)),
                token=token_of(rng.randrange(spec.instruments)),
                side=Side.BUY if is_buy else Side.SELL,
                order_type=OrderType.LIMIT,
                product=Product.CNC,
                quantity=rng.randint(1, 100),
                price=ticks * TICK_PAISE,
            )
        )
    return commands


def fill(orders: int, seed: int) -> dict[str, Any]:
    spec = WorkloadSpec(instruments=50, accounts=1_000, seed=seed)
    rng = random.Random(seed)
    overhead = timer_overhead_ns()
    driver = CoreDriver(spec, CoreConfig())
    samples = array("q", bytes(8 * orders))
    process = psutil.Process()
    gc.collect()
    baseline = process.memory_info().rss
    clock = time.perf_counter_ns
    apply = driver.core.apply
    placed = 0
    while placed < orders:
        count = min(CHUNK, orders - placed)
        stamped = [(command, driver.next_ts()) for command in _chunk(rng, spec, count)]
        for command, ts in stamped:
            t0 = clock()
            apply(command, ts)
            samples[placed] = clock() - t0
            placed += 1
        del stamped
    rss = process.memory_info().rss
    corrected = sorted(max(0, s - overhead) for s in samples)
    resting = len(driver.core.orders)
    return {
        "name": "resting_1m",
        "ops_per_s": round(orders * 1e9 / sum(corrected)),
        "p50_us": round(percentile(corrected, 0.50) / 1000, 3),
        "p99_us": round(percentile(corrected, 0.99) / 1000, 3),
        "p999_us": round(percentile(corrected, 0.999) / 1000, 3),
        "max_us": round(corrected[-1] / 1000, 1),
        "ops": orders,
        "resting_end": resting,
        "consistent": resting == orders,
        "rss_mib": round(rss / 2**20, 1),
        "rss_baseline_mib": round(baseline / 2**20, 1),
        "bytes_per_order": round((rss - baseline) / orders),
        "instruments": spec.instruments,
        "accounts": spec.accounts,
        "gc": "enabled",
        "timer_overhead_ns": overhead,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20_260_101)
    parser.add_argument("--pin", type=int, default=None, help="CPU to pin to")
    args = parser.parse_args()
    cpu = None if args.pin is None else pin_to_cpu(args.pin)
    line = fill(args.orders, args.seed)
    line["cpu"] = cpu
    print(json.dumps(line))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Benchmarks of the trading core; prints one JSON line per case (``make bench``).

Cases (see each module's docstring for what exactly is timed):

* ``bare_book`` (book_cases.py): book + matching through the lightest real path, against
  lightmatchingengine and limit-order-book on the same stream.
* ``full_core`` (book_cases.py): risk + matching + charges + events over 1,000 accounts and
  50 instruments, with the collector's thresholds as the platform sets them for its core
  (``bourse.gc_tuning.tune_gc_for_core``).
* ``journaled_core`` (journaled.py): ``full_core``'s stream through the journal's fsync group
  commit from producer threads; latency is time-to-durable.
* ``resting_1m`` (resting.py, own process): RSS with 1,000,000 resting orders.

Every line has ``name``, ``ops_per_s``, ``p50_us``, ``p99_us``, ``p999_us`` and, where a peer
replayed the same stream, ``ratio_vs_<peer>`` (Bourse ops/s divided by the peer's). The process
is pinned to one CPU (``cpu``; the least busy one unless ``--cpu`` names one). The stream comes
from workload.py.
"""

import argparse
import cProfile
import gc
import json
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import book_cases
from journaled import SNAPSHOT_EVERY, journaled_core
from timing import least_busy_cpu, pin_to_cpu, run_untimed, timer_overhead_ns

CASES = ("bare_book", "full_core", "journaled_core", "resting_1m")
TARGETS: dict[str, dict[str, float]] = {
    "bare_book": {"ops_per_s": 1_000_000, "p99_us": 5, "ratio_vs_lightmatchingengine": 2.5},
    "full_core": {"ops_per_s": 300_000, "p99_us": 15},
    "journaled_core": {"ops_per_s": 200_000, "p99_us": 5_000},
    "resting_1m": {"rss_mib": 1_024},
}
BENCH_DIR = Path(__file__).resolve().parent


def meets(name: str, line: dict[str, Any]) -> bool:
    """Every target of the case met (maxima for latency and memory, minima otherwise)."""
    for key, target in TARGETS[name].items():
        value = line.get(key)
        if value is None:
            return False
        at_most = key.startswith("p") or key == "rss_mib"
        if (value > target) if at_most else (value < target):
            return False
    return True


def resting_1m(args: argparse.Namespace, cpu: int | None) -> dict[str, Any]:
    command = [sys.executable, str(BENCH_DIR / "resting.py"), "--orders", str(args.orders)]
    command += ["--seed", str(args.seed)]
    if cpu is not None:
        command += ["--pin", str(cpu)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"name": "resting_1m", "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def profile(name: str, args: argparse.Namespace) -> None:
    """cProfile the headline Bourse engine of a case on its measured ops (nothing else timed);
    print the top functions with their own and cumulative share of the run to stderr."""
    calls = book_cases.profile_calls(name, args.ops, args.seed)
    profiler = cProfile.Profile()
    profiler.enable()
    run_untimed(calls)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(own for _, _, own, _, _ in stats.values())
    column = 3 if args.profile_sort == "cumulative" else 2
    rows = sorted(stats.items(), key=lambda item: item[1][column], reverse=True)
    print(f"{'cum %':>6} {'own %':>6} {'calls':>9}  function", file=sys.stderr)
    for (path, line, function), (_, calls_, own, cumulative, _) in rows[: args.profile_top]:
        where = f"{Path(path).name}:{line}({function})" if line else function
        print(
            f"{100 * cumulative / total:6.1f} {100 * own / total:6.1f} {calls_:9d}  {where}",
            file=sys.stderr,
        )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=CASES, help="repeatable; default all")
    parser.add_argument("--ops", type=int, default=300_000, help="measured ops per case")
    parser.add_argument("--seed", type=int, default=20_260_101)
    parser.add_argument("--orders", type=int, default=1_000_000, help="resting_1m orders")
    parser.add_argument("--producers", type=int, default=4, help="journaled_core threads")
    parser.add_argument(
        "--window", type=int, default=512, help="journaled_core: commands in flight per producer"
    )
    parser.add_argument(
        "--group",
        type=int,
        default=64,
        help="journaled_core: commands per submit_many (1: one submit and future per command)",
    )
    parser.add_argument(
        "--snapshot-every",
        type=int,
        default=SNAPSHOT_EVERY,
        help="journaled_core: commands between snapshots (the JournaledCore default)",
    )
    parser.add_argument(
        "--writer-thread",
        action="store_true",
        help="journaled_core: commit batches from a writer thread (the core thread otherwise)",
    )
    parser.add_argument(
        "--cpu",
        default="auto",
        help="CPU to pin to: a number, 'auto' (least busy one now) or 'none'",
    )
    parser.add_argument("--no-peers", action="store_true", help="skip the peer engines")
    parser.add_argument(
        "--gc-both",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time Bourse in bare_book/full_core with the collector disabled",
    )
    parser.add_argument(
        "--profile",
        choices=("bare_book", "core_apply", "full_core"),
        help="cProfile this case's Bourse run to stderr instead of benchmarking",
    )
    parser.add_argument("--profile-sort", choices=("cumulative", "own"), default="cumulative")
    parser.add_argument("--profile-top", type=int, default=40)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    cpu = None
    if args.cpu != "none":
        cpu = pin_to_cpu(least_busy_cpu() if args.cpu == "auto" else int(args.cpu))
    if args.profile:
        profile(args.profile, args)
        return
    overhead = timer_overhead_ns()
    options = book_cases.Options(
        ops=args.ops,
        seed=args.seed,
        overhead_ns=overhead,
        gc_both=args.gc_both,
        peers=not args.no_peers,
    )
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "bare_book": lambda: book_cases.bare_book(options),
        "full_core": lambda: book_cases.full_core(options),
        "journaled_core": lambda: journaled_core(
            args.ops,
            args.seed,
            args.producers,
            args.window,
            args.snapshot_every,
            args.group,
            args.writer_thread,
        ),
        "resting_1m": lambda: resting_1m(args, cpu),
    }
    for name in args.case or CASES:
        started = time.perf_counter()
        line = runners[name]()
        gc.collect()
        line.setdefault("timer_overhead_ns", overhead)
        line["cpu"] = cpu
        line["compiled"] = book_cases.compiled()
        line["loadavg_1m"] = round(os.getloadavg()[0], 2)
        line["meets_targets"] = meets(name, line)
        line["targets"] = TARGETS[name]
        line["case_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()

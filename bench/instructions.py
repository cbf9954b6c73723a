"""Instructions per full-core command, counted by callgrind: repeatable on a busy machine.

``python bench/instructions.py`` re-runs itself under ``valgrind --tool=callgrind`` and counts
the ``--ops`` measured commands of the ``full_core`` stream. Setup and warm-up run first,
uninstrumented (so fast) until the script switches instrumentation on with
``callgrind_control``; then the measured commands, and only they, run through
``itertools.starmap``, whose C ``next`` callgrind collects inside (``--toggle-collect``). Each
command goes through ``TradingCore.apply``'s Python entry point, so argument handling and any
garbage collection it triggers count; starmap's own few instructions per call are the only
extra. The string hash seed is fixed, so a rerun of the same code counts within a few
thousand instructions in total.

``--gc`` picks the collector's tuning for the measured commands: the platform's ``tuned``
thresholds (``bourse.gc_tuning.tune_gc_for_core``, as ``full_core`` times them; the default),
Python's ``default`` ones, or ``off``. Counts the core as it
imports (``compiled`` in the line says whether that is the mypyc build). Prints one JSON line.
"""

import argparse
import gc
import json
import os
import subprocess
from collections import deque
from itertools import starmap

import book_cases
from callgrind import count_instructions
from engines import CoreDriver
from timing import run_untimed
from workload import generate

ENTRY = "starmap_next"
"""CPython's C function behind ``next()`` on an ``itertools.starmap``."""


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20_260_101)
    parser.add_argument("--gc", choices=("tuned", "default", "off"), default="tuned")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--instrument-late", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_stream(args: argparse.Namespace) -> None:
    """The measured part (runs under valgrind): setup untimed, then the commands."""
    from bourse.gc_tuning import tune_gc_for_core

    spec, config = book_cases.full_core_setup(args.ops, args.seed)
    workload = generate(spec)
    driver = CoreDriver(spec, config)
    run_untimed(driver.calls(workload.setup))
    calls = driver.calls(workload.measured)
    apply = driver.core.apply
    assert all(fn == apply for fn, _ in calls)
    arguments = [args for _, args in calls]
    gc.collect()
    gc.freeze()
    if args.gc == "tuned":
        tune_gc_for_core()
    elif args.gc == "off":
        gc.disable()
    if args.instrument_late:
        # Setup ran uninstrumented (fast); instrumentation starts here. callgrind_control
        # waits until valgrind has taken the request.
        subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True)
    deque(starmap(apply, arguments), maxlen=0)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.inner:
        run_stream(args)
        return
    total = count_instructions(
        __file__,
        ["--instrument-late", "--ops", str(args.ops), "--seed", str(args.seed), "--gc", args.gc],
        valgrind_options=["--collect-atstart=no", f"--toggle-collect={ENTRY}"],
        count_line="summary",
    )
    line = {
        "name": "full_core_instructions",
        "ops": args.ops,
        "seed": args.seed,
        "gc": args.gc,
        "compiled": book_cases.compiled(),
        "instructions": total,
        "per_command": round(total / args.ops),
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()

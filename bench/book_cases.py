"""In-process cases: ``bare_book`` and ``full_core``.

* ``bare_book``: Bourse's book and matching alone through ``BareBook`` (the core's matching code
  without accounts, risk, charges or events), against lightmatchingengine and limit-order-book
  on the same stream. Also reported, as ``core_apply``: the lightest path through the whole
  core — ``TradingCore.apply`` with one instrument, no charges, no ``BookChanged`` events and
  one account per side (so neither self-trade prevention nor funds ever bind). Without
  ``BareBook`` that path is the headline figure.
* ``full_core``: the default configuration (NSE equity charges, book events), 50 instruments
  and 1,000 accounts trading CNC, each order from a random account (self-trades prevented). No
  peers: they have no accounts, cannot prevent self-trades, and so diverge from the stream
  (limit-order-book aborts on the first cancel of an order it already filled). Timed with the
  collector tuned as the platform tunes it for its core (``bourse.gc_tuning.tune_gc_for_core``:
  everything built so far frozen, young generation collected every 100,000 allocations
  rather than 700); the line's ``gc`` says so.

Every engine gets the untimed fill and warm-up, then its measured ops timed one by one,
interleaved with the other engines in slices so load from elsewhere on the machine hits all of
them alike. Before timing, everything built so far is collected and frozen (``gc.freeze``); the
collector stays enabled for what the timed ops allocate, with its default thresholds in
``bare_book`` and the platform's in ``full_core`` (``--gc-both`` adds a Bourse run with it
disabled).
"""

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bourse.core.engine
from bourse.core.config import CoreConfig
from bourse.gc_tuning import tune_gc_for_core
from engines import BareBook, BareDriver, CoreDriver, Driver, LmeDriver, LobDriver
from timing import Call, by_label, measure_interleaved, run_untimed
from workload import Workload, WorkloadSpec, generate, label

PEERS: dict[str, Callable[[int], Driver]] = {
    "lightmatchingengine": LmeDriver,
    "limit_order_book": LobDriver,
}
OURS = "bourse"
CORE_APPLY = "core_apply"
GC_OFF = "bourse_gc_disabled"
HEADLINE = ("ops_per_s", "p50_us", "p99_us", "p999_us")


@dataclass(frozen=True)
class Options:
    ops: int
    seed: int
    overhead_ns: int
    gc_both: bool
    """Also time Bourse with the collector disabled (a second, fresh engine)."""
    peers: bool


def compiled() -> bool:
    """Whether the core runs compiled (mypyc) rather than interpreted."""
    return not bourse.core.engine.__file__.endswith(".py")


def bare_book_setup(ops: int, seed: int) -> tuple[WorkloadSpec, CoreConfig]:
    return WorkloadSpec(ops=ops, seed=seed), CoreConfig(charge_schedule="zero", book_events=False)


def full_core_setup(ops: int, seed: int) -> tuple[WorkloadSpec, CoreConfig]:
    spec = WorkloadSpec(
        ops=ops, seed=seed, instruments=50, accounts=1_000, warmup_ops=max(50_000, ops // 4)
    )
    return spec, CoreConfig()


def _ratios(ours: dict[str, Any], results: dict[str, dict[str, Any]]) -> dict[str, float]:
    return {
        f"ratio_vs_{peer}": round(ours["ops_per_s"] / results[peer]["ops_per_s"], 3)
        for peer in PEERS
        if peer in results
    }


def _drivers(
    spec: WorkloadSpec, config: CoreConfig, options: Options, *, bare: bool
) -> tuple[dict[str, Driver], CoreDriver]:
    core = CoreDriver(spec, config)
    drivers: dict[str, Driver] = {}
    if bare and BareBook is not None:
        drivers[OURS] = BareDriver(spec.instruments)
        drivers[CORE_APPLY] = core
        if options.gc_both:
            drivers[GC_OFF] = BareDriver(spec.instruments)
    else:
        drivers[OURS] = core
        if options.gc_both:
            drivers[GC_OFF] = CoreDriver(spec, config)
    if options.peers:
        for peer, make in PEERS.items():
            drivers[peer] = make(spec.instruments)
    return drivers, core


def _time(
    drivers: dict[str, Driver], workload: Workload, overhead_ns: int, *, platform_gc: bool
) -> dict[str, dict[str, Any]]:
    runs: dict[str, list[Call]] = {}
    for name, driver in drivers.items():
        run_untimed(driver.calls(workload.setup))
        runs[name] = driver.calls(workload.measured)
    results, samples = measure_interleaved(
        runs,
        overhead_ns,
        gc_disabled=frozenset({GC_OFF}),
        tune_gc=tune_gc_for_core if platform_gc else None,
    )
    labels = [label(op) for op in workload.measured]
    for name, driver in drivers.items():
        results[name]["resting_end"] = driver.resting()
        if name in (OURS, CORE_APPLY):
            results[name]["by_kind"] = by_label(samples[name], labels, overhead_ns)
    return results


def run_case(
    name: str,
    spec: WorkloadSpec,
    config: CoreConfig,
    options: Options,
    *,
    bare: bool,
    platform_gc: bool = False,
) -> dict[str, Any]:
    started = time.perf_counter()
    workload = generate(spec)
    generated = time.perf_counter() - started
    drivers, core = _drivers(spec, config, options, bare=bare)
    results = _time(drivers, workload, options.overhead_ns, platform_gc=platform_gc)
    ours = results.pop(OURS)
    line: dict[str, Any] = {"name": name}
    line.update({key: ours.pop(key) for key in HEADLINE})
    line.update(_ratios(line, results))
    line["path"] = "BareBook" if CORE_APPLY in results else "TradingCore.apply"
    line.update(ours)
    if CORE_APPLY in results:
        apply = results.pop(CORE_APPLY)
        line[CORE_APPLY] = {key: apply[key] for key in (*HEADLINE, "max_us", "by_kind")}
        line[CORE_APPLY].update(_ratios(apply, results))
    line["gc"] = "enabled; setup frozen (gc.freeze)"
    if platform_gc:
        line["gc"] += "; platform thresholds (bourse.gc_tuning.tune_gc_for_core)"
    if GC_OFF in results:
        off = results.pop(GC_OFF)
        line["gc_disabled"] = {key: off[key] for key in (*HEADLINE, "max_us")}
    expected = workload.resting_at_end
    placements = workload.placements_in_setup + workload.kinds["limit"] + workload.kinds["market"]
    line["consistent"] = core.placed() == placements and all(
        driver.resting() == expected for driver in drivers.values()
    )
    line["crossing_fraction"] = round(workload.crossing_fraction, 4)
    line["kinds"] = workload.kinds
    line["resting_start"] = workload.resting_after_setup
    line["instruments"] = spec.instruments
    line["accounts"] = spec.accounts or 2
    line["seed"] = spec.seed
    line["config"] = {"charge_schedule": config.charge_schedule, "book_events": config.book_events}
    line["peers"] = results
    line["generate_s"] = round(generated, 2)
    return line


def bare_book(options: Options) -> dict[str, Any]:
    return run_case("bare_book", *bare_book_setup(options.ops, options.seed), options, bare=True)


def full_core(options: Options) -> dict[str, Any]:
    spec, config = full_core_setup(options.ops, options.seed)
    options = dataclasses.replace(options, peers=False)
    line = run_case("full_core", spec, config, options, bare=False, platform_gc=True)
    line["peers_skipped"] = "no accounts, so no self-trade prevention: they diverge from the stream"
    return line


def profile_calls(name: str, ops: int, seed: int) -> list[Call]:
    """The prepared calls of a case's headline Bourse engine (``core_apply``: of bare_book's
    ``TradingCore.apply`` path), fill and warm-up applied."""
    setup = full_core_setup if name == "full_core" else bare_book_setup
    spec, config = setup(ops, seed)
    workload = generate(spec)
    driver: Driver
    if name == "bare_book" and BareBook is not None:
        driver = BareDriver(spec.instruments)
    else:
        driver = CoreDriver(spec, config)
    run_untimed(driver.calls(workload.setup))
    return driver.calls(workload.measured)

"""Per-operation timing with ``time.perf_counter_ns`` and the figures every case reports.

Each op is timed on its own (two clock reads around one call); the median cost of a clock read
pair (``timer_overhead_ns``) is subtracted from every sample. ``ops_per_s`` is ops divided by
the sum of the corrected samples, i.e. the time spent inside the engine calls only;
``wall_ops_per_s`` divides by the loop's wall time instead (clock reads and loop included).
"""

import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

Call = tuple[Callable[..., Any], tuple[Any, ...]]


def _busy_jiffies() -> dict[int, int]:
    busy: dict[int, int] = {}
    with open("/proc/stat") as stat:
        for row in stat:
            name, *fields = row.split()
            if name.startswith("cpu") and name != "cpu":
                values = [int(v) for v in fields]
                busy[int(name[3:])] = sum(values) - values[3] - values[4]  # minus idle, iowait
    return busy


def least_busy_cpu(sample_s: float = 0.3) -> int:
    """The allowed CPU that was least busy over ``sample_s`` (0 when /proc is unavailable)."""
    try:
        allowed = os.sched_getaffinity(0)
        before = _busy_jiffies()
        time.sleep(sample_s)
        after = _busy_jiffies()
    except (AttributeError, OSError, ValueError):
        return 0
    return min(sorted(allowed), key=lambda cpu: after.get(cpu, 0) - before.get(cpu, 0))


def pin_to_cpu(cpu: int = 0) -> int | None:
    """Pin this process (and children started later) to one CPU; the CPU, or None if refused."""
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        return None
    return cpu


class GcWatch:
    """Counts garbage collections by generation and their pauses, per label (``label``)."""

    def __init__(self) -> None:
        self.label = ""
        self.counts: dict[str, list[int]] = {}
        self.max_ns: dict[str, int] = {}
        self.total_ns: dict[str, int] = {}
        self._started = 0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter_ns()
            return
        took = time.perf_counter_ns() - self._started
        counts = self.counts.setdefault(self.label, [0, 0, 0])
        counts[info["generation"]] += 1
        self.max_ns[self.label] = max(self.max_ns.get(self.label, 0), took)
        self.total_ns[self.label] = self.total_ns.get(self.label, 0) + took

    def __enter__(self) -> "GcWatch":
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)

    def report(self, label: str = "") -> dict[str, Any]:
        """Collections per generation, the longest pause and the total, in ms."""
        return {
            "gc_collections": self.counts.get(label, [0, 0, 0]),
            "gc_max_pause_ms": round(self.max_ns.get(label, 0) / 1e6, 2),
            "gc_total_ms": round(self.total_ns.get(label, 0) / 1e6, 1),
        }


def timer_overhead_ns(rounds: int = 200_000) -> int:
    """Median cost of two back-to-back ``perf_counter_ns`` reads."""
    clock = time.perf_counter_ns
    deltas = [0] * rounds
    for i in range(rounds):
        t0 = clock()
        deltas[i] = clock() - t0
    deltas.sort()
    return deltas[rounds // 2]


@contextmanager
def gc_mode(enabled: bool) -> Iterator[None]:
    """Leave the collector as it is, or disable it for the block."""
    if enabled:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def time_calls(calls: Sequence[Call]) -> tuple[list[int], int]:
    """Run ``fn(*args)`` for each call, timing each; (raw samples in ns, loop wall time in ns)."""
    clock = time.perf_counter_ns
    samples = [0] * len(calls)
    start = clock()
    for i, (fn, args) in enumerate(calls):
        t0 = clock()
        fn(*args)
        samples[i] = clock() - t0
    return samples, clock() - start


def run_untimed(calls: Iterable[Call]) -> None:
    for fn, args in calls:
        fn(*args)


def percentile(sorted_samples: Sequence[int], q: float) -> int:
    """Nearest-rank percentile of already sorted samples."""
    n = len(sorted_samples)
    rank = max(1, min(n, -(-round(q * n * 1_000_000) // 1_000_000)))
    return sorted_samples[rank - 1]


def summarize(samples: list[int], wall_ns: int, overhead_ns: int) -> dict[str, Any]:
    """ops_per_s, wall_ops_per_s and p50/p99/p99.9 in microseconds, overhead subtracted."""
    corrected = sorted(max(0, s - overhead_ns) for s in samples)
    total = sum(corrected)
    n = len(corrected)
    return {
        "ops": n,
        "ops_per_s": round(n * 1e9 / total) if total else None,
        "wall_ops_per_s": round(n * 1e9 / wall_ns) if wall_ns else None,
        "p50_us": round(percentile(corrected, 0.50) / 1000, 3),
        "p99_us": round(percentile(corrected, 0.99) / 1000, 3),
        "p999_us": round(percentile(corrected, 0.999) / 1000, 3),
        "max_us": round(corrected[-1] / 1000, 1),
    }


def measure_interleaved(
    runs: dict[str, Sequence[Call]],
    overhead_ns: int,
    segments: int = 20,
    gc_disabled: frozenset[str] = frozenset(),
    tune_gc: Callable[[], None] | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, list[int]]]:
    """Time several engines on their own call lists, alternating in ``segments`` slices.

    Engine A runs its first slice, then B its first, ..., then A its second (the order rotates
    each round), so a change in machine load during the run hits every engine alike and their
    ratio stays meaningful on a shared machine. Everything that exists before timing starts is
    collected and frozen (``gc.freeze``), so the collector only ever scans what the timed ops
    allocate; runs named in ``gc_disabled`` have it disabled during their slices. ``tune_gc``,
    if given, is called after that (e.g. to set the collector's thresholds as the platform
    does); the thresholds are put back afterwards.

    Returns each run's summary and its raw samples, in call order.
    """
    names = list(runs)
    samples: dict[str, list[int]] = {name: [] for name in names}
    wall: dict[str, int] = dict.fromkeys(names, 0)
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    if tune_gc is not None:
        tune_gc()
    with GcWatch() as watch:
        for segment in range(segments):
            for name in names[segment % len(names) :] + names[: segment % len(names)]:
                calls = runs[name]
                size = -(-len(calls) // segments)
                watch.label = name
                with gc_mode(name not in gc_disabled):
                    part, wall_ns = time_calls(calls[segment * size : (segment + 1) * size])
                samples[name].extend(part)
                wall[name] += wall_ns
    gc.set_threshold(*thresholds)
    gc.unfreeze()
    summaries = {
        name: summarize(samples[name], wall[name], overhead_ns) | watch.report(name)
        for name in names
    }
    return summaries, samples


def by_label(
    samples: Sequence[int], labels: Sequence[str], overhead_ns: int
) -> dict[str, dict[str, Any]]:
    """Share of the time, mean, p50 and p99 (µs) of the samples grouped by label."""
    groups: dict[str, list[int]] = {}
    for sample, name in zip(samples, labels, strict=True):
        groups.setdefault(name, []).append(max(0, sample - overhead_ns))
    total = sum(sum(group) for group in groups.values())
    result = {}
    for name, group in sorted(groups.items()):
        group.sort()
        result[name] = {
            "ops": len(group),
            "time_share": round(sum(group) / total, 3),
            "mean_us": round(sum(group) / len(group) / 1000, 3),
            "p50_us": round(percentile(group, 0.5) / 1000, 3),
            "p99_us": round(percentile(group, 0.99) / 1000, 3),
        }
    return result

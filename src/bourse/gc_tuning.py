"""How the platform's processes tune Python's garbage collector: the serving process
(``bourse.app``) and the projector process (``bourse.projection.process``) both hold a trading
core, and both call ``tune_gc_for_core`` once its imports (and, in the server, its recovered
state) are built."""

import gc

GC_THRESHOLDS = (100_000, 50, 1000)
"""Young collections every 100,000 allocations (Python's default: 700), the older generations
far less often: what a process holding a core allocates is mostly long-lived."""


def tune_gc_for_core() -> None:
    """The core keeps hundreds of thousands of long-lived objects; full collections that walk
    them all on every few thousand allocations cost more than the trading itself (in the
    projector, with the default thresholds: a 50-80 ms full collection every ~0.7 s, a tenth of
    its CPU). Freeze what is built so far and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)

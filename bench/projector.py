"""``projector``: the projector process's CPU per trade while a journaled core trades, no HTTP.

A journaled core (fsync group commit, SQLite) runs ``bench/ledger.py``'s seeded stream (a
resting sell and a crossing buy per trade, 200 accounts, delivery and intraday) paced at
``--rate`` trades/s for ``--seconds``; the platform's projections (ledger and candles) follow
it as the platform runs them by default, in a projector process of its own
(``bourse.app_projections.start_projections``). Reported: that process's CPU per trade over
the paced run (``projector_cpu_us_per_trade``), its share of a CPU, how long it took after the
last trade to catch up (``drain_s``) and the load average: the machine is shared.

Lighter than ``bench/http_orders.py`` (no server, no load generator on the other CPU), it
measures the same process: the journal's replay, the ledger and the candles, in the
transactions the projector chooses. Prints one JSON line.
``python bench/projector.py [--rate N] [--seconds S]``.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bourse.app_projections import start_projections  # noqa: E402
from bourse.core.engine import TradingCore  # noqa: E402
from bourse.domain.events import Event  # noqa: E402
from bourse.journal.group_commit import JournaledCore  # noqa: E402
from bourse.store import create_store_engine, upgrade  # noqa: E402
from ledger import CONFIG, setup_commands, trade_pair  # noqa: E402

TICK_S = 0.005


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def run(rate: int, seconds: float) -> dict[str, object]:
    directory = Path(tempfile.mkdtemp(prefix="bourse-bench-projector-"))
    url = f"sqlite:///{directory / 'bourse.db'}"
    upgrade(url)
    engine = create_store_engine(url)
    journal = directory / "journal"
    trading: JournaledCore[TradingCore] = JournaledCore.open(journal, CONFIG, fork_snapshots=False)
    projections = start_projections(engine, url, journal, trading, "process")
    try:
        trading.submit_many(setup_commands()).result()
        seq = trading.query(lambda core: core.event_seq).result()
        assert projections.progress.wait_for(seq, 120), projections.progress.failure
        pid = getattr(projections.progress, "pid", None)
        assert isinstance(pid, int), "the projections run in a process of their own"
        projector = psutil.Process(pid)
        before = cpu_seconds(projector)
        per_tick = max(1, round(rate * TICK_S))
        trades = 0
        futures: list[Future[list[list[Event]]]] = []
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            commands = [c for n in range(per_tick) for c in trade_pair(trades + n)]
            futures.append(trading.submit_many(commands))
            trades += per_tick
            delay = started + (trades / per_tick) * TICK_S - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        for future in futures:
            future.result()
        elapsed = time.perf_counter() - started
        seq = trading.query(lambda core: core.event_seq).result()
        assert projections.progress.wait_for(seq, 120), projections.progress.failure
        drain_s = time.perf_counter() - started - elapsed
        used = cpu_seconds(projector) - before
    finally:
        trading.close()
        projections.close()
        engine.dispose()
    return {
        "bench": "projector",
        "rate": rate,
        "trades": trades,
        "trades_per_s": round(trades / elapsed),
        "projector_cpu_us_per_trade": round(used * 1e6 / trades, 1),
        "projector_cpu_share": round(used / elapsed, 2),
        "drain_s": round(drain_s, 3),
        "loadavg": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=4_000, help="trades/s")
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    print(json.dumps(run(args.rate, args.seconds)), flush=True)


if __name__ == "__main__":
    main()

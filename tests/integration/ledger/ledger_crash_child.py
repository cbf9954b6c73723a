"""Child process of test_ledger_crash.py (not a test module): a journaled core under load with
the ledger projecting live into SQL, until it is killed.

Usage: python ledger_crash_child.py JOURNAL DATABASE_URL ROUND

Recovers the journal, starts the projection runner (catch-up from the journal, then live), and
submits workload commands from two threads; prints the ledger's committed event seq whenever it
moves, so the parent can kill it mid-projection.
"""

import sys
import threading
import time
from pathlib import Path

from tests.ledger_workload import CONFIG, LedgerWorkload

from bourse.journal.group_commit import JournaledCore
from bourse.ledger.projection import LedgerProjection
from bourse.projection.runner import ProjectionRunner
from bourse.store import create_store_engine

CLIENTS = 2


def main() -> None:
    journal, database_url, round_number = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    engine = create_store_engine(database_url)
    runner = ProjectionRunner(engine, [LedgerProjection(CONFIG)], max_batch_events=64)
    trading = JournaledCore.open(journal, CONFIG, on_durable=[runner.publish], max_batch=64)
    runner.start(journal=journal)

    def client(number: int) -> None:
        workload = LedgerWorkload(seed=round_number * 100 + number)
        while True:
            trading.submit_many(workload.commands(8)).result()

    for number in range(CLIENTS):
        threading.Thread(target=client, args=(number,), daemon=True).start()
    last = -1
    while True:
        seq = runner.applied_seq
        if seq != last:
            sys.stdout.write(f"{seq}\n")
            sys.stdout.flush()
            last = seq
        if runner.failure is not None:
            raise SystemExit(f"runner failed: {runner.failure!r}")
        time.sleep(0.002)


if __name__ == "__main__":
    main()

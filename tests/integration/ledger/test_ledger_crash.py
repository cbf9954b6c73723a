"""Crash safety of the projector: SIGKILL it under load at random points (during catch-up,
mid-batch, between batches), again and again, on SQLite and PostgreSQL. After the last restart
the ledger must be identical, row for row, to one rebuilt from scratch from the same journal:
no entry duplicated, none missing, every balance equal — and it reconciles with the core.

``BOURSE_LEDGER_KILLS`` rounds (default 20).
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import Engine
from tests.integration.ledger.test_ledger_projection import ledger_rows
from tests.ledger_workload import CONFIG, setup_commands

from bourse.journal.group_commit import JournaledCore
from bourse.ledger.projection import LedgerProjection
from bourse.ledger.reconcile import reconcile
from bourse.projection.runner import ProjectionRunner
from bourse.store import create_store_engine, upgrade

CHILD = Path(__file__).with_name("ledger_crash_child.py")
KILLS = int(os.environ.get("BOURSE_LEDGER_KILLS", "20"))
DEADLINE_SECONDS = 60
ROOT = Path(__file__).resolve().parents[3]


def run_until_killed(
    journal: Path, database_url: str, round_number: int, rng: random.Random, logs: Path
) -> list[int]:
    """Run the child and SIGKILL it at a random point; return the seqs it reported."""
    stderr_path = logs / f"child-{round_number}.stderr"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with open(stderr_path, "wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(journal), database_url, str(round_number)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
    lines: list[bytes] = []
    assert child.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(child.stdout or ()))
    reader.start()
    try:
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0.2, 1.5))  # importing, recovering, catching up
        else:
            wanted = rng.randint(2, 40)
            deadline = time.monotonic() + DEADLINE_SECONDS
            while len(lines) < wanted:
                assert child.poll() is None, stderr_path.read_text()
                assert time.monotonic() < deadline, f"{len(lines)} reports; {stderr_path}"
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.02))
        assert child.poll() is None, stderr_path.read_text()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return [int(line) for line in lines if line.endswith(b"\n")]


def test_sigkilled_projector_resumes_exactly_once(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    journal = tmp_path / "journal"
    with JournaledCore.open(journal, CONFIG, fork_snapshots=False) as trading:
        trading.submit_many(setup_commands()).result(DEADLINE_SECONDS)
    rng = random.Random(4242)
    committed = 0
    for round_number in range(1, KILLS + 1):
        reports = run_until_killed(journal, database_url, round_number, rng, tmp_path)
        if reports:
            # What a round reported committed is never taken back by a later crash.
            assert reports[0] >= committed, f"round {round_number} restarted below {committed}"
            committed = reports[-1]

    # The last restart: catch up, then compare with a ledger built from scratch.
    ProjectionRunner(engine, [LedgerProjection(CONFIG)]).catch_up(journal)
    scratch_url = f"sqlite:///{tmp_path / 'scratch.db'}"
    upgrade(scratch_url)
    scratch = create_store_engine(scratch_url)
    try:
        ProjectionRunner(scratch, [LedgerProjection(CONFIG)]).catch_up(journal)
        rebuilt, restarted = ledger_rows(scratch), ledger_rows(engine)
    finally:
        scratch.dispose()

    assert committed > 0
    assert len(restarted["ledger_entries"]) > 100
    assert restarted == rebuilt
    assert reconcile(engine, journal).ok

"""Crash safety: SIGKILL a journaled core under load, again and again, and recover each time.

Each round starts `journal_crash_child.py` on the same journal directory; the child recovers
the journal and runs three client threads, printing the key of every acknowledged command.
The parent kills it with SIGKILL at a random point (sometimes during start-up and recovery,
mostly after a random number of acknowledgements, so kills land mid-batch, mid-fsync and
mid-snapshot) and then checks that:

- every acknowledged command is in the journal (acknowledged means durable);
- no command is in the journal twice (keys are unique per submission);
- the journal never shrinks below what an earlier recovery found;
- the state recovered from snapshot + journal equals a replay of the journal from scratch.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from journal_workload import command_key, setup_commands

from bourse.journal.group_commit import JournaledCore
from bourse.journal.recovery import recover, replay_from_scratch

CHILD = Path(__file__).with_name("journal_crash_child.py")
KILLS = int(os.environ.get("BOURSE_CRASH_KILLS", "24"))
"""CI runs 24 rounds (~30 s on 2 cores); set BOURSE_CRASH_KILLS higher for a longer soak."""
DEADLINE_SECONDS = 30


def run_until_killed(
    directory: Path, round_number: int, rng: random.Random, log_dir: Path
) -> list[str]:
    """Run the child, SIGKILL it at a random point; return the keys it acknowledged."""
    stderr_path = log_dir / f"child-{round_number}.stderr"
    with open(stderr_path, "wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(directory), str(round_number)],
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    lines: list[bytes] = []
    assert child.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(child.stdout or ()))
    reader.start()
    try:
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.0, 0.5))  # maybe still importing, recovering, warming up
        else:
            wanted = rng.randint(1, 1_500)
            deadline = time.monotonic() + DEADLINE_SECONDS
            while len(lines) < wanted:
                assert child.poll() is None, stderr_path.read_text()
                assert time.monotonic() < deadline, f"only {len(lines)} acks; {stderr_path}"
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.005))
        assert child.poll() is None, stderr_path.read_text()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    # A line cut by the kill was never completely written: it is not an acknowledgement.
    return [line[:-1].decode() for line in lines if line.endswith(b"\n")]


def test_sigkill_under_load_loses_no_acknowledged_command(tmp_path):
    directory = tmp_path / "journal"
    with JournaledCore.open(directory) as journaled:
        for future in [journaled.submit(command) for command in setup_commands()]:
            future.result(DEADLINE_SECONDS)
    rng = random.Random(507)
    acknowledged: set[str] = set()
    durable_seq = 0

    for round_number in range(KILLS):
        acknowledged.update(run_until_killed(directory, round_number, rng, tmp_path))

        core, log = recover(directory)
        with log:
            keys = [command_key(record.command) for record in log.read_from(1)]
            assert log.last_seq >= durable_seq, f"round {round_number}: the journal shrank"
            durable_seq = log.last_seq
        journaled_keys = [key for key in keys if key is not None]
        assert len(journaled_keys) == len(set(journaled_keys)), f"round {round_number}: dupes"
        missing = acknowledged - set(journaled_keys)
        assert not missing, f"round {round_number}: {len(missing)} acknowledged but lost"
        assert core.state_hash() == replay_from_scratch(directory).state_hash()

    assert len(acknowledged) > KILLS * 100  # the child really was under load

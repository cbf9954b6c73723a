"""Replaying a journal rebuilds the exact state and the exact event stream (DESIGN §1, §5)."""

import threading
from pathlib import Path

import pytest
from journal_workload import Workload, setup_commands

from bourse.core.engine import TradingCore
from bourse.domain.codec import encode_events
from bourse.domain.events import Event
from bourse.journal.file_log import FileCommandLog
from bourse.journal.group_commit import JournaledCore
from bourse.journal.recovery import TRADING_CORE, apply_record, recover, verify_replay
from bourse.journal.snapshots import SnapshotStore

TIMEOUT = 60
SUBMITTERS = 4


def run_live(
    directory: Path, commands_per_thread: int, *, fork_snapshots: bool = False
) -> tuple[TradingCore, list[Event]]:
    """Run a journaled core with several client threads; return its final core and the event
    stream it released."""
    core, log = recover(directory)
    store = SnapshotStore(directory / "snapshots", keep=100)
    released: list[Event] = []
    with JournaledCore(
        core,
        log,
        store,
        snapshot_every=500,
        max_batch=64,
        on_durable=[released.extend],
        fork_snapshots=fork_snapshots,
    ) as journaled:
        for future in [journaled.submit(command) for command in setup_commands()]:
            future.result(TIMEOUT)

        def client(seed: int) -> None:
            commands = Workload(seed, prefix=f"t{seed}-").commands(commands_per_thread)
            for future in [journaled.submit(command) for command in commands]:
                future.result(TIMEOUT)

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(SUBMITTERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return journaled.core, released


def replay_events(core: TradingCore, directory: Path) -> list[Event]:
    events: list[Event] = []
    with FileCommandLog.open(directory, read_only=True) as log:
        for offset, record in log.scan_from(core.command_seq + 1):
            events.extend(apply_record(core, offset, record, log.path))
    return events


@pytest.mark.parametrize("fork_snapshots", [False, True], ids=["thread", "fork"])
def test_replay_from_scratch_and_from_every_snapshot_is_identical(tmp_path, fork_snapshots):
    live, released = run_live(tmp_path, commands_per_thread=1_000, fork_snapshots=fork_snapshots)
    live_hash = live.state_hash()
    assert live.command_seq == len(setup_commands()) + SUBMITTERS * 1_000
    assert sum(type(event).__name__ == "TradeExecuted" for event in released) > 500

    scratch = TradingCore(live.config)
    scratch_events = replay_events(scratch, tmp_path)
    assert scratch.state_hash() == live_hash
    assert encode_events(scratch_events) == encode_events(released)

    store = SnapshotStore(tmp_path / "snapshots")
    snapshot_seqs = store.seqs()
    # A forked snapshot is skipped while the previous child still runs, so fewer are taken.
    assert len(snapshot_seqs) >= (1 if fork_snapshots else 5)
    for seq in snapshot_seqs:
        restored = TradingCore.restore(store.load(seq))
        events = replay_events(restored, tmp_path)
        assert restored.state_hash() == live_hash, seq
        later = [event for event in released if event.command_seq > seq]
        assert encode_events(events) == encode_events(later), seq

    report = verify_replay(tmp_path, TRADING_CORE)
    assert report.verified
    assert report.snapshot_seq == snapshot_seqs[-1]

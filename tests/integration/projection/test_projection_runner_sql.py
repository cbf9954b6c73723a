"""The projection runner against a real journal, on SQLite and PostgreSQL: catch-up, live
batches from the journal's durable listener, and exactly-once resumption after a failure."""

from pathlib import Path

from sqlalchemy import Engine
from tests.integration.journal_workload import setup_commands
from tests.projection_doubles import SeqRecorder, recorded_seqs

from bourse.core.engine import TradingCore
from bourse.journal.group_commit import JournaledCore
from bourse.projection.runner import ProjectionRunner
from bourse.readmodel.replay import journal_events


def journal_with(directory: Path, commands: int) -> int:
    """Journal the first ``commands`` setup commands; return the last event seq."""
    with JournaledCore.open(directory, fork_snapshots=False) as trading:
        for events in trading.submit_many(setup_commands()[:commands]).result():
            last = events[-1].seq if events else 0
    return last


def all_event_seqs(directory: Path) -> list[int]:
    return [event.seq for events in journal_events(directory) for event in events]


def test_catch_up_then_live_applies_every_event_once(engine: Engine, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    journal_with(journal, 10)
    runner = ProjectionRunner(engine, [SeqRecorder("ledger")], max_batch_events=16)

    trading: JournaledCore[TradingCore] = JournaledCore.open(
        journal, on_durable=[runner.publish], fork_snapshots=False
    )
    runner.start(journal=journal)
    last = 0
    for events in trading.submit_many(setup_commands()[10:]).result():
        last = events[-1].seq if events else last
    trading.close()
    assert runner.wait_for(last, timeout=60)
    runner.close()

    assert recorded_seqs(engine, "ledger") == all_event_seqs(journal)
    assert runner.checkpoints == {"ledger": last}


def test_restart_after_failed_batch_resumes_exactly_once(engine: Engine, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    last = journal_with(journal, len(setup_commands()))
    broken = ProjectionRunner(
        engine, [SeqRecorder("ledger", fail_at=last // 2)], max_batch_events=4
    )
    broken.start(journal=journal)
    assert not broken.wait_for(last, timeout=60)
    broken.close()
    assert 0 < len(recorded_seqs(engine, "ledger")) < last

    restarted = ProjectionRunner(engine, [SeqRecorder("ledger")], max_batch_events=4)
    applied = restarted.catch_up(journal)

    assert recorded_seqs(engine, "ledger") == all_event_seqs(journal)
    assert applied > 0
    assert restarted.catch_up(journal) > 0  # re-read, but nothing new written
    assert recorded_seqs(engine, "ledger") == all_event_seqs(journal)


def test_catch_up_of_a_missing_journal_applies_nothing(engine: Engine, tmp_path: Path) -> None:
    runner = ProjectionRunner(engine, [SeqRecorder("ledger")])

    assert runner.catch_up(tmp_path / "none") == 0
    assert runner.checkpoints == {"ledger": 0}

"""The projection runner on a real SQLite file: batching, checkpoints, exactly-once."""

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bourse.domain.commands import AccountLimits
from bourse.domain.events import AccountOpened, Event, FundsDeposited
from bourse.projection.runner import ProjectionRunner
from bourse.store import create_store_engine, upgrade
from tests.projection_doubles import SeqRecorder, recorded_seqs, test_metadata


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'projection.db'}"
    upgrade(url)
    engine = create_store_engine(url)
    test_metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def deposits(first: int, last: int) -> list[Event]:
    return [
        FundsDeposited(
            seq=seq,
            command_seq=seq,
            ts_ns=seq,
            account=1,
            amount=100,
            reference="",
            cash_available=0,
        )
        for seq in range(first, last + 1)
    ]


def test_applied_batch_moves_every_checkpoint(engine: Engine) -> None:
    ledger, candles = SeqRecorder("ledger"), SeqRecorder("candles")
    runner = ProjectionRunner(engine, [ledger, candles])

    runner.apply(deposits(1, 5))

    assert runner.checkpoints == {"ledger": 5, "candles": 5}
    assert recorded_seqs(engine, "ledger") == [1, 2, 3, 4, 5]
    assert ProjectionRunner(engine, [ledger, candles]).checkpoints == {"ledger": 5, "candles": 5}


def test_events_at_or_below_the_checkpoint_are_skipped(engine: Engine) -> None:
    recorder = SeqRecorder("ledger")
    ProjectionRunner(engine, [recorder]).apply(deposits(1, 4))

    restarted = ProjectionRunner(engine, [recorder])
    restarted.apply(deposits(3, 6))
    restarted.apply(deposits(1, 6))

    assert recorded_seqs(engine, "ledger") == [1, 2, 3, 4, 5, 6]
    assert recorder.batches == [(1, 4), (5, 6)]


def test_failed_batch_rolls_back_rows_and_checkpoint(engine: Engine) -> None:
    recorder = SeqRecorder("ledger", fail_at=7)
    runner = ProjectionRunner(engine, [recorder])
    runner.apply(deposits(1, 5))

    with pytest.raises(RuntimeError, match="fails at event 7"):
        runner.apply(deposits(6, 8))

    assert runner.checkpoints == {"ledger": 5}
    assert recorded_seqs(engine, "ledger") == [1, 2, 3, 4, 5]
    recorder.fail_at = None
    runner.apply(deposits(6, 8))
    assert recorded_seqs(engine, "ledger") == list(range(1, 9))


def test_projection_behind_the_others_gets_only_its_missing_events(engine: Engine) -> None:
    ProjectionRunner(engine, [SeqRecorder("ledger")]).apply(deposits(1, 6))
    ledger, candles = SeqRecorder("ledger"), SeqRecorder("candles")

    ProjectionRunner(engine, [ledger, candles]).apply(deposits(1, 8))

    assert ledger.batches == [(7, 8)]
    assert candles.batches == [(1, 8)]


def test_published_batches_are_applied_on_the_runner_thread_in_big_batches(engine: Engine) -> None:
    recorder = SeqRecorder("ledger")
    runner = ProjectionRunner(engine, [recorder], max_batch_events=1000)
    for seq in range(1, 301):
        runner.publish(deposits(seq, seq))
    runner.publish([])

    runner.start()
    assert runner.wait_for(300, timeout=60)
    runner.close()

    assert recorded_seqs(engine, "ledger") == list(range(1, 301))
    assert recorder.batches == [(1, 300)]


def test_close_applies_everything_published_before_it(engine: Engine) -> None:
    recorder = SeqRecorder("ledger")
    runner = ProjectionRunner(engine, [recorder], max_batch_events=7)
    runner.start()
    for seq in range(1, 51):
        runner.publish(deposits(seq, seq))

    runner.close()

    assert recorded_seqs(engine, "ledger") == list(range(1, 51))
    assert all(last - first < 7 for first, last in recorder.batches)


def test_failure_stops_the_runner_and_later_batches_are_dropped(engine: Engine) -> None:
    runner = ProjectionRunner(engine, [SeqRecorder("ledger", fail_at=3)])
    runner.start()
    runner.publish(deposits(1, 2))
    runner.publish(deposits(3, 4))

    assert not runner.wait_for(4, timeout=60)
    runner.publish(deposits(5, 6))
    runner.close()

    assert isinstance(runner.failure, RuntimeError)
    assert runner.checkpoints["ledger"] in {0, 2}


def test_duplicate_projection_names_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="not unique"):
        ProjectionRunner(engine, [SeqRecorder("ledger"), SeqRecorder("ledger")])


def test_unrelated_event_types_reach_the_projection(engine: Engine) -> None:
    recorder = SeqRecorder("ledger")
    opened = AccountOpened(seq=1, command_seq=1, ts_ns=1, account=1, limits=AccountLimits())

    ProjectionRunner(engine, [recorder]).apply([opened, *deposits(2, 2)])

    assert recorded_seqs(engine, "ledger") == [1, 2]


class WarmRecorder(SeqRecorder):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.warmed: list[int] = []

    def warm(self, events: Sequence[Event]) -> None:
        self.warmed.extend(e.seq for e in events)


def test_warm_projection_sees_each_committed_event_once_at_restart(engine: Engine) -> None:
    ProjectionRunner(engine, [SeqRecorder("ledger")]).apply(deposits(1, 5))
    recorder = WarmRecorder("ledger")
    restarted = ProjectionRunner(engine, [recorder])

    restarted.apply(deposits(1, 3))
    restarted.apply(deposits(2, 7))  # catch-up and live batches overlap
    restarted.apply(deposits(6, 8))

    assert recorder.warmed == [1, 2, 3, 4, 5]
    assert recorder.batches == [(6, 7), (8, 8)]

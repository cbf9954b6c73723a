"""The platform's projections in either placement (a projector process following the journal,
or a runner thread fed by the core), on SQLite and PostgreSQL: what is journaled before and
after they start is applied exactly once, closing drains everything, a failure is reported."""

import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil
import pytest
import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from tests.integration.journal_workload import setup_commands
from tests.projection_doubles import SeqRecorder, recorded_seqs, seen_events

from bourse.app_projections import start_projections
from bourse.core.engine import TradingCore
from bourse.domain.events import Event
from bourse.gc_tuning import GC_THRESHOLDS
from bourse.journal.group_commit import JournaledCore
from bourse.projection.port import Projection
from bourse.readmodel.replay import journal_events
from bourse.settings import PROJECTION_PLACEMENTS, ProjectionPlacement

HERE = Path(__file__).resolve().parent


def recorder(config: Any) -> Sequence[Projection]:
    return [SeqRecorder("recorder")]


def failing_recorder(config: Any) -> Sequence[Projection]:
    return [SeqRecorder("recorder", fail_at=40)]


class GcRecorder(SeqRecorder):
    """Records, per batch, the collector's thresholds and whether anything is frozen, as the
    process applying the batch sees them."""

    def apply(self, connection: Connection, events: Sequence[Event]) -> None:
        frozen = "frozen" if gc.get_freeze_count() else "none frozen"
        connection.execute(
            sa.insert(seen_events),
            {
                "projection": self.name,
                "seq": events[0].seq,
                "kind": f"{gc.get_threshold()} {frozen}",
            },
        )


def gc_recorder(config: Any) -> Sequence[Projection]:
    return [GcRecorder("gc")]


def all_event_seqs(directory: Path) -> list[int]:
    return [event.seq for events in journal_events(directory) for event in events]


def last_seq(results: list[list[Any]]) -> int:
    return max(events[-1].seq for events in results if events)


@pytest.mark.parametrize("placement", PROJECTION_PLACEMENTS)
def test_journaled_before_and_after_start_is_applied_once(
    engine: Engine, database_url: str, tmp_path: Path, placement: ProjectionPlacement
) -> None:
    journal = tmp_path / "journal"
    commands = setup_commands()
    with JournaledCore.open(journal, fork_snapshots=False) as before:
        before.submit_many(commands[:10]).result()
    trading: JournaledCore[TradingCore] = JournaledCore.open(journal, fork_snapshots=False)
    projections = start_projections(engine, database_url, journal, trading, placement, recorder)

    live = [trading.submit_many([command]).result()[0] for command in commands[10:20]]
    assert projections.progress.wait_for(last_seq(live), timeout=60)
    rest = trading.submit_many(commands[20:]).result()
    trading.close()
    projections.close()  # drains what the core made durable

    assert recorded_seqs(engine, "recorder") == all_event_seqs(journal)
    assert projections.progress.applied_seq == last_seq(rest)
    assert projections.progress.failure is None


@pytest.mark.parametrize("placement", PROJECTION_PLACEMENTS)
def test_a_failing_projection_is_reported_and_stops(
    engine: Engine, database_url: str, tmp_path: Path, placement: ProjectionPlacement
) -> None:
    journal = tmp_path / "journal"
    trading: JournaledCore[TradingCore] = JournaledCore.open(journal, fork_snapshots=False)
    projections = start_projections(
        engine, database_url, journal, trading, placement, failing_recorder
    )

    results = trading.submit_many(setup_commands()).result()
    assert not projections.progress.wait_for(last_seq(results), timeout=60)
    trading.close()
    projections.close()

    assert projections.progress.failure is not None
    assert projections.progress.applied_seq < 40


def test_projector_process_collects_garbage_as_the_core_needs(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """The projector holds a core and the ledger's mirror: with Python's default thresholds
    full collections walked them all every ~0.7 s (a tenth of its CPU)."""
    journal = tmp_path / "journal"
    trading: JournaledCore[TradingCore] = JournaledCore.open(journal, fork_snapshots=False)
    projections = start_projections(engine, database_url, journal, trading, "process", gc_recorder)

    trading.submit_many(setup_commands()).result()
    trading.close()
    projections.close()

    with engine.connect() as connection:
        seen = set(connection.execute(sa.select(seen_events.c.kind)).scalars())
    assert seen == {f"{GC_THRESHOLDS} frozen"}


def test_projector_process_ends_when_the_serving_process_is_killed(tmp_path: Path) -> None:
    """A crashed server leaves no projector behind (the next start catches up instead)."""
    ready = tmp_path / "projector.pid"
    server = subprocess.Popen(
        [sys.executable, str(HERE / "projector_parent.py"), str(tmp_path), str(ready)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text().strip():
            assert server.poll() is None, "the serving process ended early"
            assert time.monotonic() < deadline, "the serving process never got ready"
            time.sleep(0.05)
        projector = psutil.Process(int(ready.read_text()))
        assert projector.is_running()
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()

    projector.wait(timeout=30)  # raises psutil.TimeoutExpired if it lingers

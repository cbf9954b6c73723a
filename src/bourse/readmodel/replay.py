"""Rebuild the read models at startup: every event the journal's commands produced.

The journal keeps commands, not events; the core is deterministic, so replaying the commands
from the first one through a fresh core (read-only: the journal is not changed, a torn tail is
skipped) yields the same events, byte for byte, as the live core produced. The SQL projection
(ledger issue) will record its last applied event number and replay only what follows.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

from bourse.core.engine import TradingCore
from bourse.domain.events import Event
from bourse.journal.file_log import LOG_FILE_NAME, FileCommandLog
from bourse.journal.recovery import TRADING_CORE, JournalPaths, apply_record, load_config


def journal_events(directory: Path) -> Iterator[list[Event]]:
    """Each journaled command's events, in order (nothing for a journal not yet created)."""
    if not JournalPaths(directory).config.exists() or not (directory / LOG_FILE_NAME).exists():
        return
    core = TradingCore(load_config(directory, TRADING_CORE))
    with FileCommandLog.open(directory, read_only=True) as log:
        for offset, record in log.scan_from(1):
            yield apply_record(core, offset, record, log.path)


def replay_into(directory: Path, apply: Callable[[list[Event]], None], *, batch: int = 4096) -> int:
    """Feed ``apply`` every journaled event in batches; return the number of commands."""
    commands = 0
    pending: list[Event] = []
    for events in journal_events(directory):
        commands += 1
        pending.extend(events)
        if len(pending) >= batch:
            apply(pending)
            pending = []
    if pending:
        apply(pending)
    return commands

"""Recovery: rebuild the core from the newest usable snapshot plus the journal after it.

A journal directory holds::

    core.json       the core's configuration, written once when the directory is created
    commands.log    the command log (`FileCommandLog`)
    snapshots/      snapshot files (`SnapshotStore`)

The configuration is part of the journal because replay must use the rules the journal was
produced with; changing it means starting a new journal.
"""

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import msgspec

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain.codec import encode_events
from bourse.domain.commands import Command
from bourse.domain.events import Event
from bourse.journal.file_log import LOG_FILE_NAME, FileCommandLog, fsync_directory
from bourse.journal.framing import LOG_MAGIC, JournalCorruptError
from bourse.journal.records import JournalRecord
from bourse.journal.snapshots import SnapshotStore

logger = logging.getLogger(__name__)

CONFIG_FILE_NAME = "core.json"
SNAPSHOT_DIR_NAME = "snapshots"


class ReplayableCore(Protocol):
    """What the journal needs of a core: a deterministic, snapshot-able state machine."""

    @property
    def command_seq(self) -> int: ...

    @property
    def config(self) -> Any: ...

    def apply(self, command: Command, ts_ns: int) -> list[Event]: ...

    def snapshot(self) -> bytes: ...

    def state_hash(self) -> str: ...


C = TypeVar("C", bound=ReplayableCore)


@dataclass(frozen=True)
class CoreKind(Generic[C]):
    """How to build one kind of core: fresh from its config, or restored from a snapshot."""

    config_type: type[msgspec.Struct]
    new: Callable[[Any], C]
    restore: Callable[[bytes], C]


TRADING_CORE: CoreKind[TradingCore] = CoreKind(
    config_type=CoreConfig, new=TradingCore, restore=TradingCore.restore
)


class ConfigMismatchError(ValueError):
    """The configuration given differs from the one the journal was created with."""


@dataclass(frozen=True)
class JournalPaths:
    directory: Path

    @property
    def config(self) -> Path:
        return self.directory / CONFIG_FILE_NAME

    @property
    def snapshots(self) -> Path:
        return self.directory / SNAPSHOT_DIR_NAME


# --- configuration -----------------------------------------------------------------------------


def load_config(directory: Path, kind: CoreKind[C]) -> Any:
    """The configuration stored in ``directory/core.json``."""
    path = JournalPaths(directory).config
    try:
        return msgspec.json.decode(path.read_bytes(), type=kind.config_type)
    except msgspec.DecodeError as exc:
        raise JournalCorruptError(str(path), 0, f"unreadable configuration: {exc}") from None


def load_or_create_config(directory: Path, kind: CoreKind[C], config: Any | None) -> Any:
    """The journal's configuration; on first start, ``config`` (or the default) is stored.

    A ``config`` that differs from the stored one raises `ConfigMismatchError`: silently
    replaying with other rules would produce other events.
    """
    path = JournalPaths(directory).config
    log_path = directory / LOG_FILE_NAME
    if not path.exists() and log_path.exists() and log_path.stat().st_size > len(LOG_MAGIC):
        # Replaying these records under a guessed configuration could give other events.
        raise JournalCorruptError(str(path), 0, f"missing, but {log_path} holds records")
    if path.exists():
        stored = load_config(directory, kind)
        if config is not None and config != stored:
            raise ConfigMismatchError(
                f"{path} holds a different configuration than the one given; "
                "a journal keeps the configuration it was created with"
            )
        return stored
    if config is None:
        config = kind.config_type()
    directory.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "wb") as file:
        file.write(msgspec.json.format(msgspec.json.encode(config), indent=2) + b"\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temp, path)
    fsync_directory(directory)
    return config


# --- snapshots and replay ----------------------------------------------------------------------


def restore_newest(
    directory: Path, kind: CoreKind[C], config: Any, log: FileCommandLog
) -> tuple[C, int]:
    """The core restored from the newest snapshot that verifies and restores, and its seq;
    a fresh core and 0 when there is none.

    A snapshot beyond the end of the log means acknowledged commands are missing from the log
    (snapshots are written only after their commands are durable): that is corruption. A
    read-only log may simply have been read before a live writer went on, so there the
    snapshot is skipped.
    """
    store = SnapshotStore(JournalPaths(directory).snapshots)
    for seq, data in store.valid_newest_first():
        if seq > log.last_seq and log.read_only:
            continue
        if seq > log.last_seq:
            raise JournalCorruptError(
                str(log.path),
                log.end_offset,
                f"the log ends at seq {log.last_seq} but snapshot {store.path_for(seq)} "
                f"covers seq {seq}: durable records are missing",
            )
        try:
            core = kind.restore(data)
        except Exception as exc:  # a snapshot the core cannot read is as good as damaged
            logger.warning(
                "snapshot %s does not restore (%r); trying an older one", store.path_for(seq), exc
            )
            continue
        if core.command_seq != seq or core.config != config:
            logger.warning(
                "snapshot %s disagrees with its file name or core.json; skipped",
                store.path_for(seq),
            )
            continue
        return core, seq
    return kind.new(config), 0


def apply_record(core: C, offset: int, record: JournalRecord, path: Path) -> list[Event]:
    """Apply one journal record, checking it is the core's next command."""
    expected = core.command_seq + 1
    if record.seq != expected:
        raise JournalCorruptError(
            str(path), offset, f"sequence gap: expected seq {expected}, got {record.seq}"
        )
    events = core.apply(record.command, record.ts_ns)
    if core.command_seq != record.seq:
        raise RuntimeError(
            f"core is at command_seq {core.command_seq} after applying seq {record.seq}"
        )
    return events


def replay(core: C, records: Iterable[tuple[int, JournalRecord]], path: Path) -> None:
    """Apply ``(offset, record)`` pairs in order; the first must be ``core.command_seq + 1``."""
    for offset, record in records:
        apply_record(core, offset, record, path)


def recover_core(
    directory: Path | str, kind: CoreKind[C], config: Any | None = None
) -> tuple[C, FileCommandLog]:
    """Open the journal for writing (creating it if needed) and rebuild its core."""
    directory = Path(directory)
    config = load_or_create_config(directory, kind, config)
    log = FileCommandLog.open(directory)
    try:
        core, snapshot_seq = restore_newest(directory, kind, config, log)
        replay(core, log.scan_from(snapshot_seq + 1), log.path)
    except BaseException:
        log.close()
        raise
    logger.info(
        "recovered %s: snapshot seq %d, replayed to seq %d",
        directory,
        snapshot_seq,
        core.command_seq,
    )
    return core, log


def replay_core_from_scratch(directory: Path | str, kind: CoreKind[C]) -> C:
    """The core rebuilt from the whole journal, without snapshots; changes no file."""
    directory = Path(directory)
    config = load_config(directory, kind)
    with FileCommandLog.open(directory, read_only=True) as log:
        core = kind.new(config)
        replay(core, log.scan_from(1), log.path)
    return core


def recover(
    directory: Path | str, config: CoreConfig | None = None
) -> tuple[TradingCore, FileCommandLog]:
    """Open the journal in ``directory`` for writing and rebuild its `TradingCore`: newest
    usable snapshot, then every later record. ``config`` is stored on first start only."""
    return recover_core(directory, TRADING_CORE, config)


def replay_from_scratch(directory: Path | str) -> TradingCore:
    """The `TradingCore` rebuilt from the whole journal in ``directory``; changes no file."""
    return replay_core_from_scratch(directory, TRADING_CORE)


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyReport:
    commands: int
    snapshot_seq: int
    state_hash_scratch: str
    state_hash_snapshot: str
    snapshot_state_matches: bool
    """At ``snapshot_seq`` the replay from scratch had the state the snapshot restored."""
    first_divergent_seq: int | None
    """The first command whose events differ between the two replays, if any."""

    @property
    def verified(self) -> bool:
        return (
            self.state_hash_scratch == self.state_hash_snapshot
            and self.snapshot_state_matches
            and self.first_divergent_seq is None
        )


def verify_replay(directory: Path | str, kind: CoreKind[C]) -> VerifyReport:
    """Replay the journal from scratch and from its newest usable snapshot, in lockstep, and
    compare states and the encoded events of every command both replays applied.

    Read-only: a torn tail is ignored rather than cut.
    """
    directory = Path(directory)
    config = load_config(directory, kind)
    with FileCommandLog.open(directory, read_only=True) as log:
        from_snapshot, snapshot_seq = restore_newest(directory, kind, config, log)
        scratch = kind.new(config)
        snapshot_state_matches = scratch.state_hash() == from_snapshot.state_hash()
        first_divergent_seq: int | None = None
        for offset, record in log.scan_from(1):
            events = apply_record(scratch, offset, record, log.path)
            if record.seq == snapshot_seq:
                snapshot_state_matches = scratch.state_hash() == from_snapshot.state_hash()
            if record.seq <= snapshot_seq:
                continue
            other_events = apply_record(from_snapshot, offset, record, log.path)
            if first_divergent_seq is None and encode_events(events) != encode_events(other_events):
                first_divergent_seq = record.seq
        return VerifyReport(
            commands=log.last_seq,
            snapshot_seq=snapshot_seq,
            state_hash_scratch=scratch.state_hash(),
            state_hash_snapshot=from_snapshot.state_hash(),
            snapshot_state_matches=snapshot_state_matches,
            first_divergent_seq=first_divergent_seq,
        )

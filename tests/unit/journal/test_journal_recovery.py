from pathlib import Path

import msgspec
import pytest

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain.commands import ClockTick, Command, Deposit, OpenAccount, Withdraw
from bourse.journal.file_log import LOG_FILE_NAME, FileCommandLog
from bourse.journal.framing import JournalCorruptError
from bourse.journal.group_commit import JournaledCore
from bourse.journal.records import JournalRecord, encode_record
from bourse.journal.recovery import (
    CONFIG_FILE_NAME,
    TRADING_CORE,
    ConfigMismatchError,
    recover,
    replay,
    replay_from_scratch,
    verify_replay,
)
from bourse.journal.snapshots import SnapshotStore

CONFIG = CoreConfig(mis_leverage=3)


def commands(count: int, account: int = 1) -> list[Command]:
    return [OpenAccount(account=account)] + [
        Deposit(account=account, amount=100 * n, reference=f"d{n}") for n in range(1, count)
    ]


def write_journal(
    directory: Path, cmds: list[Command], snapshot_at: tuple[int, ...] = ()
) -> TradingCore:
    """Journal ``cmds`` as the live system would (one record per command, no threads); snapshot
    after the given seqs. Returns the core that produced the journal."""
    core, log = recover(directory, CONFIG)
    store = SnapshotStore(directory / "snapshots", keep=10)
    with log:
        for cmd in cmds:
            seq = core.command_seq + 1
            core.apply(cmd, 1_000 * seq)
            log.append([encode_record(JournalRecord(seq, 1_000 * seq, cmd))])
            if seq in snapshot_at:
                store.write(seq, core.snapshot())
    return core


def test_first_start_creates_config_and_an_empty_core(tmp_path):
    core, log = recover(tmp_path / "j", CONFIG)
    log.close()

    assert (core.command_seq, core.config) == (0, CONFIG)
    stored = (tmp_path / "j" / CONFIG_FILE_NAME).read_bytes()
    assert msgspec.json.decode(stored, type=CoreConfig) == CONFIG


def test_later_start_uses_the_stored_config(tmp_path):
    recover(tmp_path, CONFIG)[1].close()

    core, log = recover(tmp_path)
    log.close()

    assert core.config == CONFIG


def test_a_different_config_is_refused(tmp_path):
    recover(tmp_path, CONFIG)[1].close()

    with pytest.raises(ConfigMismatchError, match=r"core\.json holds a different configuration"):
        recover(tmp_path, CoreConfig(mis_leverage=4))


def test_missing_config_beside_a_log_with_records_is_refused(tmp_path):
    write_journal(tmp_path, commands(3))
    (tmp_path / CONFIG_FILE_NAME).unlink()

    with pytest.raises(JournalCorruptError, match=r"core\.json: .* missing, but .* holds records"):
        recover(tmp_path, CONFIG)


def test_recovery_rebuilds_the_state_from_the_log(tmp_path):
    live = write_journal(tmp_path, commands(30))

    core, log = recover(tmp_path)
    log.close()

    assert (core.command_seq, log.last_seq) == (30, 30)
    assert core.state_hash() == live.state_hash()


def test_recovery_starts_from_the_newest_snapshot(tmp_path):
    live = write_journal(tmp_path, commands(30), snapshot_at=(10, 20))
    # Replace the snapshot at 20 by one of another history: a recovery that starts from it
    # ends in a different state than the journal alone gives.
    other = TradingCore(CONFIG)
    for n, cmd in enumerate([*commands(19), Deposit(account=1, amount=7, reference="other")]):
        other.apply(cmd, n)
    SnapshotStore(tmp_path / "snapshots").write(20, other.snapshot())

    core, log = recover(tmp_path)
    log.close()

    assert core.command_seq == 30
    assert core.state_hash() != live.state_hash()


def test_damaged_newest_snapshot_falls_back_to_the_previous_one(tmp_path):
    live = write_journal(tmp_path, commands(30), snapshot_at=(10, 20))
    newest = SnapshotStore(tmp_path / "snapshots").path_for(20)
    newest.write_bytes(newest.read_bytes()[:-1] + b"\x00")

    core, log = recover(tmp_path)
    log.close()

    assert core.state_hash() == live.state_hash()


def test_snapshot_that_verifies_but_does_not_restore_falls_back(tmp_path):
    live = write_journal(tmp_path, commands(30), snapshot_at=(10,))
    SnapshotStore(tmp_path / "snapshots").write(20, b"not a core snapshot")

    core, log = recover(tmp_path)
    log.close()

    assert core.state_hash() == live.state_hash()


def test_unrestorable_only_snapshot_falls_back_to_scratch(tmp_path):
    live = write_journal(tmp_path, commands(30))
    SnapshotStore(tmp_path / "snapshots").write(20, b"not a core snapshot")

    core, log = recover(tmp_path)
    log.close()

    assert core.state_hash() == live.state_hash()


def test_snapshot_beyond_the_end_of_the_log_is_corruption(tmp_path):
    live = write_journal(tmp_path, commands(30))
    SnapshotStore(tmp_path / "snapshots").write(40, live.snapshot())

    with pytest.raises(JournalCorruptError, match="the log ends at seq 30 but snapshot"):
        recover(tmp_path)


def test_read_only_verify_skips_a_snapshot_newer_than_the_log_it_read(tmp_path):
    # A live writer may append and snapshot after the verifier has read the log.
    live = write_journal(tmp_path, commands(30), snapshot_at=(10,))
    SnapshotStore(tmp_path / "snapshots").write(40, live.snapshot())

    report = verify_replay(tmp_path, TRADING_CORE)

    assert report.verified
    assert report.snapshot_seq == 10


def test_recovery_cuts_a_torn_tail_and_continues(tmp_path):
    write_journal(tmp_path, commands(30))
    path = tmp_path / LOG_FILE_NAME
    path.write_bytes(path.read_bytes()[:-5])

    core, log = recover(tmp_path)
    with log:
        assert (core.command_seq, log.last_seq) == (29, 29)
        log.append([encode_record(JournalRecord(30, 1, Withdraw(account=1, amount=1)))])

    assert replay_from_scratch(tmp_path).command_seq == 30


def test_flipped_bit_mid_log_stops_startup_naming_file_and_offset(tmp_path):
    write_journal(tmp_path, commands(30), snapshot_at=(20,))
    path = tmp_path / LOG_FILE_NAME
    with FileCommandLog.open(tmp_path, read_only=True) as log:
        bad_offset = [offset for offset, _ in log.scan_from(1)][25]  # after the snapshot
    data = bytearray(path.read_bytes())
    data[bad_offset + 20] ^= 0x02
    path.write_bytes(bytes(data))

    with pytest.raises(JournalCorruptError) as caught:
        JournaledCore.open(tmp_path)

    assert str(caught.value).startswith(f"{path}: corrupt record at byte offset {bad_offset}:")
    assert path.read_bytes() == bytes(data)


def test_replay_from_scratch_matches_and_changes_no_file(tmp_path):
    live = write_journal(tmp_path, commands(30), snapshot_at=(10,))
    path = tmp_path / LOG_FILE_NAME
    path.write_bytes(path.read_bytes()[:-5])  # a torn tail stays where it is
    before = path.read_bytes()

    core = replay_from_scratch(tmp_path)

    assert core.command_seq == 29
    assert path.read_bytes() == before
    assert live.command_seq == 30


def test_verify_replay_agrees_on_a_sound_journal(tmp_path):
    write_journal(tmp_path, commands(30), snapshot_at=(10, 20))

    report = verify_replay(tmp_path, TRADING_CORE)

    assert report.verified
    assert (report.commands, report.snapshot_seq) == (30, 20)
    assert report.state_hash_scratch == report.state_hash_snapshot


def test_verify_replay_reports_a_snapshot_that_disagrees_with_the_journal(tmp_path):
    write_journal(tmp_path, commands(30), snapshot_at=(10,))
    impostor = TradingCore(CONFIG)
    for n, cmd in enumerate(commands(20, account=2)):
        impostor.apply(cmd, n)
    SnapshotStore(tmp_path / "snapshots").write(20, impostor.snapshot())

    report = verify_replay(tmp_path, TRADING_CORE)

    assert not report.verified
    assert not report.snapshot_state_matches
    assert report.state_hash_scratch != report.state_hash_snapshot
    assert report.first_divergent_seq == 21  # account 1 does not exist in the impostor


def test_replay_refuses_a_sequence_gap():
    core = TradingCore(CONFIG)
    records = [
        (8, JournalRecord(1, 1, OpenAccount(account=1))),
        (60, JournalRecord(3, 2, ClockTick())),
    ]

    with pytest.raises(JournalCorruptError, match=r"x\.log: corrupt record at byte offset 60"):
        replay(core, records, Path("x.log"))

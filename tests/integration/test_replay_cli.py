"""`bourse replay --verify` end to end, as a separate process."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from journal_workload import Workload, setup_commands

from bourse.core.engine import TradingCore
from bourse.journal.file_log import LOG_FILE_NAME, FileCommandLog
from bourse.journal.framing import HEADER_SIZE
from bourse.journal.group_commit import JournaledCore
from bourse.journal.snapshots import SnapshotStore

COMMANDS = 1_500
BOURSE_SCRIPT = Path(sys.executable).with_name("bourse")


def bourse(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bourse.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def journal_and_hash(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    directory = tmp_path_factory.mktemp("replay") / "journal"
    # Thread-written snapshots: every due snapshot is taken, whatever the machine's load.
    with JournaledCore.open(
        directory, snapshot_every=400, max_batch=64, fork_snapshots=False
    ) as journaled:
        commands = setup_commands() + Workload(seed=11).commands(COMMANDS)
        for future in [journaled.submit(command) for command in commands]:
            future.result(60)
    return directory, journaled.core.state_hash()


@pytest.fixture
def journal(journal_and_hash: tuple[Path, str], tmp_path: Path) -> Path:
    """A private copy of the journal, free to damage."""
    return Path(shutil.copytree(journal_and_hash[0], tmp_path / "journal"))


def test_verify_passes_on_a_sound_journal(journal_and_hash):
    directory, live_hash = journal_and_hash

    result = bourse("replay", "--verify", directory)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["verified"] is True
    assert report["commands"] == len(setup_commands()) + COMMANDS
    assert report["snapshot_seq"] == SnapshotStore(directory / "snapshots").seqs()[-1] > 0
    assert report["state_hash_scratch"] == report["state_hash_snapshot"] == live_hash
    assert isinstance(report["seconds"], float)


def test_plain_replay_prints_the_state_hash_through_the_console_script(journal_and_hash):
    directory, live_hash = journal_and_hash
    assert BOURSE_SCRIPT.exists(), "the bourse console script is not installed in this venv"

    result = subprocess.run(
        [BOURSE_SCRIPT, "replay", directory],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["state_hash"] == live_hash
    assert report["commands"] == len(setup_commands()) + COMMANDS


def test_verify_refuses_a_corrupt_journal_naming_file_and_offset(journal):
    log_path = journal / LOG_FILE_NAME
    with FileCommandLog.open(journal, read_only=True) as log:
        offsets = [offset for offset, _ in log.scan_from(1)]
    bad_offset = offsets[len(offsets) // 2]
    data = bytearray(log_path.read_bytes())
    data[bad_offset + HEADER_SIZE + 3] ^= 0x01
    log_path.write_bytes(bytes(data))

    result = bourse("replay", "--verify", journal)

    assert result.returncode == 2
    assert result.stdout == ""
    assert str(log_path) in result.stderr
    assert f"byte offset {bad_offset}" in result.stderr


def test_verify_fails_when_a_snapshot_disagrees_with_the_journal(journal):
    store = SnapshotStore(journal / "snapshots")
    assert len(store.seqs()) >= 2
    newest = store.seqs()[-1]
    impostor = TradingCore.restore(store.load(store.seqs()[0]))
    impostor.command_seq = newest  # same seq, but the state of an earlier point
    store.write(newest, impostor.snapshot())

    result = bourse("replay", "--verify", journal)

    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["verified"] is False
    assert report["snapshot_state_matches"] is False
    assert report["state_hash_scratch"] != report["state_hash_snapshot"]


def test_verify_ignores_a_torn_tail_and_leaves_it(journal):
    log_path = journal / LOG_FILE_NAME
    torn = log_path.read_bytes()[:-7]
    log_path.write_bytes(torn)

    result = bourse("replay", "--verify", journal)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["commands"] == len(setup_commands()) + COMMANDS - 1
    assert log_path.read_bytes() == torn


def test_missing_directory_is_an_error(tmp_path):
    result = bourse("replay", "--verify", tmp_path / "nowhere")

    assert result.returncode == 2
    assert "nowhere" in result.stderr


def test_help_describes_the_replay_command():
    top = bourse("--help")
    replay = bourse("replay", "--help")

    assert top.returncode == replay.returncode == 0
    assert "replay" in top.stdout
    for text in ("--verify", "DIR", "snapshot", "exit status", "torn tail"):
        assert text in replay.stdout

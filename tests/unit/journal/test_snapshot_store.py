import pytest

from bourse.journal.snapshots import (
    SnapshotError,
    SnapshotStore,
    decode_snapshot,
    encode_snapshot,
)


def test_encode_decode_round_trip():
    assert decode_snapshot(encode_snapshot(42, b"state")) == (42, b"state")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda blob: blob[:10], "shorter than"),
        (lambda blob: b"X" + blob[1:], "bad magic"),
        (lambda blob: blob[:-1], "payload is 4 bytes, header says 5"),
        (lambda blob: blob[:-1] + b"?", "CRC mismatch"),
        (lambda blob: blob[:8] + b"\x43" + blob[9:], "CRC mismatch"),  # the seq itself
    ],
)
def test_decode_rejects_damage(damage, message):
    with pytest.raises(SnapshotError, match=message):
        decode_snapshot(damage(encode_snapshot(42, b"state")))


def test_missing_directory_has_no_snapshot(tmp_path):
    assert SnapshotStore(tmp_path / "nowhere").load_newest_valid() is None


def test_newest_snapshot_is_loaded(tmp_path):
    store = SnapshotStore(tmp_path)
    store.write(100, b"at 100")
    store.write(200, b"at 200")

    assert store.load_newest_valid() == (200, b"at 200")


def test_only_the_last_three_are_kept(tmp_path):
    store = SnapshotStore(tmp_path)
    for seq in (100, 200, 300, 400, 500):
        store.write(seq, b"s%d" % seq)

    assert store.seqs() == [300, 400, 500]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        f"snapshot-{seq:020d}.bin" for seq in (300, 400, 500)
    ]


def test_damaged_newest_snapshot_falls_back_to_previous(tmp_path):
    store = SnapshotStore(tmp_path)
    store.write(100, b"at 100")
    store.write(200, b"at 200")
    newest = store.path_for(200)
    blob = bytearray(newest.read_bytes())
    blob[-2] ^= 0x04
    newest.write_bytes(bytes(blob))

    assert store.load_newest_valid() == (100, b"at 100")


def test_truncated_or_renamed_snapshots_are_skipped(tmp_path):
    store = SnapshotStore(tmp_path)
    store.write(100, b"at 100")
    store.write(200, b"at 200")
    store.write(300, b"at 300")
    store.path_for(300).write_bytes(store.path_for(300).read_bytes()[:20])
    store.path_for(200).rename(store.path_for(250))  # its header still says 200

    assert list(store.valid_newest_first()) == [(100, b"at 100")]


def test_no_valid_snapshot_gives_none(tmp_path):
    store = SnapshotStore(tmp_path)
    store.write(100, b"at 100")
    store.path_for(100).write_bytes(b"")

    assert store.load_newest_valid() is None


def test_leftover_temporary_file_is_ignored_and_removed(tmp_path):
    store = SnapshotStore(tmp_path)
    store.write(100, b"at 100")
    leftover = tmp_path / "snapshot-00000000000000000200.bin.tmp"
    leftover.write_bytes(b"half a snapshot")

    assert store.load_newest_valid() == (100, b"at 100")

    store.write(300, b"at 300")
    assert not leftover.exists()

"""Snapshots taken by a forked child from a copy-on-write image of the core.

Capturing a snapshot walks the whole state (about a microsecond per resting order), which would
stall every command for the length of the walk. Instead the core thread forks: the child holds
the core exactly as it was at ``seq`` and serializes it while the parent trades on. The child
writes the snapshot only when the parent says every command up to ``seq`` is durable (a byte
on a pipe); if the parent dies first the pipe closes and the child throws its work away, so a
snapshot never gets ahead of the journal. The child never returns into Python's normal exit
path (``os._exit``) and never takes a lock another thread might have held at the fork.
"""

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the snapshot store imports this module
    from bourse.core.engine import TradingCore
    from bourse.journal.snapshots import SnapshotStore

_GO = b"1"
EXIT_WRITTEN = 0
EXIT_FAILED = 1
EXIT_ABANDONED = 3
SNAPSHOT_NICENESS = 10
"""Added to the child's niceness (lower scheduling priority than the process it copies)."""


def forking_supported() -> bool:
    return hasattr(os, "fork") and sys.platform != "emscripten"


class ForkedSnapshot:
    """A child writing the snapshot at ``seq``; the parent's handle on it."""

    def __init__(self, seq: int, pid: int, go_fd: int) -> None:
        self.seq = seq
        self.pid = pid
        self._go_fd: int | None = go_fd

    def commit(self) -> None:
        """Every command up to ``seq`` is durable: let the child write the snapshot."""
        self._signal(_GO)

    def abandon(self) -> None:
        """The commands it covers may never be durable: the child must not write."""
        self._signal(b"")

    def _signal(self, message: bytes) -> None:
        if self._go_fd is None:
            return
        try:
            if message:
                os.write(self._go_fd, message)
        finally:
            os.close(self._go_fd)
            self._go_fd = None

    def wait(self) -> int:
        """Wait for the child to exit; its exit status (0: written)."""
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def fork_snapshot(core: "TradingCore", store: "SnapshotStore", seq: int) -> ForkedSnapshot:
    """Fork a child that serializes ``core`` (at ``seq``) and writes it once told to."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only this thread exists here
        code = EXIT_FAILED
        try:
            os.close(write_fd)
            # Background work: where the child shares a CPU with the trading process (a busy
            # machine, or a process pinned to one CPU) the scheduler should favour the parent.
            os.nice(SNAPSHOT_NICENESS)
            data = core.snapshot()
            if os.read(read_fd, 1) == _GO:
                store.write(seq, data)
                code = EXIT_WRITTEN
            else:
                code = EXIT_ABANDONED
        except BaseException as exc:  # report without logging (its locks may be held)
            os.write(2, f"bourse: snapshot {seq} failed in the child: {exc!r}\n".encode())
        finally:
            os._exit(code)
    os.close(read_fd)
    return ForkedSnapshot(seq, pid, write_fd)

"""A serving process for the projector test: journal, real projections in their own process;
writes the projector's pid to the file named by the second argument, then waits to be killed.

``python projector_parent.py SCRATCH_DIR PID_FILE``
"""

import sys
import time
from pathlib import Path

from tests.integration.journal_workload import setup_commands

from bourse.app_projections import start_projections
from bourse.core.engine import TradingCore
from bourse.journal.group_commit import JournaledCore
from bourse.projection.process import ProjectorProcess
from bourse.store import create_store_engine, upgrade


def main() -> None:
    scratch, pid_file = Path(sys.argv[1]), Path(sys.argv[2])
    url = f"sqlite:///{scratch}/bourse.db"
    upgrade(url)
    engine = create_store_engine(url)
    journal = scratch / "journal"
    trading: JournaledCore[TradingCore] = JournaledCore.open(journal, fork_snapshots=False)
    projections = start_projections(engine, url, journal, trading, "process")
    trading.submit_many(setup_commands()).result()
    assert isinstance(projections.progress, ProjectorProcess)
    pid_file.write_text(str(projections.progress.pid))
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()

"""Child process of test_journal_crash.py (not a test module): runs a journaled core under load
until it is killed.

Usage: python journal_crash_child.py DIRECTORY ROUND

Three client threads keep up to 64 commands each in flight. When a command's future resolves
successfully (its batch is durable), the child prints the command's key (client_order_id or
deposit reference) on its own line and flushes, so the parent knows it was acknowledged.
"""

import sys
import threading
from concurrent.futures import Future

from journal_workload import Workload, command_key

from bourse.domain.events import Event
from bourse.journal.group_commit import JournaledCore

CLIENTS = 3
IN_FLIGHT = 64


def main() -> None:
    directory, round_number = sys.argv[1], int(sys.argv[2])
    journaled = JournaledCore.open(directory, snapshot_every=300, max_batch=128)
    print_lock = threading.Lock()

    def client(number: int) -> None:
        workload = Workload(seed=round_number * 100 + number, prefix=f"r{round_number}c{number}-")
        window = threading.BoundedSemaphore(IN_FLIGHT)

        def acknowledge(key: str | None, future: "Future[list[Event]]") -> None:
            window.release()
            if key is not None and future.exception() is None:
                with print_lock:
                    sys.stdout.write(key + "\n")
                    sys.stdout.flush()

        while True:
            command = workload.next_command()
            key = command_key(command)
            window.acquire()
            future = journaled.submit(command)
            future.add_done_callback(lambda done, key=key: acknowledge(key, done))

    for number in range(CLIENTS):
        threading.Thread(target=client, args=(number,), daemon=True).start()
    threading.Event().wait()  # until SIGKILL


if __name__ == "__main__":
    main()

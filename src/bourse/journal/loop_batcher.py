"""Commands submitted from one asyncio event loop, gathered per loop iteration.

Every request handler awaiting ``JournaledCore.execute`` during one turn of the event loop joins
one group: the group goes to the core thread as a single ``submit_many`` and comes back with a
single thread-safe wake-up of the loop, instead of one future, one hand-over and one wake-up per
command. Each caller still gets exactly its own command's events, only once the group is durable.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from bourse.domain.commands import Command
from bourse.domain.events import Event

SubmitMany = Callable[[list[Command]], "Future[list[list[Event]]]"]


class LoopBatcher:
    def __init__(self, loop: asyncio.AbstractEventLoop, submit_many: SubmitMany) -> None:
        self._loop = loop
        self._submit_many = submit_many
        self._commands: list[Command] = []
        self._waiters: list[asyncio.Future[list[Event]]] = []

    def execute(self, command: Command) -> "asyncio.Future[list[Event]]":
        """Join the group of this loop iteration; the future resolves to this command's events."""
        waiter: asyncio.Future[list[Event]] = self._loop.create_future()
        if not self._commands:
            self._loop.call_soon(self._flush)
        self._commands.append(command)
        self._waiters.append(waiter)
        return waiter

    def _flush(self) -> None:
        commands, waiters = self._commands, self._waiters
        self._commands, self._waiters = [], []
        try:
            group = self._submit_many(commands)
        except BaseException as exc:  # closed or failed journal: every waiter hears it
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
            return

        def settle(done: "Future[list[list[Event]]]") -> None:
            self._loop.call_soon_threadsafe(_resolve, waiters, done)

        group.add_done_callback(settle)


def _resolve(waiters: "list[asyncio.Future[Any]]", done: "Future[list[list[Event]]]") -> None:
    error = done.exception()
    if error is not None:
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(error)
        return
    for waiter, events in zip(waiters, done.result(), strict=True):
        if not waiter.done():  # a caller that went away (cancelled) no longer listens
            waiter.set_result(events)

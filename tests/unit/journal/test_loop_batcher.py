"""Commands executed in one event-loop iteration travel to the core as one group."""

import asyncio
from concurrent.futures import Future

import pytest

from bourse.domain.commands import Command, Deposit
from bourse.domain.events import Event, FundsDeposited
from bourse.journal.loop_batcher import LoopBatcher


def deposited(command: Command) -> list[Event]:
    assert isinstance(command, Deposit)
    return [
        FundsDeposited(
            seq=command.amount,
            command_seq=command.amount,
            ts_ns=0,
            account=command.account,
            amount=command.amount,
            reference=command.reference,
            cash_available=command.amount,
        )
    ]


class RecordingCore:
    """Stands in for the core thread: resolves each group from a thread of its own."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.groups: list[list[Command]] = []
        self.fail = fail

    def submit_many(self, commands: list[Command]) -> "Future[list[list[Event]]]":
        self.groups.append(list(commands))
        future: Future[list[list[Event]]] = Future()
        loop = asyncio.get_running_loop()
        if self.fail is not None:
            loop.run_in_executor(None, future.set_exception, self.fail)
        else:
            loop.run_in_executor(None, future.set_result, [deposited(c) for c in commands])
        return future


def deposit(n: int) -> Deposit:
    return Deposit(account=1, amount=n, reference=f"d{n}")


def test_commands_of_one_iteration_form_one_group_and_each_gets_its_events() -> None:
    async def scenario() -> tuple[list[list[Event]], list[list[Command]]]:
        core = RecordingCore()
        batcher = LoopBatcher(asyncio.get_running_loop(), core.submit_many)
        first = await asyncio.gather(*(batcher.execute(deposit(n)) for n in range(1, 6)))
        second = await batcher.execute(deposit(6))
        return [*first, second], core.groups

    results, groups = asyncio.run(scenario())

    assert [len(group) for group in groups] == [5, 1]
    assert [events[0].amount for events in results] == [1, 2, 3, 4, 5, 6]  # type: ignore[attr-defined]


def test_a_failed_group_fails_every_caller_in_it() -> None:
    async def scenario() -> list[BaseException | list[Event]]:
        core = RecordingCore(fail=RuntimeError("journal failed"))
        batcher = LoopBatcher(asyncio.get_running_loop(), core.submit_many)
        return await asyncio.gather(
            *(batcher.execute(deposit(n)) for n in range(3)), return_exceptions=True
        )

    results = asyncio.run(scenario())

    assert all(isinstance(r, RuntimeError) for r in results)


def test_a_refused_submission_reaches_every_caller() -> None:
    def closed(commands: list[Command]) -> "Future[list[list[Event]]]":
        raise RuntimeError("the journaled core is closed")

    async def scenario() -> None:
        batcher = LoopBatcher(asyncio.get_running_loop(), closed)
        await batcher.execute(deposit(1))

    with pytest.raises(RuntimeError, match="closed"):
        asyncio.run(scenario())

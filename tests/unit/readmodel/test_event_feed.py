"""The event feed: durable batches from another thread, applied in order on the loop."""

import asyncio
import threading
from concurrent.futures import Future

import pytest

from bourse.domain import events as ev
from bourse.readmodel.feed import EventFeed, ReadModels
from bourse.readmodel.views import OrderView


def batch(*seqs: int) -> list[ev.Event]:
    return [
        ev.CancelOnlyChanged(seq=seq, command_seq=seq, ts_ns=0, enabled=False, reason="")
        for seq in seqs
    ]


class Recorder:
    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.threads: set[str] = set()

    def __call__(self, events: list[ev.Event]) -> None:
        self.seqs.extend(event.seq for event in events)
        self.threads.add(threading.current_thread().name)


def test_before_a_loop_is_attached_batches_apply_at_once() -> None:
    recorder = Recorder()
    feed = EventFeed(recorder)

    feed.publish(batch(1, 2))

    assert recorder.seqs == [1, 2]


def test_an_attached_feed_applies_on_the_loop_thread_in_order() -> None:
    recorder = Recorder()
    feed = EventFeed(recorder)

    async def scenario() -> None:
        feed.attach(asyncio.get_running_loop())
        writer = threading.Thread(
            target=lambda: [feed.publish(batch(seq)) for seq in range(1, 51)], name="writer"
        )
        writer.start()
        await asyncio.to_thread(writer.join)
        await asyncio.sleep(0)

    asyncio.run(scenario(), debug=False)

    assert recorder.seqs == list(range(1, 51))
    assert recorder.threads == {threading.current_thread().name}


def test_events_are_applied_before_the_awaiting_request_resumes() -> None:
    recorder = Recorder()
    feed = EventFeed(recorder)
    seen_on_resume: list[int] = []

    async def scenario() -> None:
        feed.attach(asyncio.get_running_loop())
        result: Future[None] = Future()

        def writer() -> None:  # what the journal's writer thread does with a durable batch
            feed.publish(batch(7))
            result.set_result(None)

        threading.Thread(target=writer).start()
        await asyncio.wrap_future(result)
        seen_on_resume.extend(recorder.seqs)

    asyncio.run(scenario())

    assert seen_on_resume == [7]


def test_detach_applies_what_is_queued_and_goes_back_to_applying_at_once() -> None:
    recorder = Recorder()
    feed = EventFeed(recorder)

    async def scenario() -> None:
        feed.attach(asyncio.get_running_loop())
        feed.publish(batch(1))  # queued: the loop has not run the drain yet
        feed.detach()

    asyncio.run(scenario())
    feed.publish(batch(2))

    assert recorder.seqs == [1, 2]


def test_a_failing_batch_is_logged_and_later_batches_still_apply(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder()

    def deliver(events: list[ev.Event]) -> None:
        if events[0].seq == 1:
            raise ValueError("broken projection")
        recorder(events)

    feed = EventFeed(deliver)
    feed.publish(batch(1))
    feed.publish(batch(2))

    assert recorder.seqs == [2]
    assert "applying events 1..1" in caplog.text


def test_read_models_tell_watchers_what_changed() -> None:
    models = ReadModels()
    told: list[tuple[int, int]] = []

    def watcher(orders: list[OrderView], tokens: set[int]) -> None:
        told.append((len(orders), len(tokens)))

    models.watch(watcher)
    models.apply(batch(1))
    models.unwatch(watcher)
    models.apply(batch(2))

    assert told == [(0, 0)]
    assert models.orders.last_seq == 2

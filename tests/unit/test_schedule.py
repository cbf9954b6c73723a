"""The daily job times (IST) and the scheduler that submits end-of-day commands."""

import threading
from datetime import UTC, datetime

import pytest

from bourse.domain import commands as cmd
from bourse.schedule import (
    NS_PER_SECOND,
    DailyJob,
    DailyScheduler,
    end_of_day_jobs,
    next_occurrence,
    parse_time_of_day,
)


def ns(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) * NS_PER_SECOND


def test_square_off_at_15_20_ist_is_09_50_utc_the_same_day() -> None:
    assert next_occurrence(ns("2026-01-05T08:00:00"), parse_time_of_day("15:20")) == ns(
        "2026-01-05T09:50:00"
    )


def test_a_time_already_past_today_is_due_tomorrow() -> None:
    at = parse_time_of_day("15:20")
    assert next_occurrence(ns("2026-01-05T09:50:00"), at) == ns("2026-01-06T09:50:00")
    assert next_occurrence(ns("2026-01-05T20:00:00"), at) == ns("2026-01-06T09:50:00")


@pytest.mark.parametrize("text", ["1520", "24:00", "15:60", "15:2", "", "aa:bb"])
def test_malformed_times_of_day_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="time of day"):
        parse_time_of_day(text)


def test_jobs_are_only_those_configured() -> None:
    assert [j.name for j in end_of_day_jobs("15:20", "")] == ["mis-square-off"]
    assert [j.name for j in end_of_day_jobs("", "08:00")] == ["settlement"]
    assert end_of_day_jobs("", "") == []


class FakeTrading:
    """Records what the scheduler submits (the real journal is covered elsewhere)."""

    def __init__(self) -> None:
        self.submitted: list[cmd.Command] = []
        self.done = threading.Event()

    def submit(self, command: cmd.Command) -> "FakeFuture":
        self.submitted.append(command)
        self.done.set()
        return FakeFuture()


class FakeFuture:
    def result(self) -> list[object]:
        return []


def test_scheduler_submits_the_due_command_and_stops_on_close() -> None:
    trading = FakeTrading()
    now = ns("2026-01-05T09:49:59") + NS_PER_SECOND - 1_000_000  # 1 ms before 15:20 IST
    job = DailyJob("mis-square-off", parse_time_of_day("15:20"), cmd.SquareOffIntraday)

    scheduler = DailyScheduler(trading, [job], clock=lambda: now)  # type: ignore[arg-type]
    assert trading.done.wait(10)
    scheduler.close()

    assert isinstance(trading.submitted[0], cmd.SquareOffIntraday)

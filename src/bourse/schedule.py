"""Daily jobs that submit end-of-day commands at a configured IST time of day.

The core never reads a clock, so the MIS square-off and the T+1 settlement run when this
scheduler, outside the core, submits ``SquareOffIntraday`` / ``SettleTrades`` at the times set
by ``BOURSE_MIS_SQUARE_OFF_AT`` / ``BOURSE_SETTLEMENT_AT`` (``HH:MM`` IST; empty: off). The
journal stamps the command with its own time, so a replay does the same at the same point.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.journal.group_commit import JournaledCore

logger = logging.getLogger(__name__)

NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND
IST_OFFSET_NS = (5 * 3600 + 30 * 60) * NS_PER_SECOND


def parse_time_of_day(text: str) -> int:
    """``HH:MM`` as nanoseconds after midnight; ValueError naming the value otherwise."""
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"time of day {text!r} is not HH:MM")
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise ValueError(f"time of day {text!r} is not a time between 00:00 and 23:59")
    return (h * 3600 + m * 60) * NS_PER_SECOND


def next_occurrence(now_ns: int, time_of_day_ns: int) -> int:
    """The first instant strictly after ``now_ns`` whose IST time of day is ``time_of_day_ns``."""
    local = now_ns + IST_OFFSET_NS
    today = local - local % NS_PER_DAY + time_of_day_ns
    due = today if today > local else today + NS_PER_DAY
    return due - IST_OFFSET_NS


@dataclass(frozen=True)
class DailyJob:
    name: str
    time_of_day_ns: int
    command: Callable[[], cmd.Command]


class DailyScheduler:
    """Runs ``jobs`` every day on one daemon thread until ``close``."""

    def __init__(
        self,
        trading: JournaledCore[TradingCore],
        jobs: list[DailyJob],
        *,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self._trading = trading
        self._jobs = jobs
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bourse-daily-jobs", daemon=True)
        if jobs:
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = self._clock()
            job = min(self._jobs, key=lambda j: next_occurrence(now, j.time_of_day_ns))
            due = next_occurrence(now, job.time_of_day_ns)
            if self._stop.wait((due - now) / NS_PER_SECOND):
                return
            try:
                self._trading.submit(job.command()).result()
                logger.info("daily job %s submitted", job.name)
            except Exception:
                logger.exception("daily job %s failed", job.name)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def end_of_day_jobs(square_off_at: str, settlement_at: str) -> list[DailyJob]:
    jobs = []
    if square_off_at:
        jobs.append(
            DailyJob("mis-square-off", parse_time_of_day(square_off_at), cmd.SquareOffIntraday)
        )
    if settlement_at:
        jobs.append(DailyJob("settlement", parse_time_of_day(settlement_at), cmd.SettleTrades))
    return jobs

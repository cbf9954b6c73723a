"""The clock port of the identity service: integer nanoseconds since the epoch, UTC.

The service reads time only through a ``Clock`` so that expiry, TOTP steps and throttling
are testable without sleeping. ``ManualClock`` is the fake, shipped beside the port.
"""

import time
from collections.abc import Callable
from typing import TypeAlias

Clock: TypeAlias = Callable[[], int]

system_clock: Clock = time.time_ns

_NS_PER_SECOND = 1_000_000_000


class ManualClock:
    """A clock that moves only when told to (tests, simulations)."""

    def __init__(self, start_seconds: int = 1_700_000_040) -> None:
        self.now_ns = start_seconds * _NS_PER_SECOND

    def __call__(self) -> int:
        return self.now_ns

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"seconds {seconds} must not be negative")
        self.now_ns += round(seconds * _NS_PER_SECOND)

    @property
    def unix_seconds(self) -> int:
        return self.now_ns // _NS_PER_SECOND

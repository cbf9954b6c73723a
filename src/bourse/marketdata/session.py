"""The trading day and candle buckets in Indian time (IST, UTC+05:30, no daylight saving).

A trade belongs to the trading day of its IST calendar date. Intraday candles are aligned to
the session open, 09:15 IST: a 60-minute candle covers 09:15-10:15, 10:15-11:15, ...; a
15-minute one 09:15-09:30, ... Every interval divides a day, so one anchor (09:15 IST on any
date) aligns them all, and a trade outside the session (a demo market open all day) falls in
the bucket the same grid gives it. A day candle starts at midnight IST of its date, as Kite's
do. Times are integer nanoseconds since the epoch, UTC.
"""

NS_PER_SECOND = 1_000_000_000
NS_PER_MINUTE = 60 * NS_PER_SECOND
MINUTES_PER_DAY = 24 * 60
NS_PER_DAY = MINUTES_PER_DAY * NS_PER_MINUTE
IST_OFFSET_NS = (5 * 60 + 30) * NS_PER_MINUTE
SESSION_OPEN_MINUTE_IST = 9 * 60 + 15
SESSION_CLOSE_MINUTE_IST = 15 * 60 + 30
_ANCHOR_NS = SESSION_OPEN_MINUTE_IST * NS_PER_MINUTE - IST_OFFSET_NS
"""09:15 IST on 1970-01-01, in UTC nanoseconds."""

DAY = MINUTES_PER_DAY
INTERVALS: dict[str, int] = {
    "minute": 1,
    "3minute": 3,
    "5minute": 5,
    "10minute": 10,
    "15minute": 15,
    "30minute": 30,
    "60minute": 60,
    "day": DAY,
}
"""Kite's interval names and their length in minutes."""
INTERVAL_MINUTES: tuple[int, ...] = tuple(INTERVALS.values())


def trading_day(ts_ns: int) -> int:
    """The IST calendar date of ``ts_ns``, as days since 1970-01-01."""
    return (ts_ns + IST_OFFSET_NS) // NS_PER_DAY


def bucket_start(ts_ns: int, minutes: int) -> int:
    """Start (UTC ns) of the ``minutes``-long candle that holds ``ts_ns``."""
    if minutes == DAY:
        return trading_day(ts_ns) * NS_PER_DAY - IST_OFFSET_NS
    width = minutes * NS_PER_MINUTE
    return _ANCHOR_NS + (ts_ns - _ANCHOR_NS) // width * width


def in_session(ts_ns: int) -> bool:
    """Whether ``ts_ns`` falls within 09:15-15:30 IST (weekends and holidays not considered)."""
    minute = (ts_ns + IST_OFFSET_NS) % NS_PER_DAY // NS_PER_MINUTE
    return SESSION_OPEN_MINUTE_IST <= minute < SESSION_CLOSE_MINUTE_IST

"""Trading days and candle buckets in IST, aligned to the 09:15 session open."""

from datetime import UTC, datetime

from bourse.marketdata.session import INTERVALS, bucket_start, in_session, trading_day


def utc_ns(text: str) -> int:
    """An IST wall time 'YYYY-MM-DD HH:MM' as UTC nanoseconds."""
    local = datetime.fromisoformat(text + "+05:30")
    return int(local.astimezone(UTC).timestamp()) * 10**9


def test_intraday_candles_start_at_the_session_open_grid() -> None:
    at = utc_ns("2026-03-02 10:20")

    assert bucket_start(at, INTERVALS["minute"]) == utc_ns("2026-03-02 10:20")
    assert bucket_start(at, INTERVALS["3minute"]) == utc_ns("2026-03-02 10:18")
    assert bucket_start(at, INTERVALS["15minute"]) == utc_ns("2026-03-02 10:15")
    assert bucket_start(at, INTERVALS["30minute"]) == utc_ns("2026-03-02 10:15")
    assert bucket_start(at, INTERVALS["60minute"]) == utc_ns("2026-03-02 10:15")


def test_the_first_hour_candle_holds_the_open_and_ends_before_1015() -> None:
    assert bucket_start(utc_ns("2026-03-02 09:15"), 60) == utc_ns("2026-03-02 09:15")
    assert bucket_start(utc_ns("2026-03-02 10:14"), 60) == utc_ns("2026-03-02 09:15")


def test_a_day_candle_starts_at_midnight_ist() -> None:
    assert bucket_start(utc_ns("2026-03-02 23:59"), INTERVALS["day"]) == utc_ns("2026-03-02 00:00")
    assert bucket_start(utc_ns("2026-03-03 00:00"), INTERVALS["day"]) == utc_ns("2026-03-03 00:00")


def test_the_trading_day_changes_at_midnight_ist_not_utc() -> None:
    late_utc_same_ist_day = utc_ns("2026-03-02 05:00")  # 2026-03-01 23:30 UTC
    assert trading_day(late_utc_same_ist_day) == trading_day(utc_ns("2026-03-02 23:00"))
    assert trading_day(utc_ns("2026-03-03 00:01")) == trading_day(utc_ns("2026-03-02 12:00")) + 1


def test_session_hours_are_0915_to_1530_ist() -> None:
    assert not in_session(utc_ns("2026-03-02 09:14"))
    assert in_session(utc_ns("2026-03-02 09:15"))
    assert in_session(utc_ns("2026-03-02 15:29"))
    assert not in_session(utc_ns("2026-03-02 15:30"))

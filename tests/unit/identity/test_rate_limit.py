"""Token buckets: burst, refill, Retry-After, independence of keys and bounded memory."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bourse.identity.rate_limit import RateDecision, TokenBucketLimiter

S = 1_000_000_000


def test_burst_up_to_capacity_then_refused_with_retry_after() -> None:
    limiter = TokenBucketLimiter(capacity=3, refill_per_second=1)

    decisions = [limiter.take("user:1", 0) for _ in range(4)]

    assert decisions[:3] == [RateDecision(True, 0)] * 3
    assert decisions[3] == RateDecision(False, 1)


def test_retry_after_rounds_up_to_whole_seconds() -> None:
    limiter = TokenBucketLimiter(capacity=1, refill_per_second=0.1)
    limiter.take("k", 0)

    assert limiter.take("k", 1 * S) == RateDecision(False, 9)


def test_tokens_refill_over_time() -> None:
    limiter = TokenBucketLimiter(capacity=2, refill_per_second=2)
    limiter.take("k", 0)
    limiter.take("k", 0)

    assert not limiter.take("k", S // 4).allowed
    assert limiter.take("k", S // 2).allowed


def test_refill_never_exceeds_capacity() -> None:
    limiter = TokenBucketLimiter(capacity=2, refill_per_second=10)

    limiter.take("k", 3600 * S)
    results = [limiter.take("k", 3600 * S).allowed for _ in range(3)]

    assert results == [True, False, False]


def test_keys_are_independent() -> None:
    limiter = TokenBucketLimiter(capacity=1, refill_per_second=1)
    limiter.take("ip:1.2.3.4", 0)

    assert limiter.take("ip:5.6.7.8", 0).allowed
    assert not limiter.take("ip:1.2.3.4", 0).allowed


def test_peek_takes_nothing() -> None:
    limiter = TokenBucketLimiter(capacity=1, refill_per_second=1)

    assert limiter.peek("k", 0).allowed
    assert limiter.peek("k", 0).allowed
    assert limiter.take("k", 0).allowed
    assert limiter.peek("k", 0) == RateDecision(False, 1)


def test_clock_stepping_back_mints_no_tokens() -> None:
    limiter = TokenBucketLimiter(capacity=1, refill_per_second=1)
    limiter.take("k", 100 * S)

    assert not limiter.take("k", 50 * S).allowed
    assert not limiter.take("k", 100 * S).allowed
    assert limiter.take("k", 101 * S).allowed


def test_cost_larger_than_one() -> None:
    limiter = TokenBucketLimiter(capacity=10, refill_per_second=1)

    assert limiter.take("k", 0, cost=8).allowed
    assert limiter.take("k", 0, cost=3) == RateDecision(False, 1)


def test_cost_above_capacity_is_a_programming_error() -> None:
    limiter = TokenBucketLimiter(capacity=2, refill_per_second=1)
    limiter.take("k", 0, cost=2)

    with pytest.raises(ValueError, match="exceeds"):
        limiter.take("k", 0, cost=3)


def test_memory_stays_bounded_and_full_buckets_go_first() -> None:
    limiter = TokenBucketLimiter(capacity=1, refill_per_second=0.001, max_keys=3)
    limiter.take("spent", 0)

    for index in range(10):
        limiter.peek(f"fresh-{index}", 0)

    assert len(limiter) == 3
    # The spent bucket (the only one with information) survived the eviction.
    assert not limiter.take("spent", 0).allowed


def test_reset_forgets_a_key() -> None:
    limiter = TokenBucketLimiter(capacity=1, refill_per_second=1)
    limiter.take("k", 0)

    limiter.reset("k")

    assert limiter.take("k", 0).allowed


@pytest.mark.parametrize(
    ("capacity", "refill", "max_keys"), [(0, 1, 10), (1, 0, 10), (1, -1, 10), (1, 1, 0)]
)
def test_invalid_configuration_is_refused(capacity: float, refill: float, max_keys: int) -> None:
    with pytest.raises(ValueError, match="token bucket"):
        TokenBucketLimiter(capacity=capacity, refill_per_second=refill, max_keys=max_keys)


@given(
    capacity=st.integers(min_value=1, max_value=20),
    refill=st.floats(min_value=0.01, max_value=50),
    gaps_ms=st.lists(st.integers(min_value=0, max_value=2_000), min_size=1, max_size=200),
)
def test_never_allows_more_than_burst_plus_refill(
    capacity: int, refill: float, gaps_ms: list[int]
) -> None:
    limiter = TokenBucketLimiter(capacity=capacity, refill_per_second=refill)
    now_ns = 0
    allowed = 0
    for gap in gaps_ms:
        now_ns += gap * 1_000_000
        allowed += limiter.take("k", now_ns).allowed

    assert allowed <= capacity + refill * now_ns / S + 1e-6


@given(
    capacity=st.integers(min_value=1, max_value=20),
    refill=st.floats(min_value=0.01, max_value=50),
    spent=st.integers(min_value=1, max_value=20),
)
def test_waiting_retry_after_is_always_enough(capacity: int, refill: float, spent: int) -> None:
    limiter = TokenBucketLimiter(capacity=capacity, refill_per_second=refill)
    for _ in range(capacity + spent):
        decision = limiter.take("k", 0)

    assert not decision.allowed
    assert limiter.take("k", decision.retry_after_seconds * S).allowed

"""In-process token buckets keyed by string (per user, per IP, per login email...).

Each key has a bucket of ``capacity`` tokens refilled continuously at ``refill_per_second``;
a request takes one (or ``cost``) and is refused when the bucket is short, with the number
of seconds after which it would succeed (for ``Retry-After``). Time is passed in (integer
nanoseconds), never read here, so behaviour is reproducible in tests.

Thread-safe (the gateway calls it from a thread pool). Memory is bounded by ``max_keys``: a
full bucket is the same as no bucket, so full ones among the least recently used are dropped
first, then the least recently used one.
In distributed mode these buckets move to Redis; this one serves a single process.
"""

import math
import threading
from collections import OrderedDict
from itertools import islice
from typing import NamedTuple

_NS_PER_SECOND = 1_000_000_000
DEFAULT_MAX_KEYS = 100_000
_EVICTION_SCAN = 16
# Float refill arithmetic can land a hair below a whole token at the advertised retry time.
_EPSILON = 1e-9


class RateDecision(NamedTuple):
    allowed: bool
    retry_after_seconds: int
    """0 when allowed; otherwise whole seconds to wait (rounded up, at least 1)."""


class _Bucket:
    __slots__ = ("tokens", "updated_ns")

    def __init__(self, tokens: float, updated_ns: int) -> None:
        self.tokens = tokens
        self.updated_ns = updated_ns


class TokenBucketLimiter:
    def __init__(
        self, *, capacity: float, refill_per_second: float, max_keys: int = DEFAULT_MAX_KEYS
    ) -> None:
        if capacity < 1 or refill_per_second <= 0 or max_keys < 1:
            raise ValueError(
                f"token bucket needs capacity >= 1 (got {capacity}), refill_per_second > 0 "
                f"(got {refill_per_second}) and max_keys >= 1 (got {max_keys})"
            )
        self.capacity = float(capacity)
        self.refill_per_second = float(refill_per_second)
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, now_ns: int, cost: float = 1.0) -> RateDecision:
        """Take ``cost`` tokens from ``key``'s bucket if it has them."""
        with self._lock:
            bucket = self._refilled(key, now_ns)
            if bucket.tokens + _EPSILON >= cost:
                bucket.tokens = max(0.0, bucket.tokens - cost)
                return RateDecision(True, 0)
            return RateDecision(False, self._wait_seconds(bucket, cost))

    def peek(self, key: str, now_ns: int, cost: float = 1.0) -> RateDecision:
        """Would ``take`` succeed? Takes nothing."""
        with self._lock:
            bucket = self._refilled(key, now_ns)
            if bucket.tokens + _EPSILON >= cost:
                return RateDecision(True, 0)
            return RateDecision(False, self._wait_seconds(bucket, cost))

    def reset(self, key: str) -> None:
        with self._lock:
            self._buckets.pop(key, None)

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, key: str, now_ns: int) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(self.capacity, now_ns)
            self._buckets[key] = bucket
            self._evict_if_over_limit(now_ns)
            return bucket
        self._buckets.move_to_end(key)
        # A clock that steps back must not mint tokens or wind the bucket back.
        elapsed_ns = max(0, now_ns - bucket.updated_ns)
        bucket.tokens = min(
            self.capacity, bucket.tokens + elapsed_ns * self.refill_per_second / _NS_PER_SECOND
        )
        bucket.updated_ns = max(bucket.updated_ns, now_ns)
        return bucket

    def _wait_seconds(self, bucket: _Bucket, cost: float) -> int:
        if cost > self.capacity:
            raise ValueError(f"cost {cost} exceeds the bucket capacity {self.capacity}")
        missing = cost - bucket.tokens
        return max(1, math.ceil(missing / self.refill_per_second))

    def _evict_if_over_limit(self, now_ns: int) -> None:
        while len(self._buckets) > self.max_keys:
            # Prefer a full bucket (it carries no information) among the least recently used
            # few; the scan is bounded so that a flood of new keys stays O(1) per request.
            # The newest bucket (the one just added) is never a candidate.
            candidates = islice(self._buckets.items(), min(_EVICTION_SCAN, len(self._buckets) - 1))
            victim = next((k for k, b in candidates if self._is_full(b, now_ns)), None)
            if victim is None:
                victim = next(iter(self._buckets))
            del self._buckets[victim]

    def _is_full(self, bucket: _Bucket, now_ns: int) -> bool:
        elapsed_s = max(0, now_ns - bucket.updated_ns) / _NS_PER_SECOND
        return bucket.tokens + elapsed_s * self.refill_per_second >= self.capacity

"""Login throttling: a budget of failed logins per email and per client IP.

Only failures spend the budget (a wrong password, a wrong or replayed TOTP code), and while
either budget is empty every attempt is refused before the password is even checked, so a
guesser cannot learn anything from a throttled attempt. Budgets refill continuously: with
5 failures per 300 s, one more attempt is allowed every minute after the fifth failure.
Success does not refill the budget, so interleaving a known good login does not help either.
"""

from bourse.identity.errors import LoginThrottledError
from bourse.identity.rate_limit import TokenBucketLimiter


class LoginThrottle:
    def __init__(
        self, *, failures_per_email: int, failures_per_ip: int, window_seconds: int
    ) -> None:
        self._by_email = TokenBucketLimiter(
            capacity=failures_per_email, refill_per_second=failures_per_email / window_seconds
        )
        self._by_ip = TokenBucketLimiter(
            capacity=failures_per_ip, refill_per_second=failures_per_ip / window_seconds
        )

    def check(self, email: str, ip: str | None, now_ns: int) -> None:
        """Raise LoginThrottledError if the email's or the IP's failure budget is spent."""
        waits = [self._by_email.peek(email, now_ns)]
        if ip is not None:
            waits.append(self._by_ip.peek(ip, now_ns))
        retry_after = max(decision.retry_after_seconds for decision in waits)
        if retry_after > 0:
            raise LoginThrottledError(retry_after)

    def record_failure(self, email: str, ip: str | None, now_ns: int) -> None:
        self._by_email.take(email, now_ns)
        if ip is not None:
            self._by_ip.take(ip, now_ns)

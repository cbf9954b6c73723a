"""The platform as the HTTP layer sees it: the services every route works through.

Built by ``bourse.app`` (the composition root) and handed to each route module; routes never
construct services themselves.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from bourse.api.auth import Authenticator
from bourse.api.errors import rate_limited
from bourse.core.engine import TradingCore
from bourse.identity.models import ClientInfo, Principal
from bourse.identity.rate_limit import TokenBucketLimiter
from bourse.identity.service import IdentityService
from bourse.journal.group_commit import JournaledCore
from bourse.settings import Settings


@dataclass
class Gateway:
    settings: Settings
    identity: IdentityService
    auth: Authenticator
    trading: JournaledCore[TradingCore]
    user_limiter: TokenBucketLimiter
    ip_limiter: TokenBucketLimiter
    clock: Callable[[], int] = time.time_ns
    services: dict[str, object] = field(default_factory=dict)
    """Further read models and helpers added by the composition root, by name."""

    async def caller(self, connection: HTTPConnection) -> Principal:
        """The authenticated caller, within its per-user rate limit (else 429)."""
        principal = await self.auth.principal(connection)
        decision = self.user_limiter.take(f"user:{principal.user_id}", self.clock())
        if not decision.allowed:
            raise rate_limited(decision.retry_after_seconds)
        return principal

    def guest(self, connection: HTTPConnection) -> ClientInfo:
        """An unauthenticated caller, within its per-IP rate limit (else 429)."""
        ip = connection.client.host if connection.client else None
        decision = self.ip_limiter.take(f"ip:{ip}", self.clock())
        if not decision.allowed:
            raise rate_limited(decision.retry_after_seconds)
        return ClientInfo(ip=ip, user_agent=connection.headers.get("user-agent"))

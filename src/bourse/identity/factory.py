"""Build an ``IdentityService`` from ``Settings`` (called by the composition root)."""

from sqlalchemy import Engine

from bourse.identity.clock import Clock, system_clock
from bourse.identity.login_throttle import LoginThrottle
from bourse.identity.models import IdentityPolicy
from bourse.identity.passwords import Argon2Parameters, Argon2PasswordHasher
from bourse.identity.refresh import SessionFamilies
from bourse.identity.sealing import SecretBox
from bourse.identity.service import IdentityService
from bourse.identity.tokens import AccessTokenCodec
from bourse.settings import Settings
from bourse.store.identity_store import IdentityStore


def build_identity_service(
    settings: Settings, engine: Engine, *, clock: Clock = system_clock
) -> IdentityService:
    """Wire the identity service to ``engine`` (owned and disposed by the caller)."""
    tokens = settings.tokens
    hashing = settings.password_hashing
    limits = settings.rate_limits
    return IdentityService(
        IdentityStore(engine),
        passwords=Argon2PasswordHasher(
            Argon2Parameters(
                memory_cost_kib=hashing.memory_cost_kib,
                time_cost=hashing.time_cost,
                parallelism=hashing.parallelism,
            )
        ),
        tokens=AccessTokenCodec.with_secret(
            tokens.jwt_secret,
            issuer=tokens.jwt_issuer,
            audience=tokens.jwt_audience,
            algorithm=tokens.jwt_algorithm,
            leeway_seconds=tokens.jwt_leeway_seconds,
        ),
        sessions=SessionFamilies(refresh_ttl_seconds=tokens.refresh_token_ttl_seconds),
        secret_box=SecretBox(settings.encryption_key),
        login_throttle=LoginThrottle(
            failures_per_email=limits.login_failures_per_email,
            failures_per_ip=limits.login_failures_per_ip,
            window_seconds=limits.login_failure_window_seconds,
        ),
        policy=IdentityPolicy(
            access_token_ttl_seconds=tokens.access_token_ttl_seconds,
            api_access_token_ttl_seconds=tokens.api_access_token_ttl_seconds,
            request_token_ttl_seconds=tokens.request_token_ttl_seconds,
            totp_issuer=settings.totp_issuer,
        ),
        clock=clock,
    )

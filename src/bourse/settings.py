"""One settings object, read from ``BOURSE_*`` environment variables and passed in.

Nothing reads the environment elsewhere and nothing here is a module-level instance: the
composition root calls ``Settings.from_env(os.environ)`` once. Outside development mode the
built-in development secrets are refused, as are weak password-hashing parameters.
"""

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from bourse.readmodel.orders import DEFAULT_FINISHED_KEPT

Mode = Literal["development", "production"]
MODES: tuple[Mode, ...] = ("development", "production")
ProjectionPlacement = Literal["process", "thread"]
PROJECTION_PLACEMENTS: tuple[ProjectionPlacement, ...] = ("process", "thread")

DEVELOPMENT_JWT_SECRET = "bourse-development-only-jwt-secret-never-use-in-production"
DEVELOPMENT_ENCRYPTION_KEY = "bourse-development-only-encryption-key-never-use-in-production"
DEVELOPMENT_WEBHOOK_SECRET = "bourse-development-only-webhook-secret-never-use-in-production"
DEFAULT_SECRETS = frozenset({DEVELOPMENT_JWT_SECRET, DEVELOPMENT_ENCRYPTION_KEY})
MIN_SECRET_LENGTH = 32
DEFAULT_DATA_DIR = "./var"
HMAC_JWT_ALGORITHMS = ("HS256", "HS384", "HS512")

# OWASP minimum for argon2id; bourse.identity.passwords.PRODUCTION_MINIMUM says the same
# (a unit test keeps the two equal; settings stays free of imports from the services).
ARGON2_MIN_MEMORY_KIB = 19_456
ARGON2_MIN_TIME_COST = 2
ARGON2_MIN_PARALLELISM = 1

_GENERATE_HINT = 'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'


class SettingsError(ValueError):
    """The environment does not describe a usable configuration; the message says why."""


@dataclass(frozen=True, slots=True)
class TokenSettings:
    jwt_secret: str = field(default=DEVELOPMENT_JWT_SECRET, repr=False)
    jwt_algorithm: str = "HS256"
    jwt_issuer: str = "bourse"
    jwt_audience: str = "bourse-api"
    jwt_leeway_seconds: int = 5
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # Kite Connect clients do not refresh; their access token lasts a trading day.
    api_access_token_ttl_seconds: int = 12 * 3600
    request_token_ttl_seconds: int = 5 * 60


@dataclass(frozen=True, slots=True)
class PasswordHashSettings:
    memory_cost_kib: int = ARGON2_MIN_MEMORY_KIB
    time_cost: int = ARGON2_MIN_TIME_COST
    parallelism: int = ARGON2_MIN_PARALLELISM


@dataclass(frozen=True, slots=True)
class RateLimitSettings:
    user_requests_per_second: float = 10.0  # Kite Connect's documented limit
    user_burst: int = 20
    ip_requests_per_second: float = 20.0
    ip_burst: int = 40
    login_failures_per_email: int = 5
    login_failures_per_ip: int = 20
    login_failure_window_seconds: int = 300


@dataclass(frozen=True, slots=True)
class SimulatorSettings:
    """The market simulator that `bourse run` starts (see docs/simulator.md)."""

    enabled: bool = True
    order_rate: float = 50.0
    """Taker orders per second across the market; market makers requote on top."""
    seed: int = 2026
    instruments_csv: str = ""
    """A universe in Kite's instruments CSV format; empty: the shipped NSE master."""


@dataclass(frozen=True, slots=True)
class StreamSettings:
    """The WebSocket fan-out (``bourse.api.stream_hub``)."""

    flush_interval_ms: int = 50
    """Ticks are conflated and sent at most this often (latest value per instrument wins)."""
    max_subscriptions: int = 3000
    """Instruments per connection."""
    max_tick_backlog_flushes: int = 100
    """A connection whose ticks wait untaken for this many flushes is closed (1013)."""
    max_order_backlog: int = 1000
    """Order updates waiting for a connection before it is closed (1013)."""
    heartbeat_interval_ms: int = 1000
    """An idle connection gets ``{"type":"heartbeat"}`` this often."""


@dataclass(frozen=True, slots=True)
class Settings:
    mode: Mode = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    database_url: str = "sqlite:///./var/bourse.db"
    # Seals TOTP seeds and API secrets at rest (see bourse.identity.sealing).
    encryption_key: str = field(default=DEVELOPMENT_ENCRYPTION_KEY, repr=False)
    totp_issuer: str = "Bourse"
    # Signs the payment gateway's webhooks (HMAC-SHA256; shared with the gateway). Outside
    # development the built-in value switches the funds routes off instead of failing startup.
    payment_webhook_secret: str = field(default=DEVELOPMENT_WEBHOOK_SECRET, repr=False)
    # IST times of day ("HH:MM") at which a scheduler submits the MIS square-off and the T+1
    # settlement; empty: not scheduled (submit them yourself).
    mis_square_off_at: str = ""
    settlement_at: str = ""
    tokens: TokenSettings = field(default_factory=TokenSettings)
    password_hashing: PasswordHashSettings = field(default_factory=PasswordHashSettings)
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)
    simulator: SimulatorSettings = field(default_factory=SimulatorSettings)
    stream: StreamSettings = field(default_factory=StreamSettings)
    web_dir: Path | None = None
    """Built web terminal (``BOURSE_WEB_DIR``); None: ``web/dist`` of the checkout."""
    projections: ProjectionPlacement = "process"
    """Where the SQL projections (ledger, candles) run (``BOURSE_PROJECTIONS``): a process of
    their own that follows the journal, on another core (``process``), or a thread of the
    serving process (``thread``: one process, for small machines and tests)."""
    order_history_kept: int = DEFAULT_FINISHED_KEPT
    """Finished orders each account's order book keeps in memory (``BOURSE_ORDER_HISTORY_KEPT``;
    working orders are always kept)."""

    @property
    def is_development(self) -> bool:
        return self.mode == "development"

    @property
    def payments_enabled(self) -> bool:
        """The payment gateway's webhooks can be trusted: a real secret, or development."""
        return self.is_development or self.payment_webhook_secret != DEVELOPMENT_WEBHOOK_SECRET

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Read ``BOURSE_*`` variables; raise SettingsError naming every problem found."""
        env = _Env(environ)
        mode = env.text("BOURSE_MODE", "development")
        if mode not in MODES:
            env.problems.append(f"BOURSE_MODE {mode!r} is not one of {', '.join(MODES)}")
            mode = "production"  # judge the rest by the strict rules
        data_dir = env.text("BOURSE_DATA_DIR", DEFAULT_DATA_DIR)
        default_url = "sqlite:///" + posixpath.join(data_dir, "bourse.db")
        tokens = TokenSettings(
            jwt_secret=env.secret("BOURSE_JWT_SECRET", DEVELOPMENT_JWT_SECRET),
            jwt_algorithm=env.choice("BOURSE_JWT_ALGORITHM", "HS256", HMAC_JWT_ALGORITHMS),
            jwt_issuer=env.text("BOURSE_JWT_ISSUER", "bourse"),
            jwt_audience=env.text("BOURSE_JWT_AUDIENCE", "bourse-api"),
            jwt_leeway_seconds=env.integer("BOURSE_JWT_LEEWAY_SECONDS", 5, minimum=0),
            access_token_ttl_seconds=env.integer("BOURSE_ACCESS_TOKEN_TTL_SECONDS", 900),
            refresh_token_ttl_seconds=env.integer("BOURSE_REFRESH_TOKEN_TTL_SECONDS", 2_592_000),
            api_access_token_ttl_seconds=env.integer("BOURSE_API_ACCESS_TOKEN_TTL_SECONDS", 43_200),
            request_token_ttl_seconds=env.integer("BOURSE_REQUEST_TOKEN_TTL_SECONDS", 300),
        )
        settings = cls(
            mode=cast(Mode, mode),
            host=env.text("BOURSE_HOST", "127.0.0.1"),
            port=env.integer("BOURSE_PORT", 8000, maximum=65_535),
            data_dir=Path(data_dir),
            database_url=env.text("BOURSE_DATABASE_URL", default_url),
            encryption_key=env.secret("BOURSE_ENCRYPTION_KEY", DEVELOPMENT_ENCRYPTION_KEY),
            totp_issuer=env.text("BOURSE_TOTP_ISSUER", "Bourse"),
            payment_webhook_secret=env.secret(
                "BOURSE_PAYMENT_WEBHOOK_SECRET", DEVELOPMENT_WEBHOOK_SECRET
            ),
            mis_square_off_at=env.text("BOURSE_MIS_SQUARE_OFF_AT", ""),
            settlement_at=env.text("BOURSE_SETTLEMENT_AT", ""),
            web_dir=Path(web_dir) if (web_dir := env.text("BOURSE_WEB_DIR", "")) else None,
            projections=cast(
                ProjectionPlacement,
                env.choice("BOURSE_PROJECTIONS", "process", PROJECTION_PLACEMENTS),
            ),
            order_history_kept=env.integer("BOURSE_ORDER_HISTORY_KEPT", DEFAULT_FINISHED_KEPT),
            tokens=tokens,
            password_hashing=PasswordHashSettings(
                memory_cost_kib=env.integer("BOURSE_ARGON2_MEMORY_KIB", ARGON2_MIN_MEMORY_KIB),
                time_cost=env.integer("BOURSE_ARGON2_TIME_COST", ARGON2_MIN_TIME_COST),
                parallelism=env.integer("BOURSE_ARGON2_PARALLELISM", ARGON2_MIN_PARALLELISM),
            ),
            rate_limits=RateLimitSettings(
                user_requests_per_second=env.number("BOURSE_RATE_LIMIT_USER_PER_SECOND", 10.0),
                user_burst=env.integer("BOURSE_RATE_LIMIT_USER_BURST", 20),
                ip_requests_per_second=env.number("BOURSE_RATE_LIMIT_IP_PER_SECOND", 20.0),
                ip_burst=env.integer("BOURSE_RATE_LIMIT_IP_BURST", 40),
                login_failures_per_email=env.integer("BOURSE_LOGIN_FAILURES_PER_EMAIL", 5),
                login_failures_per_ip=env.integer("BOURSE_LOGIN_FAILURES_PER_IP", 20),
                login_failure_window_seconds=env.integer(
                    "BOURSE_LOGIN_FAILURE_WINDOW_SECONDS", 300
                ),
            ),
            simulator=SimulatorSettings(
                enabled=env.switch("BOURSE_SIM", True),
                order_rate=env.number("BOURSE_SIM_RATE", 50.0),
                seed=env.integer("BOURSE_SIM_SEED", 2026, minimum=0),
                instruments_csv=env.text("BOURSE_INSTRUMENTS_CSV", ""),
            ),
            stream=StreamSettings(
                flush_interval_ms=env.integer("BOURSE_STREAM_FLUSH_INTERVAL_MS", 50),
                max_subscriptions=env.integer("BOURSE_STREAM_MAX_SUBSCRIPTIONS", 3000),
                max_tick_backlog_flushes=env.integer("BOURSE_STREAM_MAX_TICK_BACKLOG", 100),
                max_order_backlog=env.integer("BOURSE_STREAM_MAX_ORDER_BACKLOG", 1000),
                heartbeat_interval_ms=env.integer("BOURSE_STREAM_HEARTBEAT_MS", 1000),
            ),
        )
        env.problems.extend(settings.problems())
        if env.problems:
            raise SettingsError("invalid configuration:\n  " + "\n  ".join(env.problems))
        return settings

    def problems(self) -> list[str]:
        """What makes these settings unfit for their mode (empty when they are fine)."""
        found: list[str] = []
        for name, value in (
            ("BOURSE_JWT_SECRET", self.tokens.jwt_secret),
            ("BOURSE_ENCRYPTION_KEY", self.encryption_key),
        ):
            if len(value) < MIN_SECRET_LENGTH:
                found.append(
                    f"{name} must be at least {MIN_SECRET_LENGTH} characters; {_GENERATE_HINT}"
                )
            elif value in DEFAULT_SECRETS and not self.is_development:
                found.append(
                    f"{name} is the built-in development value, refused in {self.mode} mode; "
                    f"{_GENERATE_HINT}"
                )
        for name, value in (
            ("BOURSE_MIS_SQUARE_OFF_AT", self.mis_square_off_at),
            ("BOURSE_SETTLEMENT_AT", self.settlement_at),
        ):
            hours, sep, minutes = value.partition(":")
            if value and not (
                sep
                and hours.isdigit()
                and minutes.isdigit()
                and len(minutes) == 2
                and int(hours) < 24
                and int(minutes) < 60
            ):
                found.append(f"{name} {value!r} is not a time of day HH:MM (IST)")
        if self.tokens.jwt_secret == self.encryption_key and not self.is_development:
            found.append("BOURSE_JWT_SECRET and BOURSE_ENCRYPTION_KEY must be different secrets")
        hashing = self.password_hashing
        if not self.is_development and (
            hashing.memory_cost_kib < ARGON2_MIN_MEMORY_KIB
            or hashing.time_cost < ARGON2_MIN_TIME_COST
            or hashing.parallelism < ARGON2_MIN_PARALLELISM
        ):
            found.append(
                f"argon2 parameters (memory {hashing.memory_cost_kib} KiB, time cost "
                f"{hashing.time_cost}, parallelism {hashing.parallelism}) are below the minimum "
                f"{ARGON2_MIN_MEMORY_KIB} KiB / {ARGON2_MIN_TIME_COST} / "
                f"{ARGON2_MIN_PARALLELISM} allowed in {self.mode} mode"
            )
        return found


class _Env:
    """Typed reads of environment variables that collect problems instead of stopping."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self.problems: list[str] = []

    def text(self, name: str, default: str) -> str:
        value = self._environ.get(name, "").strip()
        return value or default

    def secret(self, name: str, default: str) -> str:
        # An empty variable means "not set"; secrets keep their exact characters otherwise.
        return self._environ.get(name) or default

    def switch(self, name: str, default: bool) -> bool:
        raw = self.text(name, "on" if default else "off").lower()
        if raw in ("on", "true", "1", "yes"):
            return True
        if raw in ("off", "false", "0", "no"):
            return False
        self.problems.append(f"{name} {raw!r} is not one of on, off")
        return default

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in allowed:
            self.problems.append(f"{name} {value!r} is not one of {', '.join(allowed)}")
            return default
        return value

    def integer(
        self, name: str, default: int, *, minimum: int = 1, maximum: int | None = None
    ) -> int:
        raw = self.text(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{name} {raw!r} is not an integer")
            return default
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
            self.problems.append(f"{name} {value} must be {bounds}")
            return default
        return value

    def number(self, name: str, default: float) -> float:
        raw = self.text(name, str(default))
        try:
            value = float(raw)
        except ValueError:
            self.problems.append(f"{name} {raw!r} is not a number")
            return default
        if not value > 0 or value == float("inf"):
            self.problems.append(f"{name} {value} must be a positive finite number")
            return default
        return value

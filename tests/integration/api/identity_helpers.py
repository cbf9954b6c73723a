"""Driving the identity routes over HTTP in tests: accounts, API sessions, TOTP codes.

Everything goes through the public API; nothing reads or writes the database directly.
"""

import hashlib
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from tests.integration.api.conftest import START_TIMEOUT_SECONDS, Served, make_settings, serve

from bourse.app import create_platform
from bourse.identity import totp
from bourse.settings import PasswordHashSettings, RateLimitSettings

PASSWORD = "correct horse battery staple"
# Development-mode hashing fast enough for tests that log in hundreds of times.
FAST_HASHING = PasswordHashSettings(memory_cost_kib=1024, time_cost=1, parallelism=1)
GENEROUS = RateLimitSettings(
    user_requests_per_second=100_000,
    user_burst=100_000,
    ip_requests_per_second=100_000,
    ip_burst=100_000,
    login_failures_per_email=100_000,
    login_failures_per_ip=100_000,
)
_numbers = itertools.count(1)


def new_email(prefix: str = "trader") -> str:
    return f"{prefix}{next(_numbers)}.{time.monotonic_ns()}@example.com"


@dataclass
class Account:
    email: str
    password: str
    user_id: int
    session_id: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass
class ApiKey:
    api_key: str
    api_secret: str


def data(response: httpx.Response, status: int = 200) -> object:
    """The envelope's ``data`` of a success with ``status`` (else fail with the body)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "success", body
    return body["data"]


def assert_error(
    response: httpx.Response, status: int, error_type: str | None = None, code: str | None = None
) -> dict[str, object]:
    """The response is an error envelope with ``status`` (and type and ``data.code``)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, object] = response.json()
    assert body["status"] == "error", body
    assert isinstance(body["message"], str)
    assert body["message"]
    if error_type is not None:
        assert body["error_type"] == error_type, body
    if code is not None:
        assert isinstance(body["data"], dict)
        assert body["data"]["code"] == code, body
    return body


def sign_up(client: httpx.Client, email: str, password: str = PASSWORD) -> dict[str, object]:
    user = data(
        client.post("/api/v1/auth/signup", json={"email": email, "password": password}), 201
    )
    assert isinstance(user, dict)
    return user


def log_in(
    client: httpx.Client, email: str, password: str = PASSWORD, totp_code: str | None = None
) -> dict[str, object]:
    body: dict[str, object] = {"email": email, "password": password}
    if totp_code is not None:
        body["totp_code"] = totp_code
    pair = data(client.post("/api/v1/auth/login", json=body))
    assert isinstance(pair, dict)
    return pair


def account_from(email: str, password: str, pair: dict[str, object]) -> Account:
    return Account(
        email=email,
        password=password,
        user_id=int(str(pair["user_id"])),
        session_id=str(pair["session_id"]),
        access_token=str(pair["access_token"]),
        refresh_token=str(pair["refresh_token"]),
    )


def new_account(client: httpx.Client, prefix: str = "trader") -> Account:
    """A signed-up user with one open login session."""
    email = new_email(prefix)
    sign_up(client, email)
    return account_from(email, PASSWORD, log_in(client, email))


def another_login(client: httpx.Client, account: Account) -> Account:
    """A second session of the same user."""
    return account_from(account.email, account.password, log_in(client, account.email))


def create_api_key(
    client: httpx.Client, account: Account, name: str = "bot", redirect_url: str | None = None
) -> ApiKey:
    body: dict[str, object] = {"name": name}
    if redirect_url is not None:
        body["redirect_url"] = redirect_url
    created = data(client.post("/api/v1/api-keys", json=body, headers=account.headers), 201)
    assert isinstance(created, dict)
    return ApiKey(api_key=str(created["api_key"]), api_secret=str(created["api_secret"]))


def request_token(client: httpx.Client, account: Account, key: ApiKey) -> str:
    url = f"/api/v1/api-keys/{key.api_key}/request-token"
    issued = data(client.post(url, headers=account.headers), 201)
    assert isinstance(issued, dict)
    return str(issued["request_token"])


def checksum(key: ApiKey, token: str) -> str:
    return hashlib.sha256(f"{key.api_key}{token}{key.api_secret}".encode()).hexdigest()


def api_session(client: httpx.Client, account: Account, key: ApiKey) -> str:
    """An access token of a Kite Connect session (request token exchanged, form-encoded)."""
    token = request_token(client, account, key)
    form = {"api_key": key.api_key, "request_token": token, "checksum": checksum(key, token)}
    session = data(client.post("/api/v1/session/token", data=form))
    assert isinstance(session, dict)
    return str(session["access_token"])


def kite_headers(key: ApiKey, access_token: str) -> dict[str, str]:
    return {"Authorization": f"token {key.api_key}:{access_token}"}


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The authenticator app's code now (or ``steps_ahead`` 30-second steps later)."""
    key = totp.decode_secret(secret)
    return totp.totp_at(key, int(time.time()) + steps_ahead * totp.STEP_SECONDS)


def enable_totp(client: httpx.Client, account: Account) -> str:
    """Enrol and confirm TOTP (spending the current step's code); returns the secret."""
    enrolment = data(client.post("/api/v1/auth/totp", headers=account.headers))
    assert isinstance(enrolment, dict)
    secret = str(enrolment["secret"])
    confirmed = data(
        client.post(
            "/api/v1/auth/totp/confirm", json={"code": totp_code(secret)}, headers=account.headers
        )
    )
    assert isinstance(confirmed, dict)
    assert confirmed["totp_enabled"] is True
    return secret


@contextmanager
def running_platform(data_dir: Path, database_url: str, **overrides: object) -> Iterator[Served]:
    """A platform served with settings of the test's choosing (e.g. low rate limits)."""
    platform = create_platform(make_settings(data_dir, database_url, **overrides))
    server, thread, base_url = serve(platform)
    try:
        yield Served(platform, base_url)
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_SECONDS)
        platform.close()

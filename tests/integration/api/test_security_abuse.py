"""Replayed secrets, mass assignment and floods, over HTTP on both databases.

* a TOTP code is accepted once;
* a refresh token used twice ends its whole family (session), access tokens included;
* fields a client must not set (``role``, ``balance``, ``status``...) are refused, not ignored;
* rate limits answer 429 with ``Retry-After`` (per user, per IP, and failed logins).
"""

from pathlib import Path

import httpx
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import (
    PASSWORD,
    assert_error,
    create_api_key,
    data,
    enable_totp,
    log_in,
    new_account,
    new_email,
    running_platform,
    sign_up,
    totp_code,
)

from bourse.settings import RateLimitSettings

PROFILE = "/api/v1/user/profile"


def test_a_totp_code_is_accepted_once(client: httpx.Client) -> None:
    account = new_account(client)
    secret = enable_totp(client, account)
    confirm_code, next_code = totp_code(secret), totp_code(secret, 1)
    body = {"email": account.email, "password": PASSWORD, "totp_code": next_code}
    assert client.post("/api/v1/auth/login", json=body).status_code == 200

    replayed = client.post("/api/v1/auth/login", json=body)
    older = client.post("/api/v1/auth/login", json={**body, "totp_code": confirm_code})

    assert_error(replayed, 401, "TokenException", "TOTP_CODE_REUSED")
    assert_error(older, 401, "TokenException")


def test_a_reused_refresh_token_revokes_the_whole_family(client: httpx.Client) -> None:
    account = new_account(client)
    rotated = data(
        client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    )
    assert isinstance(rotated, dict)
    rotated_headers = {"Authorization": f"Bearer {rotated['access_token']}"}
    assert client.get(PROFILE, headers=rotated_headers).status_code == 200  # now cached

    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})

    assert_error(replay, 401, "TokenException", "REFRESH_TOKEN_REUSED")
    newest = client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert_error(newest, 401, "TokenException")
    assert_error(client.get(PROFILE, headers=rotated_headers), 401, "TokenException")
    assert_error(client.get(PROFILE, headers=account.headers), 401, "TokenException")


def test_reuse_in_one_family_leaves_other_sessions_alone(client: httpx.Client) -> None:
    account = new_account(client)
    other = new_account(client)
    client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})

    client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})

    assert client.get(PROFILE, headers=other.headers).status_code == 200


@pytest.mark.parametrize(
    "extra",
    [{"role": "admin"}, {"balance": 10**9}, {"status": "ACTIVE"}, {"user_id": 1}],
    ids=lambda extra: next(iter(extra)),
)
def test_fields_a_client_may_not_set_are_refused(client: httpx.Client, extra: dict) -> None:
    email = new_email()

    signup = client.post(
        "/api/v1/auth/signup", json={"email": email, "password": PASSWORD, **extra}
    )

    assert_error(signup, 422, "InputException")
    assert_error(
        client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}), 401
    )
    account = new_account(client)
    attempts = [
        client.post(
            "/api/v1/auth/login",
            json={"email": account.email, "password": PASSWORD, **extra},
        ),
        client.post("/api/v1/api-keys", json={"name": "bot", **extra}, headers=account.headers),
        client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token, **extra}),
        client.post(
            "/api/v1/auth/totp/confirm", json={"code": "123456", **extra}, headers=account.headers
        ),
        client.post(
            "/api/v1/session/token",
            data={"api_key": "a" * 16, "request_token": "0" * 32, "checksum": "0" * 64, **extra},
        ),
    ]
    for response in attempts:
        assert_error(response, 422, "InputException")
    keys = data(client.get("/api/v1/api-keys", headers=account.headers))
    assert keys == []


def limits(**overrides: float) -> RateLimitSettings:
    generous: dict[str, float] = {
        "user_requests_per_second": 100_000,
        "user_burst": 100_000,
        "ip_requests_per_second": 100_000,
        "ip_burst": 100_000,
    }
    return RateLimitSettings(**{**generous, **overrides})  # type: ignore[arg-type]


def assert_rate_limited(response: httpx.Response, code: str | None = None) -> None:
    assert_error(response, 429, "GeneralException", code)
    assert int(response.headers["Retry-After"]) >= 1


def test_a_user_over_the_rate_limit_gets_429(tmp_path: Path, database_url: str) -> None:
    settings = limits(user_burst=3, user_requests_per_second=0.001)
    with (
        running_platform(tmp_path / "var", database_url, rate_limits=settings) as served,
        served.client() as client,
    ):
        flooder, bystander = new_account(client), new_account(client)
        for _ in range(3):
            assert client.get(PROFILE, headers=flooder.headers).status_code == 200

        response = client.get(PROFILE, headers=flooder.headers)

        assert_rate_limited(response)
        assert client.get(PROFILE, headers=bystander.headers).status_code == 200


def test_an_address_over_the_guest_rate_limit_gets_429(tmp_path: Path, database_url: str) -> None:
    settings = limits(ip_burst=3, ip_requests_per_second=0.001)
    with (
        running_platform(tmp_path / "var", database_url, rate_limits=settings) as served,
        served.client() as client,
    ):
        email = new_email()
        sign_up(client, email)
        log_in(client, email)
        log_in(client, email)

        response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})

        assert_rate_limited(response)
        assert client.get("/api/v1/health").status_code == 200


def test_repeated_failed_logins_are_throttled(tmp_path: Path, database_url: str) -> None:
    settings = limits(login_failures_per_email=3)
    with (
        running_platform(tmp_path / "var", database_url, rate_limits=settings) as served,
        served.client() as client,
    ):
        email = new_email()
        sign_up(client, email)
        wrong = {"email": email, "password": "not the password"}
        for _ in range(3):
            assert_error(client.post("/api/v1/auth/login", json=wrong), 401)

        response = client.post("/api/v1/auth/login", json={**wrong, "password": PASSWORD})

        assert_rate_limited(response, "LOGIN_THROTTLED")


def test_api_keys_cannot_be_created_for_someone_else(served: Served) -> None:
    """``user_id`` in the body is refused; the key always belongs to the caller."""
    with served.client() as client:
        owner, other = new_account(client), new_account(client)

        refused = client.post(
            "/api/v1/api-keys",
            json={"name": "bot", "user_id": owner.user_id},
            headers=other.headers,
        )
        create_api_key(client, other)

        assert_error(refused, 422)
        assert data(client.get("/api/v1/api-keys", headers=owner.headers)) == []

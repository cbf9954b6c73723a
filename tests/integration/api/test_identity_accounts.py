"""Sign-up, login, refresh, logout and the profile, over HTTP on both databases."""

import httpx
from tests.integration.api.identity_helpers import (
    PASSWORD,
    assert_error,
    data,
    log_in,
    new_account,
    new_email,
    sign_up,
)


def test_sign_up_returns_the_new_user_with_201(client: httpx.Client) -> None:
    email = new_email()

    response = client.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})

    user = data(response, 201)
    assert isinstance(user, dict)
    assert user["email"] == email
    assert user["account_id"] == user["user_id"]
    assert user["totp_enabled"] is False
    assert "password" not in response.text


def test_sign_up_normalises_the_email_to_lower_case(client: httpx.Client) -> None:
    user = sign_up(client, "Mixed.Case@Example.COM")

    assert user["email"] == "mixed.case@example.com"
    log_in(client, "MIXED.case@example.com")


def test_sign_up_with_a_taken_email_is_a_409(client: httpx.Client) -> None:
    email = new_email()
    sign_up(client, email)

    response = client.post(
        "/api/v1/auth/signup", json={"email": email.upper(), "password": PASSWORD}
    )

    assert_error(response, 409, "InputException", "EMAIL_ALREADY_REGISTERED")


def test_sign_up_with_a_short_password_is_a_422(client: httpx.Client) -> None:
    response = client.post("/api/v1/auth/signup", json={"email": new_email(), "password": "short"})

    assert_error(response, 422, "InputException")


def test_sign_up_with_the_email_as_password_is_refused(client: httpx.Client) -> None:
    email = new_email()

    response = client.post("/api/v1/auth/signup", json={"email": email, "password": email})

    assert_error(response, 400, "InputException", "WEAK_PASSWORD")


def test_login_returns_an_access_and_a_refresh_token(client: httpx.Client) -> None:
    email = new_email()
    sign_up(client, email)

    pair = log_in(client, email)

    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 900
    assert isinstance(pair["access_expires_at_ns"], int)
    assert isinstance(pair["refresh_expires_at_ns"], int)
    assert pair["refresh_expires_at_ns"] > pair["access_expires_at_ns"]
    profile = data(
        client.get(
            "/api/v1/user/profile", headers={"Authorization": f"Bearer {pair['access_token']}"}
        )
    )
    assert isinstance(profile, dict)
    assert profile["email"] == email


def test_login_with_a_wrong_password_or_unknown_email_says_the_same(
    client: httpx.Client,
) -> None:
    email = new_email()
    sign_up(client, email)

    wrong_password = client.post(
        "/api/v1/auth/login", json={"email": email, "password": "not the password"}
    )
    unknown_email = client.post(
        "/api/v1/auth/login", json={"email": new_email(), "password": PASSWORD}
    )

    first = assert_error(wrong_password, 401, "TokenException", "INVALID_CREDENTIALS")
    second = assert_error(unknown_email, 401, "TokenException", "INVALID_CREDENTIALS")
    assert first["message"] == second["message"]


def test_refresh_rotates_the_pair(client: httpx.Client) -> None:
    account = new_account(client)

    response = client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})

    pair = data(response)
    assert isinstance(pair, dict)
    assert pair["session_id"] == account.session_id
    assert pair["refresh_token"] != account.refresh_token
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get("/api/v1/user/profile", headers=headers).status_code == 200


def test_refresh_with_an_unknown_token_is_a_401(client: httpx.Client) -> None:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "A" * 43})

    assert_error(response, 401, "TokenException", "INVALID_REFRESH_TOKEN")


def test_logout_ends_the_session_and_its_tokens(client: httpx.Client) -> None:
    account = new_account(client)

    assert data(client.post("/api/v1/auth/logout", headers=account.headers)) is True

    assert_error(client.get("/api/v1/user/profile", headers=account.headers), 401, "TokenException")
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert_error(refresh, 401, "TokenException")


def test_logout_without_credentials_is_a_401(client: httpx.Client) -> None:
    assert_error(client.post("/api/v1/auth/logout"), 401, "TokenException")


def test_profile_is_kite_shaped(client: httpx.Client) -> None:
    account = new_account(client)

    profile = data(client.get("/api/v1/user/profile", headers=account.headers))

    assert isinstance(profile, dict)
    assert profile["user_id"] == str(account.user_id)
    assert profile["email"] == account.email
    assert profile["user_type"] == "individual"
    assert set(profile["exchanges"]) == {"NSE", "BSE"}
    assert "CNC" in profile["products"]
    assert "SL-M" in profile["order_types"]
    assert profile["avatar_url"] is None

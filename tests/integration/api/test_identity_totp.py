"""TOTP enrolment and login with a code, over HTTP on both databases."""

from urllib.parse import parse_qs, urlparse

import httpx
from tests.integration.api.identity_helpers import (
    PASSWORD,
    assert_error,
    data,
    enable_totp,
    log_in,
    new_account,
    totp_code,
)


def test_enrolment_returns_a_secret_and_its_otpauth_uri(client: httpx.Client) -> None:
    account = new_account(client)

    enrolment = data(client.post("/api/v1/auth/totp", headers=account.headers))

    assert isinstance(enrolment, dict)
    uri = urlparse(str(enrolment["provisioning_uri"]))
    assert uri.scheme == "otpauth"
    assert uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [enrolment["secret"]]
    # Not enforced until confirmed.
    log_in(client, account.email)


def test_once_confirmed_login_needs_a_code(client: httpx.Client) -> None:
    account = new_account(client)
    secret = enable_totp(client, account)

    without_code = client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    with_code = client.post(
        "/api/v1/auth/login",
        json={"email": account.email, "password": PASSWORD, "totp_code": totp_code(secret, 1)},
    )

    assert_error(without_code, 401, "TokenException", "TOTP_REQUIRED")
    assert with_code.status_code == 200, with_code.text
    profile = data(client.get("/api/v1/auth/sessions", headers=account.headers))
    assert isinstance(profile, list)


def test_login_with_a_wrong_code_is_a_401(client: httpx.Client) -> None:
    account = new_account(client)
    secret = enable_totp(client, account)
    wrong = f"{(int(totp_code(secret, 1)) + 1) % 1_000_000:06d}"

    response = client.post(
        "/api/v1/auth/login",
        json={"email": account.email, "password": PASSWORD, "totp_code": wrong},
    )

    assert_error(response, 401, "TokenException", "INVALID_TOTP_CODE")


def test_confirming_with_a_wrong_code_is_a_400_and_leaves_totp_off(client: httpx.Client) -> None:
    account = new_account(client)
    enrolment = data(client.post("/api/v1/auth/totp", headers=account.headers))
    assert isinstance(enrolment, dict)
    wrong = f"{(int(totp_code(str(enrolment['secret']))) + 1) % 1_000_000:06d}"

    response = client.post(
        "/api/v1/auth/totp/confirm", json={"code": wrong}, headers=account.headers
    )

    assert_error(response, 400, "InputException", "INVALID_TOTP_CODE")
    log_in(client, account.email)


def test_confirming_without_an_enrolment_is_a_404(client: httpx.Client) -> None:
    account = new_account(client)

    response = client.post(
        "/api/v1/auth/totp/confirm", json={"code": "123456"}, headers=account.headers
    )

    assert_error(response, 404, "DataException", "TOTP_NOT_ENROLLED")


def test_enrolling_again_once_enabled_is_a_409(client: httpx.Client) -> None:
    account = new_account(client)
    enable_totp(client, account)

    response = client.post("/api/v1/auth/totp", headers=account.headers)

    assert_error(response, 409, "InputException", "TOTP_ALREADY_ENROLLED")


def test_a_code_that_is_not_six_digits_is_a_422(client: httpx.Client) -> None:
    account = new_account(client)
    client.post("/api/v1/auth/totp", headers=account.headers)

    response = client.post(
        "/api/v1/auth/totp/confirm", json={"code": "12345a"}, headers=account.headers
    )

    assert_error(response, 422, "InputException")

"""Bad input gets the right status, always in the one error envelope (both databases).

400 for a body that is not JSON (or not a form), 422 for JSON of the wrong shape, 413 for a
body above the limit however it is sent, 401 without credentials, 404/405 from the router.
"""

from collections.abc import Iterator

import httpx
import pytest
from tests.integration.api.identity_helpers import PASSWORD, assert_error, new_account, new_email

from bourse.api.application import MAX_BODY_BYTES

SIGNUP = "/api/v1/auth/signup"


def test_malformed_json_is_a_400(client: httpx.Client) -> None:
    response = client.post(SIGNUP, content=b'{"email": "a@b.co", "password": ')

    assert_error(response, 400, "InputException")


def test_an_empty_body_is_a_400(client: httpx.Client) -> None:
    assert_error(client.post(SIGNUP), 400, "InputException")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": "a@b.co"}, id="missing field"),
        pytest.param({"email": 12, "password": PASSWORD}, id="wrong type"),
        pytest.param({"email": "a@b.co", "password": None}, id="null"),
        pytest.param(["a@b.co", PASSWORD], id="array instead of object"),
        pytest.param({"email": "not an email", "password": PASSWORD}, id="bad pattern"),
        pytest.param({"email": "a\x00@b.co", "password": PASSWORD}, id="NUL character"),
        pytest.param({"email": "a@b.co", "password": " " * 12}, id="blank password"),
    ],
)
def test_json_of_the_wrong_shape_is_a_422(client: httpx.Client, body: object) -> None:
    assert_error(client.post(SIGNUP, json=body), 422, "InputException")


def test_a_login_with_a_bad_totp_code_shape_is_a_422(client: httpx.Client) -> None:
    body = {"email": new_email(), "password": PASSWORD, "totp_code": 123456}

    assert_error(client.post("/api/v1/auth/login", json=body), 422, "InputException")


def test_an_api_key_name_with_control_characters_is_a_422(client: httpx.Client) -> None:
    account = new_account(client)

    for name in ["bad\x00name", "   ", "", "x" * 101]:
        response = client.post("/api/v1/api-keys", json={"name": name}, headers=account.headers)
        assert_error(response, 422, "InputException")


def test_a_redirect_url_that_is_not_http_is_a_422(client: httpx.Client) -> None:
    account = new_account(client)
    body = {"name": "bot", "redirect_url": "javascript:alert(1)"}

    response = client.post("/api/v1/api-keys", json=body, headers=account.headers)

    assert_error(response, 422, "InputException")


def test_a_form_field_given_twice_is_a_422(client: httpx.Client) -> None:
    form = "api_key=aaaaaaaaaaaaaaaa&api_key=bbbbbbbbbbbbbbbb&request_token=x&checksum=y"

    response = client.post(
        "/api/v1/session/token",
        content=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert_error(response, 422, "InputException")


def test_a_form_that_is_not_utf8_is_a_400(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/session/token",
        content=b"api_key=%ff%fe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert_error(response, 400, "InputException")


def test_a_form_with_missing_fields_is_a_422(client: httpx.Client) -> None:
    response = client.post("/api/v1/session/token", data={"api_key": "a" * 16})

    assert_error(response, 422, "InputException")


def test_a_body_above_the_limit_is_a_413(client: httpx.Client) -> None:
    response = client.post(SIGNUP, content=b" " * (MAX_BODY_BYTES + 1))

    body = assert_error(response, 413, "InputException")
    assert str(MAX_BODY_BYTES) in str(body["message"])


def test_a_chunked_body_above_the_limit_is_a_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 4096 + 2):
            yield b" " * 4096

    response = client.post(SIGNUP, content=chunks())

    assert_error(response, 413, "InputException")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/health"),  # a route that never reads its body
        ("POST", "/api/v1/auth/logout"),  # an authenticated one, without credentials
        ("POST", "/api/v1/no-such-route"),
        ("DELETE", SIGNUP),  # a method the route does not allow
    ],
)
def test_a_declared_length_above_the_limit_is_a_413_on_any_route(
    client: httpx.Client, method: str, path: str
) -> None:
    response = client.request(method, path, content=b"x" * (MAX_BODY_BYTES + 1))

    assert_error(response, 413, "InputException")


def test_a_body_just_within_the_limit_is_read_and_judged(client: httpx.Client) -> None:
    head, tail = b'{"email": "', b'@b.co", "password": "x"}'
    body = head + b"a" * (MAX_BODY_BYTES - len(head) - len(tail)) + tail
    assert len(body) == MAX_BODY_BYTES

    response = client.post(SIGNUP, content=body)

    assert_error(response, 422, "InputException")  # too long an email, not too large a body


def test_missing_credentials_are_a_401(client: httpx.Client) -> None:
    assert_error(client.get("/api/v1/auth/sessions"), 401, "TokenException")


def test_an_unknown_authorization_scheme_is_a_401(client: httpx.Client) -> None:
    response = client.get("/api/v1/auth/sessions", headers={"Authorization": "Basic dXNlcjpwdw=="})

    assert_error(response, 401, "TokenException")


def test_a_sign_up_body_sent_as_a_form_is_a_400(client: httpx.Client) -> None:
    response = client.post(SIGNUP, data={"email": new_email(), "password": PASSWORD})

    assert_error(response, 400, "InputException")

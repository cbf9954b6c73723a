"""API keys and the Kite Connect login flow, over HTTP on both databases."""

from urllib.parse import parse_qs, urlparse

import httpx
from tests.integration.api.identity_helpers import (
    api_session,
    assert_error,
    checksum,
    create_api_key,
    data,
    kite_headers,
    new_account,
    request_token,
)


def test_creating_a_key_shows_its_secret_once(client: httpx.Client) -> None:
    account = new_account(client)

    created = data(
        client.post(
            "/api/v1/api-keys",
            json={"name": "  my bot  ", "redirect_url": "https://example.com/cb"},
            headers=account.headers,
        ),
        201,
    )
    listed = data(client.get("/api/v1/api-keys", headers=account.headers))

    assert isinstance(created, dict)
    assert len(str(created["api_key"])) == 16
    assert len(str(created["api_secret"])) == 32
    assert created["name"] == "my bot"
    assert isinstance(listed, list)
    assert [key["api_key"] for key in listed] == [created["api_key"]]
    assert listed[0]["redirect_url"] == "https://example.com/cb"
    assert listed[0]["revoked_at_ns"] is None
    assert "api_secret" not in listed[0]


def test_a_request_token_comes_with_the_apps_redirect(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account, redirect_url="https://example.com/cb?app=1")

    issued = data(
        client.post(f"/api/v1/api-keys/{key.api_key}/request-token", headers=account.headers),
        201,
    )

    assert isinstance(issued, dict)
    redirect = urlparse(str(issued["redirect_to"]))
    query = parse_qs(redirect.query)
    assert redirect.netloc == "example.com"
    assert query["request_token"] == [issued["request_token"]]
    assert query["status"] == ["success"]
    assert query["app"] == ["1"]


def test_the_kite_flow_gives_an_access_token_for_the_token_header(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    token = request_token(client, account, key)

    session = data(
        client.post(
            "/api/v1/session/token",
            data={"api_key": key.api_key, "request_token": token, "checksum": checksum(key, token)},
        )
    )

    assert isinstance(session, dict)
    assert session["api_key"] == key.api_key
    assert session["user_id"] == str(account.user_id)
    assert len(str(session["login_time"])) == 19
    profile = data(
        client.get("/api/v1/user/profile", headers=kite_headers(key, str(session["access_token"])))
    )
    assert isinstance(profile, dict)
    assert profile["email"] == account.email


def test_the_session_token_also_accepts_json(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    token = request_token(client, account, key)

    response = client.post(
        "/api/v1/session/token",
        json={"api_key": key.api_key, "request_token": token, "checksum": checksum(key, token)},
    )

    assert response.status_code == 200, response.text


def test_a_request_token_works_once(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    token = request_token(client, account, key)
    form = {"api_key": key.api_key, "request_token": token, "checksum": checksum(key, token)}
    assert client.post("/api/v1/session/token", data=form).status_code == 200

    again = client.post("/api/v1/session/token", data=form)

    assert_error(again, 401, "TokenException", "INVALID_REQUEST_TOKEN")


def test_a_wrong_checksum_is_a_401_and_does_not_burn_the_token(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    token = request_token(client, account, key)
    form = {"api_key": key.api_key, "request_token": token, "checksum": "0" * 64}

    wrong = client.post("/api/v1/session/token", data=form)
    right = client.post("/api/v1/session/token", data={**form, "checksum": checksum(key, token)})

    assert_error(wrong, 401, "TokenException", "INVALID_CHECKSUM")
    assert right.status_code == 200, right.text


def test_the_token_header_must_name_the_key_the_token_was_issued_to(
    client: httpx.Client,
) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    other = create_api_key(client, account, name="other")
    access_token = api_session(client, account, key)

    response = client.get("/api/v1/user/profile", headers=kite_headers(other, access_token))

    assert_error(response, 401, "TokenException")


def test_revoking_a_key_ends_its_sessions(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    access_token = api_session(client, account, key)
    assert client.get("/api/v1/user/profile", headers=kite_headers(key, access_token)).is_success

    assert data(client.delete(f"/api/v1/api-keys/{key.api_key}", headers=account.headers)) is True

    assert_error(client.get("/api/v1/user/profile", headers=kite_headers(key, access_token)), 401)
    listed = data(client.get("/api/v1/api-keys", headers=account.headers))
    assert isinstance(listed, list)
    assert listed[0]["revoked_at_ns"] is not None
    issue = client.post(f"/api/v1/api-keys/{key.api_key}/request-token", headers=account.headers)
    assert_error(issue, 404, "DataException")
    assert client.get("/api/v1/user/profile", headers=account.headers).status_code == 200


def test_revoking_an_unknown_key_is_a_404(client: httpx.Client) -> None:
    account = new_account(client)

    response = client.delete("/api/v1/api-keys/" + "a" * 16, headers=account.headers)

    assert_error(response, 404, "DataException", "API_KEY_NOT_FOUND")


def test_delete_session_token_ends_the_api_session(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    access_token = api_session(client, account, key)
    headers = kite_headers(key, access_token)

    response = client.delete(
        "/api/v1/session/token",
        params={"api_key": key.api_key, "access_token": access_token},
        headers=headers,
    )

    assert data(response) is True
    assert_error(client.get("/api/v1/user/profile", headers=headers), 401, "TokenException")
    assert client.get("/api/v1/user/profile", headers=account.headers).status_code == 200


def test_an_api_session_cannot_manage_the_account(client: httpx.Client) -> None:
    account = new_account(client)
    key = create_api_key(client, account)
    headers = kite_headers(key, api_session(client, account, key))

    attempts = [
        client.get("/api/v1/api-keys", headers=headers),
        client.post("/api/v1/api-keys", json={"name": "escalated"}, headers=headers),
        client.delete(f"/api/v1/api-keys/{key.api_key}", headers=headers),
        client.post(f"/api/v1/api-keys/{key.api_key}/request-token", headers=headers),
        client.get("/api/v1/auth/sessions", headers=headers),
        client.delete(f"/api/v1/auth/sessions/{account.session_id}", headers=headers),
        client.post("/api/v1/auth/totp", headers=headers),
    ]

    for response in attempts:
        assert_error(response, 403, "PermissionException")
    assert client.get("/api/v1/user/profile", headers=account.headers).status_code == 200

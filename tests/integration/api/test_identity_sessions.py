"""The session list and revoking one session, over HTTP on both databases."""

import httpx
from tests.integration.api.identity_helpers import (
    another_login,
    assert_error,
    data,
    new_account,
)


def test_sessions_lists_every_live_login_and_marks_the_current_one(client: httpx.Client) -> None:
    first = new_account(client)
    second = another_login(client, first)

    sessions = data(client.get("/api/v1/auth/sessions", headers=second.headers))

    assert isinstance(sessions, list)
    by_id = {session["session_id"]: session for session in sessions}
    assert set(by_id) == {first.session_id, second.session_id}
    assert by_id[second.session_id]["current"] is True
    assert by_id[first.session_id]["current"] is False
    assert by_id[first.session_id]["kind"] == "password"
    assert by_id[first.session_id]["ip"] == "127.0.0.1"
    assert by_id[first.session_id]["user_agent"].startswith("python-httpx")


def test_revoking_a_session_ends_its_access_and_refresh_tokens(client: httpx.Client) -> None:
    first = new_account(client)
    second = another_login(client, first)
    assert client.get("/api/v1/user/profile", headers=first.headers).status_code == 200

    response = client.delete(f"/api/v1/auth/sessions/{first.session_id}", headers=second.headers)

    assert data(response) is True
    assert_error(client.get("/api/v1/user/profile", headers=first.headers), 401, "TokenException")
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": first.refresh_token})
    assert_error(refresh, 401)
    assert client.get("/api/v1/user/profile", headers=second.headers).status_code == 200
    remaining = data(client.get("/api/v1/auth/sessions", headers=second.headers))
    assert isinstance(remaining, list)
    assert [s["session_id"] for s in remaining] == [second.session_id]


def test_revoking_the_current_session_logs_out(client: httpx.Client) -> None:
    account = new_account(client)

    response = client.delete(f"/api/v1/auth/sessions/{account.session_id}", headers=account.headers)

    assert data(response) is True
    assert_error(client.get("/api/v1/user/profile", headers=account.headers), 401)


def test_revoking_an_unknown_session_is_a_404(client: httpx.Client) -> None:
    account = new_account(client)

    response = client.delete("/api/v1/auth/sessions/" + "0" * 32, headers=account.headers)

    assert_error(response, 404, "DataException", "SESSION_NOT_FOUND")


def test_a_malformed_session_id_is_a_404_without_a_lookup(client: httpx.Client) -> None:
    account = new_account(client)

    response = client.delete("/api/v1/auth/sessions/%00%27;drop", headers=account.headers)

    assert_error(response, 404, "DataException")

"""Broken object level authorisation: user B cannot read, modify or end A's keys or sessions.

Every attempt of B on one of A's objects is answered as if the object did not exist (404),
and afterwards A's objects are untouched. Runs on both databases.
"""

from collections.abc import Callable
from dataclasses import dataclass

import httpx
from tests.integration.api.identity_helpers import (
    Account,
    ApiKey,
    api_session,
    assert_error,
    checksum,
    create_api_key,
    data,
    kite_headers,
    new_account,
    request_token,
)


@dataclass
class World:
    client: httpx.Client
    a: Account
    b: Account
    a_key: ApiKey
    b_key: ApiKey
    a_api_token: str
    b_api_token: str


Attempt = Callable[[World], httpx.Response]

# (what B tries, how, the status B must get)
MATRIX: list[tuple[str, Attempt, int]] = [
    (
        "revoke A's api key",
        lambda w: w.client.delete(f"/api/v1/api-keys/{w.a_key.api_key}", headers=w.b.headers),
        404,
    ),
    (
        "issue a request token for A's api key",
        lambda w: w.client.post(
            f"/api/v1/api-keys/{w.a_key.api_key}/request-token", headers=w.b.headers
        ),
        404,
    ),
    (
        "end A's login session",
        lambda w: w.client.delete(f"/api/v1/auth/sessions/{w.a.session_id}", headers=w.b.headers),
        404,
    ),
    (
        "end A's API session through the Kite route",
        lambda w: w.client.delete(
            "/api/v1/session/token",
            params={"access_token": w.a_api_token},
            headers=kite_headers(w.b_key, w.b_api_token),
        ),
        404,
    ),
    (
        "end A's login session through the Kite route",
        lambda w: w.client.delete(
            "/api/v1/session/token",
            params={"access_token": w.a.access_token},
            headers=w.b.headers,
        ),
        404,
    ),
    (
        "use A's api key with B's access token",
        lambda w: w.client.get(
            "/api/v1/user/profile", headers=kite_headers(w.a_key, w.b_api_token)
        ),
        401,
    ),
    (
        "exchange A's request token through B's key",
        lambda w: _exchange_through(w, token_of=w.a, key=w.b_key),
        401,
    ),
    (
        "exchange A's request token without A's secret",
        lambda w: _exchange_through(
            w, token_of=w.a, key=ApiKey(w.a_key.api_key, w.b_key.api_secret)
        ),
        401,
    ),
]


def _exchange_through(world: World, *, token_of: Account, key: ApiKey) -> httpx.Response:
    owner_key = world.a_key if token_of is world.a else world.b_key
    token = request_token(world.client, token_of, owner_key)
    form = {"api_key": key.api_key, "request_token": token, "checksum": checksum(key, token)}
    return world.client.post("/api/v1/session/token", data=form)


def test_user_b_cannot_touch_user_a_keys_or_sessions(client: httpx.Client) -> None:
    a, b = new_account(client, "alice"), new_account(client, "bob")
    a_key, b_key = create_api_key(client, a, "alice bot"), create_api_key(client, b, "bob bot")
    world = World(
        client=client,
        a=a,
        b=b,
        a_key=a_key,
        b_key=b_key,
        a_api_token=api_session(client, a, a_key),
        b_api_token=api_session(client, b, b_key),
    )

    failures = []
    for what, attempt, expected in MATRIX:
        response = attempt(world)
        if response.status_code != expected or response.json().get("status") != "error":
            failures.append(f"B could {what}: {response.status_code} {response.text}")
    assert not failures, "\n".join(failures)

    # B's listings show none of A's objects.
    b_keys = data(client.get("/api/v1/api-keys", headers=b.headers))
    b_sessions = data(client.get("/api/v1/auth/sessions", headers=b.headers))
    assert isinstance(b_keys, list)
    assert isinstance(b_sessions, list)
    assert [key["api_key"] for key in b_keys] == [b_key.api_key]
    assert a.session_id not in {session["session_id"] for session in b_sessions}
    # A's objects still work.
    assert client.get("/api/v1/user/profile", headers=a.headers).status_code == 200
    kite = kite_headers(a_key, world.a_api_token)
    assert client.get("/api/v1/user/profile", headers=kite).status_code == 200
    assert request_token(client, a, a_key)
    a_keys = data(client.get("/api/v1/api-keys", headers=a.headers))
    assert isinstance(a_keys, list)
    assert a_keys[0]["revoked_at_ns"] is None


def test_a_not_found_answer_does_not_say_whose_object_it_is(client: httpx.Client) -> None:
    a, b = new_account(client, "alice"), new_account(client, "bob")
    a_key = create_api_key(client, a)

    someone_elses = client.delete(f"/api/v1/api-keys/{a_key.api_key}", headers=b.headers)
    nobodys = client.delete("/api/v1/api-keys/" + "z" * 16, headers=b.headers)

    assert assert_error(someone_elses, 404) == assert_error(nobodys, 404)

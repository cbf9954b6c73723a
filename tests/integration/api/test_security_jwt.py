"""Forged and mangled access tokens are refused with 401 over HTTP (both databases).

Each forgery starts from a real token of a live session, so that only the attacked property
is wrong: the algorithm (``none``, RS256 instead of HS256, HMAC keyed with an RSA public key),
the time claims, the audience or issuer, the payload or the signature.
"""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error, new_account

PROFILE = "/api/v1/user/profile"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unverified_claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def unsigned(claims: dict[str, Any], alg: str = "none") -> str:
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    return f"{header}.{payload}."


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC_PEM = RSA_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def hmac_signed(claims: dict[str, Any], key: bytes, alg: str = "HS256") -> str:
    """An HMAC-signed token made by hand (PyJWT refuses short keys for the longer hashes)."""
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = hmac.new(key, f"{header}.{payload}".encode(), digest).digest()
    return f"{header}.{payload}.{b64url(signature)}"


Forge = Callable[[dict[str, Any], str, str], str]
"""(claims of a real token, the server's secret, the real token) -> a forged token."""

NOW = int(time.time())
FORGERIES: dict[str, Forge] = {
    "alg none": lambda claims, secret, token: unsigned(claims),
    "alg None (capitalised)": lambda claims, secret, token: unsigned(claims, "None"),
    "RS256 signed with the attacker's key": lambda claims, secret, token: jwt.encode(
        claims, RSA_KEY, algorithm="RS256"
    ),
    # The classic HS/RS confusion: HMAC keyed with the (public) RSA key's bytes.
    "HS256 keyed with an RSA public key": lambda claims, secret, token: hmac_signed(
        claims, RSA_PUBLIC_PEM
    ),
    "HS512 with the real secret": lambda claims, secret, token: hmac_signed(
        claims, secret.encode(), "HS512"
    ),
    "signed with another secret": lambda claims, secret, token: jwt.encode(
        claims, "another-secret-of-at-least-thirty-two-bytes!", algorithm="HS256"
    ),
    "expired": lambda claims, secret, token: jwt.encode(
        {**claims, "iat": NOW - 7200, "nbf": NOW - 7200, "exp": NOW - 3600},
        secret,
        algorithm="HS256",
    ),
    "not yet valid": lambda claims, secret, token: jwt.encode(
        {**claims, "nbf": NOW + 3600, "exp": NOW + 7200}, secret, algorithm="HS256"
    ),
    "issued in the future": lambda claims, secret, token: jwt.encode(
        {**claims, "iat": NOW + 3600}, secret, algorithm="HS256"
    ),
    "wrong audience": lambda claims, secret, token: jwt.encode(
        {**claims, "aud": "someone-else"}, secret, algorithm="HS256"
    ),
    "audience list": lambda claims, secret, token: jwt.encode(
        {**claims, "aud": [claims["aud"], "someone-else"]}, secret, algorithm="HS256"
    ),
    "wrong issuer": lambda claims, secret, token: jwt.encode(
        {**claims, "iss": "evil"}, secret, algorithm="HS256"
    ),
    "no session claim": lambda claims, secret, token: jwt.encode(
        {k: v for k, v in claims.items() if k != "sid"}, secret, algorithm="HS256"
    ),
    "no expiry": lambda claims, secret, token: jwt.encode(
        {k: v for k, v in claims.items() if k != "exp"}, secret, algorithm="HS256"
    ),
    "payload tampered (sub of another user)": lambda claims, secret, token: ".".join(
        [
            token.split(".")[0],
            b64url(json.dumps({**claims, "sub": str(int(claims["sub"]) + 1)}).encode()),
            token.split(".")[2],
        ]
    ),
    "signature tampered": lambda claims, secret, token: (
        token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    ),
    "signature stripped": lambda claims, secret, token: token.rsplit(".", 1)[0] + ".",
    "garbage": lambda claims, secret, token: "not.a.jwt",
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_access_token_is_a_401(served: Served, forgery: str) -> None:
    with served.client() as client:
        victim = new_account(client, "victim")
        new_account(client, "other")  # so that a changed subject names a real user
        claims = unverified_claims(victim.access_token)
        secret = served.platform.settings.tokens.jwt_secret
        forged = FORGERIES[forgery](claims, secret, victim.access_token)
        assert forged != victim.access_token

        response = client.get(PROFILE, headers={"Authorization": f"Bearer {forged}"})

        assert_error(response, 401, "TokenException")
        # The real token still works: the forgery changed nothing.
        assert client.get(PROFILE, headers=victim.headers).status_code == 200


def test_the_real_token_resigned_with_the_real_secret_is_accepted(served: Served) -> None:
    """The control for the forgeries above: re-signing as the server does is not refused."""
    with served.client() as client:
        account = new_account(client)
        claims = unverified_claims(account.access_token)
        secret = served.platform.settings.tokens.jwt_secret

        resigned = jwt.encode(claims, secret, algorithm="HS256")

        headers = {"Authorization": f"Bearer {resigned}"}
        assert client.get(PROFILE, headers=headers).status_code == 200


def test_an_expired_token_says_so(served: Served) -> None:
    with served.client() as client:
        account = new_account(client)
        claims = unverified_claims(account.access_token)
        secret = served.platform.settings.tokens.jwt_secret
        expired = FORGERIES["expired"](claims, secret, account.access_token)

        response = client.get(PROFILE, headers={"Authorization": f"Bearer {expired}"})

        assert_error(response, 401, "TokenException", "EXPIRED_ACCESS_TOKEN")


def test_a_token_of_an_ended_session_is_a_401(client: httpx.Client) -> None:
    account = new_account(client)
    client.post("/api/v1/auth/logout", headers=account.headers)

    response = client.get(PROFILE, headers=account.headers)

    assert_error(response, 401, "TokenException", "SESSION_REVOKED")


def test_a_kite_token_header_with_a_login_token_is_a_401(client: httpx.Client) -> None:
    """A login (Bearer) token is bound to no api_key, so no ``token`` header can carry it."""
    account = new_account(client)

    response = client.get(
        PROFILE, headers={"Authorization": f"token abcdefghijklmnop:{account.access_token}"}
    )

    assert_error(response, 401, "TokenException")

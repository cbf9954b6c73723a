"""Access tokens: issue/verify round trip and the attack matrix (every attack is refused)."""

import base64
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bourse.identity.errors import ExpiredAccessTokenError, InvalidAccessTokenError
from bourse.identity.tokens import AccessTokenCodec

SECRET = "unit-test-jwt-secret-of-at-least-32-bytes!"
ISSUER = "bourse"
AUDIENCE = "bourse-api"
NOW_NS = 1_700_000_000 * 1_000_000_000
TTL = 900
S = 1_000_000_000


def hs_codec(**overrides: Any) -> AccessTokenCodec:
    options: dict[str, Any] = {"issuer": ISSUER, "audience": AUDIENCE} | overrides
    return AccessTokenCodec.with_secret(SECRET, **options)


def valid_payload(**overrides: Any) -> dict[str, Any]:
    now_s = NOW_NS // S
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "42",
        "iat": now_s,
        "nbf": now_s,
        "exp": now_s + TTL,
        "jti": "abc",
        "sid": "session-1",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(
    header: dict[str, Any],
    payload: dict[str, Any],
    key: bytes | None,
    digest: hashes.HashAlgorithm | None = None,
) -> str:
    """Hand-made JWS, so that the attack does not depend on PyJWT agreeing to sign it."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    if key is None:
        return signing_input + "."
    mac = hmac.HMAC(key, digest or hashes.SHA256())
    mac.update(signing_input.encode())
    return f"{signing_input}.{b64(mac.finalize())}"


def test_issued_token_decodes_to_its_claims() -> None:
    codec = hs_codec()

    issued = codec.issue(user_id=42, session_id="s1", now_ns=NOW_NS, ttl_seconds=TTL)
    claims = codec.decode(issued.token, NOW_NS + 10 * S)

    assert claims == issued.claims
    assert (claims.user_id, claims.session_id, claims.api_key) == (42, "s1", None)
    assert claims.expires_at_ns == NOW_NS + TTL * S


def test_api_key_claim_round_trips() -> None:
    codec = hs_codec()

    issued = codec.issue(user_id=7, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL, api_key="k")

    assert codec.decode(issued.token, NOW_NS).api_key == "k"


def test_every_token_has_a_unique_jti() -> None:
    codec = hs_codec()

    first = codec.issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)
    second = codec.issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)

    assert first.claims.token_id != second.claims.token_id


def test_hand_forged_token_with_the_right_key_is_accepted() -> None:
    """Control for the forgeries below: ``forge`` itself makes valid tokens."""
    token = forge({"alg": "HS256", "typ": "JWT"}, valid_payload(), SECRET.encode())

    assert hs_codec().decode(token, NOW_NS).user_id == 42


def test_alg_none_is_rejected() -> None:
    token = forge({"alg": "none", "typ": "JWT"}, valid_payload(), None)

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


@pytest.mark.parametrize("alg", ["None", "NONE", "nOnE"])
def test_alg_none_in_any_case_is_rejected(alg: str) -> None:
    token = forge({"alg": alg, "typ": "JWT"}, valid_payload(), None)

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_alg_none_cannot_be_configured() -> None:
    with pytest.raises(ValueError, match="none"):
        AccessTokenCodec(
            algorithm="none",
            signing_key=b"",
            verification_key=b"",
            issuer=ISSUER,
            audience=AUDIENCE,
        )


def test_hs_rs_confusion_public_key_as_hmac_secret_is_rejected() -> None:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    rs_codec = AccessTokenCodec(
        algorithm="RS256",
        signing_key=private_pem,
        verification_key=public_pem,
        issuer=ISSUER,
        audience=AUDIENCE,
    )
    # The attacker knows the public key and signs with it as an HMAC secret.
    forged = forge({"alg": "HS256", "typ": "JWT"}, valid_payload(), public_pem)

    with pytest.raises(InvalidAccessTokenError):
        rs_codec.decode(forged, NOW_NS)
    # Control: the RS256 codec accepts its own tokens.
    issued = rs_codec.issue(user_id=42, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)
    assert rs_codec.decode(issued.token, NOW_NS).user_id == 42


def test_rs256_token_is_rejected_by_an_hs256_codec() -> None:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(valid_payload(), private_key, algorithm="RS256")

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_other_hmac_algorithm_than_configured_is_rejected() -> None:
    token = forge({"alg": "HS512"}, valid_payload(), SECRET.encode(), hashes.SHA512())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_expired_token_is_rejected() -> None:
    issued = hs_codec().issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)

    with pytest.raises(ExpiredAccessTokenError):
        hs_codec().decode(issued.token, NOW_NS + (TTL + 6) * S)


def test_token_is_accepted_within_the_leeway_after_expiry() -> None:
    issued = hs_codec().issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)

    assert hs_codec().decode(issued.token, NOW_NS + (TTL + 4) * S).user_id == 1


def test_token_not_yet_valid_is_rejected() -> None:
    issued = hs_codec().issue(user_id=1, session_id="s", now_ns=NOW_NS + 60 * S, ttl_seconds=TTL)

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(issued.token, NOW_NS)


def test_nbf_in_the_future_is_rejected_even_with_a_past_iat() -> None:
    now_s = NOW_NS // S
    token = forge({"alg": "HS256"}, valid_payload(nbf=now_s + 3600), SECRET.encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_wrong_audience_is_rejected() -> None:
    token = forge({"alg": "HS256"}, valid_payload(aud="someone-else"), SECRET.encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_audience_list_is_rejected() -> None:
    token = forge({"alg": "HS256"}, valid_payload(aud=[AUDIENCE, "other"]), SECRET.encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_wrong_issuer_is_rejected() -> None:
    token = forge({"alg": "HS256"}, valid_payload(iss="evil"), SECRET.encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_token_from_another_issuer_codec_is_rejected() -> None:
    other = hs_codec(issuer="other-bourse")
    issued = other.issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(issued.token, NOW_NS)


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf", "sub", "aud", "iss", "jti", "sid"])
def test_token_missing_a_required_claim_is_rejected(claim: str) -> None:
    token = forge({"alg": "HS256"}, valid_payload(**{claim: None}), SECRET.encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_tampered_payload_is_rejected() -> None:
    issued = hs_codec().issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)
    header, _payload, signature = issued.token.split(".")
    evil_payload = b64(json.dumps(valid_payload(sub="1000")).encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(f"{header}.{evil_payload}.{signature}", NOW_NS)


def test_tampered_signature_is_rejected() -> None:
    issued = hs_codec().issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)
    header, payload, signature = issued.token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(f"{header}.{payload}.{flipped}", NOW_NS)


def test_token_signed_with_another_secret_is_rejected() -> None:
    token = forge({"alg": "HS256"}, valid_payload(), b"another-secret-that-is-also-32-bytes-long")

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


@pytest.mark.parametrize("sub", ["abc", "-1", "1.5", "٣"])
def test_non_numeric_subject_is_rejected(sub: str) -> None:
    token = forge({"alg": "HS256"}, valid_payload(sub=sub), SECRET.encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


def test_boolean_timestamp_is_rejected() -> None:
    token = forge({"alg": "HS256"}, valid_payload(nbf=True), SECRET.encode())

    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(token, NOW_NS)


@pytest.mark.parametrize("garbage", ["", "a.b", "a.b.c", "not a token", "x" * 5000])
def test_garbage_is_rejected(garbage: str) -> None:
    with pytest.raises(InvalidAccessTokenError):
        hs_codec().decode(garbage, NOW_NS)


def test_short_hmac_secret_is_refused() -> None:
    codec = AccessTokenCodec.with_secret("short", issuer=ISSUER, audience=AUDIENCE)

    with pytest.raises(jwt.InvalidKeyError):
        codec.issue(user_id=1, session_id="s", now_ns=NOW_NS, ttl_seconds=TTL)

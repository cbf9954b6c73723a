"""Short-lived JWT access tokens.

Verification never trusts the token's header: the algorithm allow-list is exactly the one
algorithm this codec was configured with, so ``alg: none`` and HS/RS confusion (an RS256
public key used as an HMAC secret) are refused before any signature check. Required claims:
``exp iat nbf sub aud iss jti sid``; ``aud`` and ``iss`` must equal ours exactly. Times are
checked here against the caller's clock (PyJWT would read the wall clock), with a small
leeway for clock drift between gateways.
"""

import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.types import Options

from bourse.identity.errors import ExpiredAccessTokenError, InvalidAccessTokenError

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"})
REQUIRED_CLAIMS = ("exp", "iat", "nbf", "sub", "aud", "iss", "jti", "sid")
DEFAULT_LEEWAY_SECONDS = 5
# A bearer token longer than this is not one of ours; refuse it before parsing.
MAX_TOKEN_LENGTH = 4096
_NS_PER_SECOND = 1_000_000_000


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a valid access token says."""

    user_id: int
    session_id: str
    token_id: str
    issued_at_ns: int
    expires_at_ns: int
    api_key: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedAccessToken:
    token: str
    claims: AccessClaims


class AccessTokenCodec:
    """Issues and verifies access tokens with one configured algorithm and key."""

    def __init__(
        self,
        *,
        algorithm: str,
        signing_key: str | bytes,
        verification_key: str | bytes,
        issuer: str,
        audience: str,
        leeway_seconds: int = DEFAULT_LEEWAY_SECONDS,
    ) -> None:
        if algorithm not in HMAC_ALGORITHMS | ASYMMETRIC_ALGORITHMS:
            raise ValueError(
                f"JWT algorithm {algorithm!r} is not one of "
                f"{sorted(HMAC_ALGORITHMS | ASYMMETRIC_ALGORITHMS)}"
            )
        if not issuer or not audience:
            raise ValueError("JWT issuer and audience must not be empty")
        self.algorithm = algorithm
        self.issuer = issuer
        self.audience = audience
        self._signing_key = signing_key
        self._verification_key = verification_key
        self._leeway_ns = leeway_seconds * _NS_PER_SECOND
        # A short HMAC key is an error, not a warning.
        self._jwt = jwt.PyJWT(options={"enforce_minimum_key_length": True})

    @classmethod
    def with_secret(
        cls,
        secret: str,
        *,
        issuer: str,
        audience: str,
        algorithm: str = "HS256",
        leeway_seconds: int = DEFAULT_LEEWAY_SECONDS,
    ) -> "AccessTokenCodec":
        if algorithm not in HMAC_ALGORITHMS:
            raise ValueError(f"JWT algorithm {algorithm!r} does not use a shared secret")
        key = secret.encode("utf-8")
        return cls(
            algorithm=algorithm,
            signing_key=key,
            verification_key=key,
            issuer=issuer,
            audience=audience,
            leeway_seconds=leeway_seconds,
        )

    def issue(
        self,
        *,
        user_id: int,
        session_id: str,
        now_ns: int,
        ttl_seconds: int,
        api_key: str | None = None,
    ) -> IssuedAccessToken:
        now_s = now_ns // _NS_PER_SECOND
        claims = AccessClaims(
            user_id=user_id,
            session_id=session_id,
            token_id=secrets.token_hex(16),
            issued_at_ns=now_s * _NS_PER_SECOND,
            expires_at_ns=(now_s + ttl_seconds) * _NS_PER_SECOND,
            api_key=api_key,
        )
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id),
            "iat": now_s,
            "nbf": now_s,
            "exp": now_s + ttl_seconds,
            "jti": claims.token_id,
            "sid": session_id,
        }
        if api_key is not None:
            payload["api_key"] = api_key
        token = self._jwt.encode(payload, self._signing_key, algorithm=self.algorithm)
        return IssuedAccessToken(token=token, claims=claims)

    def decode(self, token: str, now_ns: int) -> AccessClaims:
        """Verify ``token`` at time ``now_ns``; raise InvalidAccessTokenError (or Expired...)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidAccessTokenError()
        options: Options = {
            "verify_signature": True,
            "verify_aud": True,
            "verify_iss": True,
            "strict_aud": True,
            # Checked below against now_ns instead of PyJWT's own clock.
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
            "require": list(REQUIRED_CLAIMS),
        }
        try:
            payload = self._jwt.decode(
                token,
                self._verification_key,
                algorithms=[self.algorithm],
                options=options,
                audience=self.audience,
                issuer=self.issuer,
            )
        except jwt.PyJWTError as error:
            raise InvalidAccessTokenError() from error
        return self._claims(payload, now_ns)

    def _claims(self, payload: dict[str, Any], now_ns: int) -> AccessClaims:
        if payload.get("iss") != self.issuer or payload.get("aud") != self.audience:
            raise InvalidAccessTokenError()
        exp = _int_claim(payload, "exp")
        nbf = _int_claim(payload, "nbf")
        iat = _int_claim(payload, "iat")
        if now_ns >= exp * _NS_PER_SECOND + self._leeway_ns:
            raise ExpiredAccessTokenError()
        if nbf * _NS_PER_SECOND > now_ns + self._leeway_ns:
            raise InvalidAccessTokenError("access token is not valid yet")
        if iat * _NS_PER_SECOND > now_ns + self._leeway_ns:
            raise InvalidAccessTokenError("access token was issued in the future")
        subject, session_id, token_id = payload["sub"], payload["sid"], payload["jti"]
        if not (isinstance(subject, str) and subject.isascii() and subject.isdigit()):
            raise InvalidAccessTokenError()
        if not isinstance(session_id, str) or not isinstance(token_id, str):
            raise InvalidAccessTokenError()
        api_key = payload.get("api_key")
        if api_key is not None and not isinstance(api_key, str):
            raise InvalidAccessTokenError()
        return AccessClaims(
            user_id=int(subject),
            session_id=session_id,
            token_id=token_id,
            issued_at_ns=iat * _NS_PER_SECOND,
            expires_at_ns=exp * _NS_PER_SECOND,
            api_key=api_key,
        )


def _int_claim(payload: dict[str, Any], name: str) -> int:
    value = payload[name]
    # bool is an int in Python; a JSON true is not a timestamp.
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidAccessTokenError()
    return value

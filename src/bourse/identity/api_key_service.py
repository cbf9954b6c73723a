"""Kite Connect API keys and the request-token login, as part of ``IdentityService``.

1. The user creates a key: ``api_key`` (public) and ``api_secret`` (shown once, sealed).
2. After logging in on our page for that ``api_key``, the user is sent to the app's
   ``redirect_url`` with a ``request_token`` (single use, short-lived, stored hashed).
3. The app posts ``api_key``, ``request_token`` and
   ``checksum = sha256(api_key + request_token + api_secret)``; we check the checksum in
   constant time, burn the token, and return an access token bound to a new session.

A wrong checksum does not burn the request token: it proves only that the caller lacks the
secret, and the real app can still complete its login.
"""

from bourse.identity.api_keys import (
    checksum_matches,
    hash_token,
    kite_checksum,
    new_api_key,
    new_api_secret,
    new_request_token,
)
from bourse.identity.audit_events import AuditEvent
from bourse.identity.clock import Clock
from bourse.identity.errors import (
    AccountDisabledError,
    ApiKeyNotFoundError,
    IdentityError,
    InvalidApiKeyError,
    InvalidApiKeyNameError,
    InvalidChecksumError,
    InvalidInputError,
    InvalidRequestTokenError,
)
from bourse.identity.models import (
    ApiKeyInfo,
    ApiSession,
    ClientInfo,
    IdentityPolicy,
    NewApiKey,
)
from bourse.identity.refresh import SESSION_KIND_API_KEY, SessionFamilies
from bourse.identity.sealing import SecretBox
from bourse.identity.tokens import AccessTokenCodec
from bourse.store.identity_store import IdentityStore, IdentityTransaction
from bourse.store.records import ApiKeyRecord, SessionRecord

_NS_PER_SECOND = 1_000_000_000
_MAX_NAME = 100
_MAX_REDIRECT_URL = 2048
_NO_CLIENT = ClientInfo()


class ApiKeyFlows:
    """Mixin of ``IdentityService``; the attributes below are set by its constructor."""

    _store: IdentityStore
    _tokens: AccessTokenCodec
    _sessions: SessionFamilies
    _secret_box: SecretBox
    _policy: IdentityPolicy
    _clock: Clock

    def create_api_key(
        self,
        user_id: int,
        name: str,
        *,
        redirect_url: str | None = None,
        client: ClientInfo = _NO_CLIENT,
    ) -> NewApiKey:
        name = name.strip()
        if not 1 <= len(name) <= _MAX_NAME:
            raise InvalidApiKeyNameError()
        if redirect_url is not None and not _is_http_url(redirect_url):
            raise InvalidInputError(f"redirect_url {redirect_url!r} is not an http(s) URL")
        now = self._clock()
        api_key, api_secret = new_api_key(), new_api_secret()
        sealed = self._secret_box.seal(api_secret.encode("ascii"), _api_key_context(api_key))
        with self._store.transaction() as tx:
            record = tx.api_keys.add(
                user_id=user_id,
                api_key=api_key,
                name=name,
                redirect_url=redirect_url,
                secret_sealed=sealed,
                now_ns=now,
            )
            tx.audit.record(
                AuditEvent.API_KEY_CREATED,
                now,
                user_id=user_id,
                ip=client.ip,
                detail={"api_key": api_key},
            )
        return NewApiKey(info=ApiKeyInfo.from_record(record), api_secret=api_secret)

    def list_api_keys(self, user_id: int) -> list[ApiKeyInfo]:
        with self._store.read() as tx:
            return [ApiKeyInfo.from_record(r) for r in tx.api_keys.list_for_user(user_id)]

    def revoke_api_key(self, user_id: int, api_key: str, client: ClientInfo = _NO_CLIENT) -> None:
        """Revoke a key and end every session opened through it."""
        now = self._clock()
        with self._store.transaction() as tx:
            record = tx.api_keys.revoke(user_id, api_key, now)
            if record is None:
                raise ApiKeyNotFoundError()
            ended = tx.sessions.revoke_for_api_key(record.id, now, "api_key_revoked")
            tx.audit.record(
                AuditEvent.API_KEY_REVOKED,
                now,
                user_id=user_id,
                ip=client.ip,
                detail={"api_key": api_key, "sessions_ended": len(ended)},
            )

    def issue_request_token(
        self, user_id: int, api_key: str, client: ClientInfo = _NO_CLIENT
    ) -> str:
        """After the user logged in for ``api_key``: a request token for the app's redirect."""
        now = self._clock()
        token = new_request_token()
        with self._store.transaction() as tx:
            record = tx.api_keys.by_api_key(api_key)
            # Keys belong to one user's trading account; nobody else may log in through them.
            if record is None or record.revoked_at_ns is not None or record.user_id != user_id:
                raise InvalidApiKeyError()
            tx.request_tokens.add(
                token_hash=hash_token(token),
                api_key_id=record.id,
                user_id=user_id,
                now_ns=now,
                expires_at_ns=now + self._policy.request_token_ttl_seconds * _NS_PER_SECOND,
            )
            tx.audit.record(
                AuditEvent.REQUEST_TOKEN_ISSUED,
                now,
                user_id=user_id,
                ip=client.ip,
                detail={"api_key": api_key},
            )
        return token

    def exchange_request_token(
        self,
        api_key: str,
        request_token: str,
        checksum: str,
        client: ClientInfo = _NO_CLIENT,
    ) -> ApiSession:
        """Kite ``POST /session/token``: check the checksum, burn the token, open a session."""
        now = self._clock()
        with self._store.read() as tx:
            record = tx.api_keys.by_api_key(api_key)
        if record is None or record.revoked_at_ns is not None:
            self._audit_api(AuditEvent.API_KEY_REJECTED, now, record, api_key, client)
            raise InvalidApiKeyError()
        api_secret = self._secret_box.open(record.secret_sealed, _api_key_context(api_key))
        expected = kite_checksum(api_key, request_token, api_secret.decode("ascii"))
        if not checksum_matches(expected, checksum):
            self._audit_api(AuditEvent.CHECKSUM_REJECTED, now, record, api_key, client)
            raise InvalidChecksumError()

        with self._store.transaction() as tx:
            outcome = self._open_api_session(tx, record, request_token, client, now)
            tx.audit.record(
                AuditEvent.REQUEST_TOKEN_REJECTED
                if isinstance(outcome, IdentityError)
                else AuditEvent.REQUEST_TOKEN_EXCHANGED,
                now,
                user_id=record.user_id,
                session_id=None if isinstance(outcome, IdentityError) else outcome.id,
                ip=client.ip,
                detail={"api_key": api_key},
            )
        if isinstance(outcome, IdentityError):
            raise outcome
        session = outcome
        access = self._tokens.issue(
            user_id=session.user_id,
            session_id=session.id,
            now_ns=now,
            ttl_seconds=self._policy.api_access_token_ttl_seconds,
            api_key=api_key,
        )
        return ApiSession(
            user_id=session.user_id,
            session_id=session.id,
            api_key=api_key,
            access_token=access.token,
            access_expires_at_ns=access.claims.expires_at_ns,
        )

    def _open_api_session(
        self,
        tx: IdentityTransaction,
        record: ApiKeyRecord,
        request_token: str,
        client: ClientInfo,
        now: int,
    ) -> SessionRecord | IdentityError:
        """Burn the request token and open the session, or say why not (nothing raised)."""
        token = tx.request_tokens.consume(hash_token(request_token), record.id, now)
        user = None if token is None else tx.users.by_id(token.user_id)
        if user is None:
            return InvalidRequestTokenError()
        if user.disabled_at_ns is not None:
            return AccountDisabledError()
        tx.api_keys.touch(record.id, now)
        return self._sessions.open(
            tx,
            user_id=user.id,
            kind=SESSION_KIND_API_KEY,
            client=client,
            now_ns=now,
            ttl_ns=self._policy.api_access_token_ttl_seconds * _NS_PER_SECOND,
            api_key_id=record.id,
        )

    def _audit_api(
        self,
        event: AuditEvent,
        now: int,
        record: ApiKeyRecord | None,
        api_key: str,
        client: ClientInfo,
    ) -> None:
        with self._store.transaction() as tx:
            tx.audit.record(
                event,
                now,
                user_id=None if record is None else record.user_id,
                ip=client.ip,
                detail={"api_key": api_key[:64]},
            )


def _api_key_context(api_key: str) -> bytes:
    return f"api_key:{api_key}".encode()


def _is_http_url(url: str) -> bool:
    return len(url) <= _MAX_REDIRECT_URL and url.startswith(("https://", "http://"))

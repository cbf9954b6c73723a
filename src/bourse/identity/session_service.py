"""Sessions and tokens, as part of ``IdentityService``: refresh, authenticate, logout, revoke.

A reused refresh token revokes its whole family (see ``refresh``); the revocation and its
audit row are committed before ``RefreshTokenReusedError`` is raised.
"""

from bourse.identity.audit_events import AuditEvent
from bourse.identity.clock import Clock
from bourse.identity.errors import (
    InvalidRefreshTokenError,
    RefreshTokenReusedError,
    SessionNotFoundError,
    SessionRevokedError,
)
from bourse.identity.models import ClientInfo, IdentityPolicy, Principal, SessionInfo, TokenPair
from bourse.identity.refresh import Rejected, Reused, SessionFamilies
from bourse.identity.tokens import AccessTokenCodec
from bourse.store.identity_store import IdentityStore
from bourse.store.records import SessionRecord

_NO_CLIENT = ClientInfo()


class SessionFlows:
    """Mixin of ``IdentityService``; the attributes below are set by its constructor."""

    _store: IdentityStore
    _tokens: AccessTokenCodec
    _sessions: SessionFamilies
    _policy: IdentityPolicy
    _clock: Clock

    def refresh(self, refresh_token: str, client: ClientInfo = _NO_CLIENT) -> TokenPair:
        """Exchange a refresh token for a new pair; a reused token revokes its family."""
        now = self._clock()
        with self._store.transaction() as tx:
            outcome = self._sessions.rotate(tx, refresh_token, now)
            session = outcome.session
            user_id = None if session is None else session.user_id
            session_id = None if session is None else session.id
            if isinstance(outcome, Reused):
                tx.audit.record(
                    AuditEvent.REFRESH_TOKEN_REUSED,
                    now,
                    user_id=user_id,
                    session_id=session_id,
                    ip=client.ip,
                )
            elif isinstance(outcome, Rejected):
                tx.audit.record(
                    AuditEvent.REFRESH_TOKEN_REJECTED,
                    now,
                    user_id=user_id,
                    session_id=session_id,
                    ip=client.ip,
                    detail={"reason": outcome.reason},
                )
            else:
                tx.audit.record(
                    AuditEvent.TOKEN_REFRESHED,
                    now,
                    user_id=user_id,
                    session_id=session_id,
                    ip=client.ip,
                )
        if isinstance(outcome, Reused):
            raise RefreshTokenReusedError()
        if isinstance(outcome, Rejected):
            raise InvalidRefreshTokenError()
        return self._token_pair(
            outcome.session, outcome.refresh_token, outcome.refresh_expires_at_ns, now
        )

    def authenticate(self, access_token: str) -> Principal:
        """Verify an access token and that its session is still live (one indexed read)."""
        now = self._clock()
        claims = self._tokens.decode(access_token, now)
        with self._store.read() as tx:
            session = tx.sessions.get(claims.session_id)
        if session is None or session.user_id != claims.user_id or not session.is_active(now):
            raise SessionRevokedError()
        return Principal(
            user_id=claims.user_id,
            account_id=claims.user_id,
            session_id=claims.session_id,
            token_id=claims.token_id,
            expires_at_ns=claims.expires_at_ns,
            api_key=claims.api_key,
        )

    def logout(self, user_id: int, session_id: str, client: ClientInfo = _NO_CLIENT) -> None:
        """End the caller's own session (access tokens stop at the next ``authenticate``)."""
        self._revoke_session(user_id, session_id, client, AuditEvent.LOGGED_OUT, "logout")

    def revoke_session(
        self, user_id: int, session_id: str, client: ClientInfo = _NO_CLIENT
    ) -> None:
        """End one of the user's sessions, e.g. from the session list."""
        self._revoke_session(user_id, session_id, client, AuditEvent.SESSION_REVOKED, "revoked")

    def list_sessions(self, user_id: int) -> list[SessionInfo]:
        now = self._clock()
        with self._store.read() as tx:
            return [SessionInfo.from_record(s) for s in tx.sessions.list_active(user_id, now)]

    def _revoke_session(
        self, user_id: int, session_id: str, client: ClientInfo, event: AuditEvent, reason: str
    ) -> None:
        now = self._clock()
        with self._store.transaction() as tx:
            session = tx.sessions.get(session_id)
            # Someone else's session is "not found": do not confirm that it exists.
            if session is None or session.user_id != user_id:
                raise SessionNotFoundError()
            if tx.sessions.revoke(session_id, now, reason):
                tx.audit.record(event, now, user_id=user_id, session_id=session_id, ip=client.ip)

    def _token_pair(
        self, session: SessionRecord, refresh_token: str, refresh_expires_at_ns: int, now: int
    ) -> TokenPair:
        access = self._tokens.issue(
            user_id=session.user_id,
            session_id=session.id,
            now_ns=now,
            ttl_seconds=self._policy.access_token_ttl_seconds,
        )
        return TokenPair(
            user_id=session.user_id,
            session_id=session.id,
            access_token=access.token,
            access_expires_at_ns=access.claims.expires_at_ns,
            refresh_token=refresh_token,
            refresh_expires_at_ns=refresh_expires_at_ns,
        )

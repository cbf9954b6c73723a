"""Sessions and rotating opaque refresh tokens.

A login opens a session; the session is the *family* of the refresh tokens issued for it.
A refresh token is 256 random bits shown to the client once and stored as its SHA-256.
Each refresh exchanges the token for a new one (rotation) and marks the old one used. If a
used token is presented again, someone holds a copy (the client or a thief), so the whole
family is revoked: every token of the session stops working and the session ends
(OAuth 2.0 Security BCP, refresh token rotation).

These functions run inside the caller's transaction and return outcomes rather than raising,
so that a revocation is committed before the caller reports the error.
"""

import secrets
from dataclasses import dataclass, replace

from bourse.identity.api_keys import hash_token
from bourse.identity.models import ClientInfo
from bourse.store.identity_store import IdentityTransaction
from bourse.store.records import SessionRecord

SESSION_KIND_PASSWORD = "password"
SESSION_KIND_API_KEY = "api_key"
_NS_PER_SECOND = 1_000_000_000
_MAX_USER_AGENT = 256
_MAX_IP = 64


def new_session_id() -> str:
    return secrets.token_hex(16)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Rotated:
    session: SessionRecord
    refresh_token: str
    refresh_expires_at_ns: int


@dataclass(frozen=True, slots=True)
class Reused:
    """A used token came back; its family has been revoked (in the caller's transaction)."""

    session: SessionRecord


@dataclass(frozen=True, slots=True)
class Rejected:
    """Unknown, expired or revoked token: refused, nothing changed."""

    reason: str
    session: SessionRecord | None = None


RotationOutcome = Rotated | Reused | Rejected


class SessionFamilies:
    """Opens sessions, rotates their refresh tokens and revokes them."""

    def __init__(self, *, refresh_ttl_seconds: int) -> None:
        self.refresh_ttl_ns = refresh_ttl_seconds * _NS_PER_SECOND

    def open(
        self,
        tx: IdentityTransaction,
        *,
        user_id: int,
        kind: str,
        client: ClientInfo,
        now_ns: int,
        ttl_ns: int | None = None,
        api_key_id: int | None = None,
    ) -> SessionRecord:
        """Open a session lasting ``ttl_ns`` (default: the refresh token lifetime)."""
        session = SessionRecord(
            id=new_session_id(),
            user_id=user_id,
            kind=kind,
            api_key_id=api_key_id,
            created_at_ns=now_ns,
            last_used_at_ns=now_ns,
            expires_at_ns=now_ns + (self.refresh_ttl_ns if ttl_ns is None else ttl_ns),
            ip=None if client.ip is None else client.ip[:_MAX_IP],
            user_agent=None if client.user_agent is None else client.user_agent[:_MAX_USER_AGENT],
            revoked_at_ns=None,
            revoked_reason=None,
        )
        tx.sessions.add(session)
        return session

    def issue_refresh_token(
        self, tx: IdentityTransaction, session: SessionRecord, now_ns: int
    ) -> tuple[str, int]:
        """A new refresh token of ``session``'s family and its expiry."""
        token = new_refresh_token()
        expires_at_ns = now_ns + self.refresh_ttl_ns
        tx.refresh_tokens.add(
            session_id=session.id,
            token_hash=hash_token(token),
            now_ns=now_ns,
            expires_at_ns=expires_at_ns,
        )
        return token, expires_at_ns

    def rotate(self, tx: IdentityTransaction, refresh_token: str, now_ns: int) -> RotationOutcome:
        record = tx.refresh_tokens.by_hash(hash_token(refresh_token))
        if record is None:
            return Rejected("unknown")
        session = tx.sessions.get(record.session_id)
        if session is None:
            return Rejected("unknown")
        if record.used_at_ns is not None:
            tx.sessions.revoke(session.id, now_ns, "refresh_token_reused")
            return Reused(session)
        if record.revoked_at_ns is not None or session.revoked_at_ns is not None:
            return Rejected("revoked", session)
        if now_ns >= record.expires_at_ns or now_ns >= session.expires_at_ns:
            return Rejected("expired", session)
        if not tx.refresh_tokens.mark_used(record.id, now_ns):
            # A concurrent refresh with the same token won the race: also a reuse.
            tx.sessions.revoke(session.id, now_ns, "refresh_token_reused")
            return Reused(session)
        token, expires_at_ns = self.issue_refresh_token(tx, session, now_ns)
        tx.sessions.extend(session.id, now_ns, expires_at_ns)
        session = replace(session, last_used_at_ns=now_ns, expires_at_ns=expires_at_ns)
        return Rotated(session, token, expires_at_ns)

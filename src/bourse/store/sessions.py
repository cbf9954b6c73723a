"""Sessions (one per login) and their refresh tokens (the session is the token family)."""

import sqlalchemy as sa
from sqlalchemy import Connection

from bourse.store.records import RefreshTokenRecord, SessionRecord
from bourse.store.tables import refresh_tokens, sessions


class SessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, session: SessionRecord) -> None:
        self._connection.execute(
            sa.insert(sessions).values(
                id=session.id,
                user_id=session.user_id,
                kind=session.kind,
                api_key_id=session.api_key_id,
                created_at_ns=session.created_at_ns,
                last_used_at_ns=session.last_used_at_ns,
                expires_at_ns=session.expires_at_ns,
                ip=session.ip,
                user_agent=session.user_agent,
                revoked_at_ns=session.revoked_at_ns,
                revoked_reason=session.revoked_reason,
            )
        )

    def get(self, session_id: str) -> SessionRecord | None:
        row = self._connection.execute(
            sa.select(sessions).where(sessions.c.id == session_id)
        ).first()
        return None if row is None else SessionRecord(**row._mapping)

    def list_active(self, user_id: int, now_ns: int) -> list[SessionRecord]:
        rows = self._connection.execute(
            sa.select(sessions)
            .where(
                sessions.c.user_id == user_id,
                sessions.c.revoked_at_ns.is_(None),
                sessions.c.expires_at_ns > now_ns,
            )
            .order_by(sessions.c.created_at_ns, sessions.c.id)
        )
        return [SessionRecord(**row._mapping) for row in rows]

    def extend(self, session_id: str, now_ns: int, expires_at_ns: int) -> None:
        self._connection.execute(
            sa.update(sessions)
            .where(sessions.c.id == session_id)
            .values(last_used_at_ns=now_ns, expires_at_ns=expires_at_ns)
        )

    def revoke(self, session_id: str, now_ns: int, reason: str) -> bool:
        """Revoke a live session and every refresh token of its family; False if not live."""
        result = self._connection.execute(
            sa.update(sessions)
            .where(sessions.c.id == session_id, sessions.c.revoked_at_ns.is_(None))
            .values(revoked_at_ns=now_ns, revoked_reason=reason)
        )
        self._connection.execute(
            sa.update(refresh_tokens)
            .where(
                refresh_tokens.c.session_id == session_id,
                refresh_tokens.c.revoked_at_ns.is_(None),
            )
            .values(revoked_at_ns=now_ns)
        )
        return result.rowcount == 1

    def revoke_for_api_key(self, api_key_id: int, now_ns: int, reason: str) -> list[str]:
        """Revoke every live session opened through an API key; returns their ids."""
        return self._revoke_where(sessions.c.api_key_id == api_key_id, now_ns, reason)

    def revoke_for_user(self, user_id: int, now_ns: int, reason: str) -> list[str]:
        """Revoke every live session of a user; returns their ids."""
        return self._revoke_where(sessions.c.user_id == user_id, now_ns, reason)

    def _revoke_where(
        self, condition: sa.ColumnElement[bool], now_ns: int, reason: str
    ) -> list[str]:
        session_ids = list(
            self._connection.execute(
                sa.select(sessions.c.id).where(condition, sessions.c.revoked_at_ns.is_(None))
            ).scalars()
        )
        for session_id in session_ids:
            self.revoke(session_id, now_ns, reason)
        return session_ids


class RefreshTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, *, session_id: str, token_hash: str, now_ns: int, expires_at_ns: int) -> None:
        self._connection.execute(
            sa.insert(refresh_tokens).values(
                session_id=session_id,
                token_hash=token_hash,
                issued_at_ns=now_ns,
                expires_at_ns=expires_at_ns,
            )
        )

    def by_hash(self, token_hash: str) -> RefreshTokenRecord | None:
        row = self._connection.execute(
            sa.select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        ).first()
        return None if row is None else RefreshTokenRecord(**row._mapping)

    def mark_used(self, token_id: int, now_ns: int) -> bool:
        """Mark a token exchanged; False if it was already used or revoked.

        Conditional, so of two concurrent exchanges of one token exactly one gets True; the
        other is treated as a reuse.
        """
        result = self._connection.execute(
            sa.update(refresh_tokens)
            .where(
                refresh_tokens.c.id == token_id,
                refresh_tokens.c.used_at_ns.is_(None),
                refresh_tokens.c.revoked_at_ns.is_(None),
            )
            .values(used_at_ns=now_ns)
        )
        return result.rowcount == 1

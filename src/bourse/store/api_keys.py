"""API keys (Kite Connect apps) and the single-use request tokens of their login flow."""

import sqlalchemy as sa
from sqlalchemy import Connection

from bourse.store.records import ApiKeyRecord, RequestTokenRecord
from bourse.store.tables import api_keys, request_tokens


class ApiKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self,
        *,
        user_id: int,
        api_key: str,
        name: str,
        redirect_url: str | None,
        secret_sealed: bytes,
        now_ns: int,
    ) -> ApiKeyRecord:
        key_id = self._connection.execute(
            sa.insert(api_keys)
            .values(
                user_id=user_id,
                api_key=api_key,
                name=name,
                redirect_url=redirect_url,
                secret_sealed=secret_sealed,
                created_at_ns=now_ns,
            )
            .returning(api_keys.c.id)
        ).scalar_one()
        return ApiKeyRecord(
            id=key_id,
            user_id=user_id,
            api_key=api_key,
            name=name,
            redirect_url=redirect_url,
            secret_sealed=secret_sealed,
            created_at_ns=now_ns,
            last_used_at_ns=None,
            revoked_at_ns=None,
        )

    def by_api_key(self, api_key: str) -> ApiKeyRecord | None:
        row = self._connection.execute(
            sa.select(api_keys).where(api_keys.c.api_key == api_key)
        ).first()
        return None if row is None else ApiKeyRecord(**row._mapping)

    def list_for_user(self, user_id: int) -> list[ApiKeyRecord]:
        rows = self._connection.execute(
            sa.select(api_keys).where(api_keys.c.user_id == user_id).order_by(api_keys.c.id)
        )
        return [ApiKeyRecord(**row._mapping) for row in rows]

    def revoke(self, user_id: int, api_key: str, now_ns: int) -> ApiKeyRecord | None:
        """Revoke the user's live key ``api_key``; None if there is no such key to revoke."""
        row = self._connection.execute(
            sa.update(api_keys)
            .where(
                api_keys.c.user_id == user_id,
                api_keys.c.api_key == api_key,
                api_keys.c.revoked_at_ns.is_(None),
            )
            .values(revoked_at_ns=now_ns)
            .returning(*api_keys.c)
        ).first()
        return None if row is None else ApiKeyRecord(**row._mapping)

    def touch(self, key_id: int, now_ns: int) -> None:
        self._connection.execute(
            sa.update(api_keys).where(api_keys.c.id == key_id).values(last_used_at_ns=now_ns)
        )


class RequestTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self, *, token_hash: str, api_key_id: int, user_id: int, now_ns: int, expires_at_ns: int
    ) -> None:
        self._connection.execute(
            sa.insert(request_tokens).values(
                token_hash=token_hash,
                api_key_id=api_key_id,
                user_id=user_id,
                created_at_ns=now_ns,
                expires_at_ns=expires_at_ns,
            )
        )

    def consume(self, token_hash: str, api_key_id: int, now_ns: int) -> RequestTokenRecord | None:
        """Mark a live request token of ``api_key_id`` used and return it; None otherwise.

        A conditional UPDATE, so of two concurrent exchanges of one token exactly one wins.
        """
        row = self._connection.execute(
            sa.update(request_tokens)
            .where(
                request_tokens.c.token_hash == token_hash,
                request_tokens.c.api_key_id == api_key_id,
                request_tokens.c.used_at_ns.is_(None),
                request_tokens.c.expires_at_ns > now_ns,
            )
            .values(used_at_ns=now_ns)
            .returning(*request_tokens.c)
        ).first()
        return None if row is None else RequestTokenRecord(**row._mapping)

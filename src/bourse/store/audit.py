"""The security audit log: append-only records of security-relevant actions."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from bourse.store.records import AuditRecord
from bourse.store.tables import security_audit_log


class AuditLogRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(
        self,
        event: str,
        at_ns: int,
        *,
        user_id: int | None = None,
        email: str | None = None,
        session_id: str | None = None,
        ip: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        self._connection.execute(
            sa.insert(security_audit_log).values(
                at_ns=at_ns,
                event=event,
                user_id=user_id,
                email=email,
                session_id=session_id,
                ip=ip,
                detail=detail,
            )
        )

    def recent(
        self, *, user_id: int | None = None, event: str | None = None, limit: int = 100
    ) -> list[AuditRecord]:
        """Newest first, optionally only one user's or one kind of event."""
        query = sa.select(security_audit_log)
        if user_id is not None:
            query = query.where(security_audit_log.c.user_id == user_id)
        if event is not None:
            query = query.where(security_audit_log.c.event == event)
        query = query.order_by(security_audit_log.c.id.desc()).limit(limit)
        return [AuditRecord(**row._mapping) for row in self._connection.execute(query)]

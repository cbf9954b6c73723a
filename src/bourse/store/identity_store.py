"""Unit of work over the identity tables: one transaction, every repository bound to it."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from bourse.store.api_keys import ApiKeyRepository, RequestTokenRepository
from bourse.store.audit import AuditLogRepository
from bourse.store.engine import SQLITE_BEGIN_OPTION
from bourse.store.sessions import RefreshTokenRepository, SessionRepository
from bourse.store.totp_enrolments import TotpEnrolmentRepository
from bourse.store.users import UserRepository


class IdentityTransaction:
    """The repositories of one open transaction; it commits when the ``with`` block ends."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.users = UserRepository(connection)
        self.totp = TotpEnrolmentRepository(connection)
        self.api_keys = ApiKeyRepository(connection)
        self.request_tokens = RequestTokenRepository(connection)
        self.sessions = SessionRepository(connection)
        self.refresh_tokens = RefreshTokenRepository(connection)
        self.audit = AuditLogRepository(connection)


class IdentityStore:
    """Opens short transactions on an engine it does not own (the caller disposes it).

    Synchronous by design: the gateway calls it from a thread pool, one short transaction per
    call. Keep blocking work that is not SQL (password hashing) outside the ``with`` block.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[IdentityTransaction]:
        """A read-write transaction: committed on normal exit, rolled back on an exception."""
        with self.engine.begin() as connection:
            yield IdentityTransaction(connection)

    @contextmanager
    def read(self) -> Iterator[IdentityTransaction]:
        """A transaction for reads only; on SQLite it does not take the write lock."""
        with self.engine.connect() as connection:
            connection.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
            with connection.begin():
                yield IdentityTransaction(connection)

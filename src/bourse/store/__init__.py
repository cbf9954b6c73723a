"""SQL store: tables, migrations and repositories on SQLite (embedded) or PostgreSQL.

Public surface::

    create_store_engine(url)         engine with our SQLite/PostgreSQL settings
    upgrade(url) / upgrade_engine()  run the packaged Alembic migrations
    IdentityStore(engine)            unit of work over the identity repositories
"""

from bourse.store.engine import create_store_engine, normalise_database_url
from bourse.store.errors import DuplicateEmailError, StoreError
from bourse.store.identity_store import IdentityStore, IdentityTransaction
from bourse.store.migrate import current_revision, head_revision, upgrade, upgrade_engine
from bourse.store.records import (
    ApiKeyRecord,
    AuditRecord,
    RefreshTokenRecord,
    RequestTokenRecord,
    SessionRecord,
    TotpEnrolmentRecord,
    UserRecord,
)
from bourse.store.tables import metadata

__all__ = [
    "ApiKeyRecord",
    "AuditRecord",
    "DuplicateEmailError",
    "IdentityStore",
    "IdentityTransaction",
    "RefreshTokenRecord",
    "RequestTokenRecord",
    "SessionRecord",
    "StoreError",
    "TotpEnrolmentRecord",
    "UserRecord",
    "create_store_engine",
    "current_revision",
    "head_revision",
    "metadata",
    "normalise_database_url",
    "upgrade",
    "upgrade_engine",
]

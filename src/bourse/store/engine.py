"""Engine creation for the two supported databases: SQLite (embedded) and PostgreSQL.

SQLite is tuned for a multi-threaded gateway: WAL (readers never block the writer), foreign
keys enforced, a busy timeout, a page cache and a WAL checkpoint interval sized for the
ledger projection's writes, and write transactions opened with ``BEGIN IMMEDIATE``. The
last one matters: in WAL mode a deferred transaction that reads and then writes fails at once
with "database is locked" when another connection committed in between, and the busy timeout
does not help; taking the write lock up front makes such transactions simply wait their turn.
Read-only work can opt out with ``connection.execution_options(sqlite_begin="DEFERRED")``.

PostgreSQL goes through psycopg 3 (``postgresql+psycopg://``); a bare ``postgresql://`` or
``postgres://`` URL is rewritten to it.
"""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 16_384
"""Each connection's page cache (SQLite's default: 2 MiB, allocated as pages are read). The
ledger projection inserts into the index pages of every account a batch touches (postings,
trade legs, balances): with 2 MiB they kept falling out of the cache and were read back from
the file, batch after batch."""
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 2_500
"""WAL pages after which a commit copies the WAL back into the database (SQLite's default:
1,000). A page rewritten by many commits in between (a busy account's index page, a balance)
is copied once per checkpoint, so fewer checkpoints cost the projector less CPU; but each
checkpoint writes and fsyncs the database file in one burst, and on a shared disk that burst
delays the journal's fsyncs, which every order waits for. Measured in bench/http_orders.py
(longest journal fsync while ordering) and bench/projector.py (CPU per trade): 10,000 pages
(40 MB) 31-42 ms and ~165 µs; 2,500 pages 14-17 ms and ~170 µs; 1,000 pages 9 ms and ~184 µs."""
SQLITE_BEGIN_OPTION = "sqlite_begin"
_SQLITE_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})


def normalise_database_url(database_url: str) -> URL:
    """Parse a database URL and pin the driver we support for each backend."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "postgres":
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "postgresql":
        if url.drivername != "postgresql+psycopg":
            url = url.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if url.drivername != "sqlite":
            raise ValueError(
                f"database URL driver {url.drivername!r} is not supported; use sqlite://"
            )
        if url.database in (None, "", ":memory:"):
            raise ValueError(
                "database URL sqlite:// without a file is not supported: migrations and the "
                "connection pool need a file, e.g. sqlite:///./var/bourse.db"
            )
    else:
        raise ValueError(
            f"database URL backend {backend!r} is not supported; use sqlite:/// or postgresql://"
        )
    return url


def create_store_engine(database_url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``database_url``; the caller owns it and must ``dispose()`` it."""
    url = normalise_database_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, echo=echo)
    return sa.create_engine(url, echo=echo, pool_pre_ping=True)


def _create_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    assert url.database is not None
    Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _connection_record: Any) -> None:
    # Take BEGIN away from the sqlite3 module (it would emit a deferred one lazily, and
    # none at all before DDL); _begin_sqlite_transaction emits our own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: sa.Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
    if mode not in _SQLITE_BEGIN_MODES:
        raise ValueError(
            f"{SQLITE_BEGIN_OPTION} {mode!r} is not one of {sorted(_SQLITE_BEGIN_MODES)}"
        )
    connection.exec_driver_sql(f"BEGIN {mode}")

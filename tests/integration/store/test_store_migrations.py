"""The packaged migrations on SQLite and PostgreSQL: they apply, match the metadata, reverse."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bourse.store import create_store_engine, current_revision, head_revision, metadata, upgrade
from bourse.store.migrate import downgrade_engine, upgrade_engine
from bourse.store.tables import credentials, users

IDENTITY_TABLES = {
    "users",
    "credentials",
    "totp_enrolments",
    "api_keys",
    "request_tokens",
    "sessions",
    "refresh_tokens",
    "security_audit_log",
}


def test_upgrade_creates_every_identity_table_at_head(migrated_engine: Engine) -> None:
    tables = set(sa.inspect(migrated_engine).get_table_names())

    assert tables >= IDENTITY_TABLES
    assert current_revision(migrated_engine) == head_revision()


def test_migrated_schema_matches_the_table_metadata(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)

    assert differences == []


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)

    engine = create_store_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_downgrade_to_base_then_upgrade_again(migrated_engine: Engine) -> None:
    downgrade_engine(migrated_engine, "base")
    assert IDENTITY_TABLES.isdisjoint(sa.inspect(migrated_engine).get_table_names())
    assert current_revision(migrated_engine) is None

    upgrade_engine(migrated_engine)
    assert set(sa.inspect(migrated_engine).get_table_names()) >= IDENTITY_TABLES


def test_foreign_keys_are_enforced(migrated_engine: Engine) -> None:
    with pytest.raises(IntegrityError), migrated_engine.begin() as connection:
        connection.execute(
            sa.insert(credentials).values(user_id=999, password_hash="x", updated_at_ns=0)
        )


def test_user_ids_auto_increment(migrated_engine: Engine) -> None:
    with migrated_engine.begin() as connection:
        first = connection.execute(
            sa.insert(users).values(email="a@example.com", created_at_ns=1).returning(users.c.id)
        ).scalar_one()
        second = connection.execute(
            sa.insert(users).values(email="b@example.com", created_at_ns=1).returning(users.c.id)
        ).scalar_one()

    assert second == first + 1

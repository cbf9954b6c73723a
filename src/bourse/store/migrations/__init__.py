"""Alembic migrations of the Bourse SQL store, run with ``bourse.store.migrate.upgrade``."""

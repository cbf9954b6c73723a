"""The projection tests' database: ``engine``, a migrated engine on SQLite and on PostgreSQL
with the test projection's table."""

import pytest
from sqlalchemy import Engine
from tests.projection_doubles import test_metadata


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    test_metadata.create_all(migrated_engine)
    return migrated_engine

"""The ledger tests' database: ``engine``, a migrated engine on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import Engine


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    return migrated_engine

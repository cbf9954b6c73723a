"""What the platform benchmarks share: a real platform's settings in a scratch directory (SQLite,
journal with fsync), rate limits out of the way, uvicorn run as ``bourse serve`` runs it, and
the loopback ports the load generators find it on."""

import dataclasses
import socket
from pathlib import Path
from typing import Any

import psutil
import uvicorn
from starlette.applications import Starlette

from bourse.cli_platform import UVICORN_OPTIONS
from bourse.settings import RateLimitSettings, Settings

UNLIMITED_RATES = RateLimitSettings(
    user_requests_per_second=1e9, user_burst=10**9, ip_requests_per_second=1e9, ip_burst=10**9
)


def bench_settings(directory: str, port: int, **overrides: Any) -> Settings:
    """Development settings over ``directory``, serving ``port``, without rate limits."""
    return dataclasses.replace(
        Settings.from_env({"BOURSE_MODE": "development"}),
        data_dir=Path(directory),
        database_url=f"sqlite:///{directory}/bourse.db",
        port=port,
        rate_limits=UNLIMITED_RATES,
        **overrides,
    )


def serve(app: Starlette, port: int, **options: Any) -> None:
    """uvicorn with the options of ``bourse serve`` (``options`` added or overriding)."""
    uvicorn.run(app, host="127.0.0.1", port=port, **{**UVICORN_OPTIONS, **options})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def move_projector(cpu: int) -> None:
    """Move this process's children (the projector process, its forkserver and the resource
    tracker) to ``cpu`` at the lowest priority (nice 19): the benchmarks give the server's CPU
    to the serving process alone, and the load generator on ``cpu`` comes first (the
    projections are behind the answers anyway; ``http_orders`` reports how far)."""
    for child in psutil.Process().children(recursive=True):
        child.cpu_affinity([cpu])
        child.nice(19)

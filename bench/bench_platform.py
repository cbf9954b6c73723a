"""What the benchmark servers share: a real platform's settings in a scratch directory (SQLite,
journal with fsync), rate limits out of the way, and uvicorn run as ``bourse serve`` runs it."""

import dataclasses
import os
from pathlib import Path
from typing import Any

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


def pin_to_cpu(cpu: int | None) -> None:
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


def serve(app: Starlette, port: int, **options: Any) -> None:
    """uvicorn with the options of ``bourse serve`` (``options`` added or overriding)."""
    uvicorn.run(app, host="127.0.0.1", port=port, **{**UVICORN_OPTIONS, **options})

"""Subcommands that run the platform: ``run``, ``serve``, ``db upgrade``, ``users create``.

Configuration comes from ``BOURSE_*`` environment variables (see ``bourse.settings``); the
flags here only override where to listen.
"""

import argparse
import getpass
import os
import sys
from typing import Any, TypeAlias

from bourse.settings import Settings

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _settings(args: argparse.Namespace) -> Settings:
    import dataclasses

    settings = Settings.from_env(os.environ)
    overrides: dict[str, object] = {}
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None):
        overrides["port"] = args.port
    simulator: dict[str, object] = {}
    if getattr(args, "no_sim", False):
        simulator["enabled"] = False
    if getattr(args, "sim_rate", None) is not None:
        simulator["order_rate"] = args.sim_rate
    if getattr(args, "instruments_csv", None):
        simulator["instruments_csv"] = args.instruments_csv
    if simulator:
        overrides["simulator"] = dataclasses.replace(settings.simulator, **simulator)  # type: ignore[arg-type]
    if overrides:
        settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]
    return settings


def _positive_rate(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{raw} must be a positive number of orders per second")
    return value


def _listen_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default: BOURSE_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: BOURSE_PORT or 8000)")


def _serve_platform(settings: Settings, *, demo: bool) -> int:
    import uvicorn

    from bourse.app import Hook, Platform, create_platform
    from bourse.marketdata.indices import IndexDefinition

    hooks: list[Hook] = []
    indices: list[IndexDefinition] = []
    if demo:
        from bourse.sim.demo import demo_universe, open_demo_market
        from bourse.sim.instrument_csv import InstrumentCsvError
        from bourse.sim.master import index_definitions

        try:
            universe = demo_universe(settings.simulator)
        except (InstrumentCsvError, OSError) as exc:
            print(f"bourse run: {exc}", file=sys.stderr)
            return 2
        indices = index_definitions([equity.instrument for equity in universe])

        def announce(platform: Platform) -> None:
            credentials, live = open_demo_market(platform, settings.simulator, universe)
            base = f"http://{settings.host}:{settings.port}"
            market = (
                f"{len(universe)} instruments, simulator at {settings.simulator.order_rate:g} "
                "orders/s"
                if live is not None
                else f"{len(universe)} instruments, simulator off"
            )
            print(
                f"Bourse is running on {base}  (API docs: {base}/api/v1/docs)  [{market}]\n"
                f"Demo user: {credentials.email}  password: {credentials.password}  "
                f"(trading account {credentials.account_id})",
                flush=True,
            )

        hooks.append(announce)
    platform = create_platform(settings, hooks=hooks, index_definitions=indices)
    uvicorn.run(platform.app, host=settings.host, port=settings.port, **UVICORN_OPTIONS)
    return 0


UVICORN_OPTIONS: dict[str, Any] = {
    "loop": "uvloop",
    # httptools, writing each response with one send (see bourse.api.http_protocol).
    "http": "bourse.api.http_protocol:CoalescingHttpToolsProtocol",
    "log_level": "warning",
    "lifespan": "on",
    # Not printed at level warning, yet uvicorn would format each request's log arguments.
    "access_log": False,
    # No proxy in front by default: skip the X-Forwarded-* rewriting middleware.
    "proxy_headers": False,
    # Ticks are encoded once and shared by every subscriber; compressing per connection would
    # redo that work for each one (browsers offer permessage-deflate by default).
    "ws_per_message_deflate": False,
    # uvicorn's sans-I/O WebSocket protocol, which also lets the stream hub write ready frames
    # straight to the socket (see bourse.api.ws_frames).
    "ws": "bourse.api.ws_frames:DirectFramesProtocol",
}
"""How ``bourse run`` / ``bourse serve`` (and the HTTP benchmark's server) run uvicorn."""


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.is_development:
        print("bourse run: the demo market needs BOURSE_MODE=development", file=sys.stderr)
        return 2
    return _serve_platform(settings, demo=True)


def _serve(args: argparse.Namespace) -> int:
    return _serve_platform(_settings(args), demo=False)


def add_run(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "run",
        help="start the whole platform in embedded mode with a seeded demo market",
        description=(
            "Start the platform (API, trading core with its journal, SQLite by default) and "
            "seed a demo market: the NSE instrument master (NIFTY 50 and more), a demo user "
            "with funds and holdings, and the market simulator's agents (market makers and "
            "takers) trading live. Prints the demo credentials. Development mode only."
        ),
    )
    _listen_options(parser)
    parser.add_argument(
        "--no-sim", action="store_true", help="do not start the market simulator (BOURSE_SIM=off)"
    )
    parser.add_argument(
        "--sim-rate",
        type=_positive_rate,
        help="simulated taker orders per second across the market (default: BOURSE_SIM_RATE or 50)",
    )
    parser.add_argument(
        "--instruments-csv",
        help="list this universe (Kite instruments CSV) instead of the shipped NSE master "
        "(default: BOURSE_INSTRUMENTS_CSV)",
    )
    parser.set_defaults(handler=_run)


def add_serve(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="start the platform without demo data (production entry point)",
        description=(
            "Start the platform as configured by BOURSE_* variables, without seeding. Outside "
            "development mode it refuses default secrets."
        ),
    )
    _listen_options(parser)
    parser.set_defaults(handler=_serve)


def _db_upgrade(args: argparse.Namespace) -> int:
    from bourse.store.migrate import upgrade

    settings = _settings(args)
    upgrade(settings.database_url)
    print(f"database at {settings.database_url} is at the newest schema", flush=True)
    return 0


def add_db(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "db", help="database maintenance", description="Database maintenance commands."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    upgrade = commands.add_parser(
        "upgrade",
        help="apply every pending migration to BOURSE_DATABASE_URL",
        description="Apply every pending Alembic migration (SQLite or PostgreSQL).",
    )
    upgrade.set_defaults(handler=_db_upgrade)


def _users_create(args: argparse.Namespace) -> int:
    from bourse.identity.errors import IdentityError
    from bourse.identity.factory import build_identity_service
    from bourse.store.engine import create_store_engine
    from bourse.store.migrate import upgrade_engine

    settings = _settings(args)
    password = args.password
    if password is None:
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    engine = create_store_engine(settings.database_url)
    try:
        upgrade_engine(engine)
        user = build_identity_service(settings, engine).sign_up(args.email, password)
    except IdentityError as exc:
        print(f"bourse users create: {exc.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"created user {user.email} with trading account {user.account_id}", flush=True)
    return 0


def add_users(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "users", help="user administration", description="User administration commands."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    create = commands.add_parser(
        "create",
        help="create a user (asks for the password unless given)",
        description="Create a user with an email and password in BOURSE_DATABASE_URL.",
    )
    create.add_argument("--email", required=True, help="the user's email address")
    secret = create.add_mutually_exclusive_group()
    secret.add_argument("--password", help="the password (visible in process lists; prefer stdin)")
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(handler=_users_create)


SUBCOMMANDS = (add_run, add_serve, add_db, add_users)

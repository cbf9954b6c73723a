"""``bourse reconcile``: the SQL ledger against the core state recovered from the journal."""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TypeAlias

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

EXIT_OK = 0
EXIT_MISMATCH = 1
EXIT_BROKEN = 2


def _add_reconcile(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="compare the SQL ledger with the core state to the paisa",
        description=(
            "Rebuild the trading core from the journal (read-only) up to the event the ledger "
            "has committed, compare every balance both can state, record the run and print one "
            "JSON line. While the newest run found differences, withdrawals are frozen."
        ),
        epilog="exit status: 0 the ledger agrees, 1 differences found, 2 cannot run",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        help="journal directory (default: BOURSE_DATA_DIR/journal)",
    )
    parser.add_argument("--database", help="database URL (default: BOURSE_DATABASE_URL)")
    parser.add_argument(
        "--catch-up",
        action="store_true",
        help="first apply the journal's events the ledger has not committed (only while no "
        "server is projecting into the same database)",
    )
    parser.set_defaults(handler=_reconcile)


def _reconcile(args: argparse.Namespace) -> int:
    from bourse.journal.framing import JournalCorruptError
    from bourse.journal.recovery import TRADING_CORE, JournalPaths, load_config
    from bourse.ledger.projection import LedgerProjection
    from bourse.ledger.reconcile import reconcile
    from bourse.projection.runner import ProjectionRunner
    from bourse.settings import Settings
    from bourse.store import create_store_engine, upgrade

    settings = Settings.from_env(os.environ)
    journal: Path = args.journal or settings.data_dir / "journal"
    database_url: str = args.database or settings.database_url
    try:
        upgrade(database_url)
        engine = create_store_engine(database_url)
    except Exception as exc:
        print(f"bourse reconcile: cannot open the database: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    try:
        if args.catch_up and JournalPaths(journal).config.exists():
            projection = LedgerProjection(load_config(journal, TRADING_CORE))
            ProjectionRunner(engine, [projection]).catch_up(journal)
        report = reconcile(engine, journal)
    except (JournalCorruptError, OSError, ValueError) as exc:
        print(f"bourse reconcile: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    finally:
        engine.dispose()
    print(json.dumps(report.as_json()), flush=True)
    return EXIT_OK if report.ok else EXIT_MISMATCH


SUBCOMMANDS = (_add_reconcile,)

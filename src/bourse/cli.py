"""The ``bourse`` command.

Each subcommand is registered by one ``_add_<name>`` function that builds its parser and sets
``handler``, a function taking the parsed arguments and returning the exit status. New
subcommands (run, serve, db upgrade, users create) add one such function to `_SUBCOMMANDS`;
nested groups such as ``db upgrade`` register a sub-parser of their own the same way.
"""

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bourse import cli_ledger as ledger_commands
from bourse import cli_platform as platform_commands
from bourse import cli_sim
from bourse.cli_openapi import add_openapi
from bourse.journal.framing import JournalCorruptError
from bourse.journal.recovery import TRADING_CORE, replay_from_scratch, verify_replay

EXIT_OK = 0
EXIT_MISMATCH = 1
EXIT_BROKEN = 2
"""Also argparse's status for a usage error."""

Handler = Callable[[argparse.Namespace], int]


def _print_json(document: dict[str, object]) -> None:
    print(json.dumps(document), flush=True)


# --- bourse replay -------------------------------------------------------------------------------


def _add_replay(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "replay",
        help="rebuild the trading core from a journal directory and print its state hash",
        description=(
            "Rebuild the trading core by replaying the command journal in DIR from scratch and "
            "print one JSON line: commands replayed, state hash, seconds taken. No file in DIR "
            "is changed; an incomplete record at the end of the log (a torn tail) is ignored."
        ),
        epilog=(
            "exit status: 0 replayed (with --verify: both replays agree), 1 the replays differ, "
            "2 the journal is corrupt (the message names the file and byte offset) or cannot "
            "be read"
        ),
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help=(
            "replay twice, from scratch and from the newest snapshot that verifies and "
            "restores, and check that the scratch replay reaches the snapshot's state at its "
            "seq, that both emit byte-identical events for every command after it and end in "
            'the same state hash; the JSON line then reports both hashes and "verified"'
        ),
    )
    parser.add_argument(
        "directory",
        metavar="DIR",
        type=Path,
        help="journal directory (holds core.json, commands.log and snapshots/)",
    )
    parser.set_defaults(handler=_replay)


def _replay(args: argparse.Namespace) -> int:
    directory: Path = args.directory
    started = time.perf_counter()
    try:
        if not args.verify:
            core = replay_from_scratch(directory)
            _print_json(
                {
                    "commands": core.command_seq,
                    "state_hash": core.state_hash(),
                    "seconds": round(time.perf_counter() - started, 3),
                }
            )
            return EXIT_OK
        report = verify_replay(directory, TRADING_CORE)
    except JournalCorruptError as exc:
        print(f"bourse replay: corrupt journal: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    except OSError as exc:
        print(f"bourse replay: cannot read journal {directory}: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    document: dict[str, object] = {
        "verified": report.verified,
        "commands": report.commands,
        "snapshot_seq": report.snapshot_seq,
        "state_hash_scratch": report.state_hash_scratch,
        "state_hash_snapshot": report.state_hash_snapshot,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if not report.verified:
        document["snapshot_state_matches"] = report.snapshot_state_matches
        document["first_divergent_seq"] = report.first_divergent_seq
    _print_json(document)
    return EXIT_OK if report.verified else EXIT_MISMATCH


# --- the command -------------------------------------------------------------------------------

_SUBCOMMANDS = (
    _add_replay,
    *platform_commands.SUBCOMMANDS,
    *ledger_commands.SUBCOMMANDS,
    cli_sim.add_sim,
    add_openapi,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bourse",
        description="Bourse: a self-hostable stock exchange and brokerage platform.",
        epilog="Run 'bourse COMMAND --help' for the options of a command.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for add in _SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

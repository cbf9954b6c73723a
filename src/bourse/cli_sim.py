"""``bourse sim``: drive a remote Bourse over its public API with the simulator's agents."""

import argparse
import asyncio
import json
import sys

from bourse.cli_platform import SubParsers


def _sim(args: argparse.Namespace) -> int:
    import httpx

    from bourse.sim.config import SimConfig
    from bourse.sim.remote import RemoteSimulation

    config = SimConfig(seed=args.seed, order_rate=args.rate, u_shape=False)
    simulation = RemoteSimulation(
        args.url, config, tick_seconds=args.tick, max_instruments=args.instruments
    )
    try:
        report = asyncio.run(simulation.run(args.seconds))
    except httpx.HTTPError as exc:
        print(f"bourse sim: {args.url}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        report = simulation.report.summary(0)
    print(json.dumps(report), flush=True)
    return 0


def add_sim(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "sim",
        help="drive a remote Bourse over its public API with simulated traders",
        description=(
            "Sign up the simulator's agents as users of the Bourse at --url (development mode: "
            "they fund themselves with POST /api/v1/funds/deposit), list its instruments and "
            "trade them over the public API for --seconds: market makers quoting both sides, "
            "noise, momentum and mean-reversion traders (MIS orders). Prints one JSON line of "
            "figures at the end. The server's per-user rate limit must allow the rate."
        ),
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the Bourse to drive")
    parser.add_argument(
        "--rate", type=float, default=20.0, help="taker orders per second (makers add more)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to trade")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the agents")
    parser.add_argument("--tick", type=float, default=0.1, help="seconds between steps")
    parser.add_argument(
        "--instruments", type=int, default=20, help="trade the first N listed instruments"
    )
    parser.set_defaults(handler=_sim)

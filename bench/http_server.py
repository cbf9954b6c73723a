"""The server side of ``http_orders``: a real Bourse platform, seeded for the benchmark.

Run as a child process by ``http_orders.py``: it pins itself to one CPU, builds the platform
(SQLite, journal with fsync group commit, in a temporary directory), lists one instrument, posts
a deep resting ask, signs up the benchmark users and writes their access tokens as JSON to the
file named on the command line, then serves with uvicorn (httptools, uvloop). It also serves
``GET /bench/bare``: the same framework and envelope with no work behind it, the baseline.

The SQL projections (ledger, candles) run as the platform runs them by default, in a projector
process of their own (``BOURSE_PROJECTIONS=process``). That process and its forkserver are moved
to the CPU named by the fifth argument (the load generator's), so the server's CPU holds the
order path alone; ``http_orders.py`` reports the projector's CPU separately, and asks
``GET /bench/projected`` how far the projections have got. With the fifth
argument ``thread`` the projections run in the server instead (``--projections thread``).
"""

import json
import sys
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench_platform import bench_settings, move_projector, serve
from bourse.api.envelope import success
from bourse.api.statement_routes import STATEMENTS_SERVICE
from bourse.app import Platform, create_platform
from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from bourse.ledger.service import LedgerReader
from bourse.sim.instruments import starter_instruments
from timing import pin_to_cpu

MAKER = 1_000_000_000_002
ASK_LOTS = 50
ASK_LOT = 100_000
UNLIMITED = cmd.AccountLimits(
    max_open_orders=1_000_000, max_order_value=10**15, max_orders_per_second=1_000_000
)


def seed(platform: Platform, users: int, tokens_path: Path) -> None:
    instrument = next(i for i in starter_instruments() if i.tradingsymbol == "INFY")
    price = instrument.reference_price
    commands: list[cmd.Command] = [
        cmd.ListInstrument(instrument=instrument),
        cmd.OpenAccount(account=MAKER, limits=UNLIMITED),
        cmd.DepositHoldings(account=MAKER, token=instrument.token, quantity=ASK_LOTS * ASK_LOT),
    ]
    commands += [
        cmd.PlaceOrder(
            account=MAKER,
            token=instrument.token,
            side=Side.SELL,
            order_type=OrderType.LIMIT,
            product=Product.CNC,
            quantity=ASK_LOT,
            price=price,
        )
        for _ in range(ASK_LOTS)
    ]
    identity = platform.gateway.identity
    tokens = []
    for n in range(users):
        user = identity.sign_up(f"bench{n}@bourse.local", "bench-password-2026")
        tokens.append(identity.login(user.email, "bench-password-2026").access_token)
        commands.append(cmd.OpenAccount(account=user.account_id, limits=UNLIMITED))
        commands.append(cmd.Deposit(account=user.account_id, amount=10**11))
    platform.trading.submit_many(commands).result()
    tokens_path.write_text(json.dumps({"tokens": tokens, "price_rupees": f"{price / 100:.2f}"}))


async def bare(request: Request) -> Response:
    return success({"order_id": "0"})


def projected_route(platform: Platform) -> Route:
    """``GET /bench/projected``: the seq of the last event the server applied, and the seq
    the SQL projections have committed up to (the load generator waits for them to meet)."""
    reader = platform.gateway.services[STATEMENTS_SERVICE]
    assert isinstance(reader, LedgerReader)

    async def projected(request: Request) -> Response:
        published = platform.trading_side.models.orders.last_seq
        return success({"published": published, "applied": reader.runner.applied_seq})

    return Route("/bench/projected", projected, methods=["GET"])


def main() -> None:
    port, users, tokens_path = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    cpu = int(sys.argv[4]) if len(sys.argv) > 4 else None
    projector_cpu = sys.argv[5] if len(sys.argv) > 5 else "thread"
    if cpu is not None:
        pin_to_cpu(cpu)
    placement = "thread" if projector_cpu == "thread" else "process"
    with tempfile.TemporaryDirectory(prefix="bourse-bench-http-") as directory:
        settings = bench_settings(directory, port, projections=placement)
        platform = create_platform(settings, hooks=[lambda p: seed(p, users, tokens_path)])
        if placement == "process":
            move_projector(int(projector_cpu))
        platform.app.router.routes.insert(0, Route("/bench/bare", bare, methods=["GET"]))
        platform.app.router.routes.insert(0, projected_route(platform))
        serve(platform.app, port)


if __name__ == "__main__":
    main()

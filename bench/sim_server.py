"""The server side of ``sim_load``: a real Bourse platform with the simulator trading in it.

Run as a child process by ``sim_load.py``: it builds the platform (SQLite, journal with fsync
group commit, in a temporary directory), lists the shipped NSE universe, opens a funded human
account and, unless the rate is 0, starts the live simulator at that taker-order rate. It writes
the human's access token as JSON to the file named on the command line and serves with uvicorn;
``GET /bench/sim`` answers the simulator's counters (commands sent, orders placed, monotonic time).
"""

import json
import sys
import tempfile
import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench_platform import bench_settings, serve
from bourse.app import Platform, create_platform
from bourse.domain import commands as cmd
from bourse.sim.config import SimConfig
from bourse.sim.live import LiveSimulator
from bourse.sim.master import nse_equities
from bourse.sim.seed import seed_demo

HUMAN_LIMITS = cmd.AccountLimits(
    max_open_orders=100_000, max_order_value=10**13, max_orders_per_second=100_000
)


class Counters:
    live: LiveSimulator | None = None

    async def answer(self, request: Request) -> Response:
        live = self.live
        return JSONResponse(
            {
                "commands": live.commands_sent if live else 0,
                "placed": live.orders_placed if live else 0,
                "rejected": live.simulator.desk.rejections if live and live.simulator else 0,
                "monotonic": time.monotonic(),
            }
        )


def main() -> None:
    port, rate, tokens_path = int(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])
    counters = Counters()
    equities = nse_equities()

    def seed(platform: Platform) -> None:
        credentials = seed_demo(platform, [e.instrument for e in equities])
        account = credentials.account_id
        platform.trading.submit_many(
            [
                cmd.SetAccountLimits(account=account, limits=HUMAN_LIMITS),
                cmd.Deposit(account=account, amount=10**11, reference="bench"),
            ]
        ).result()
        if rate > 0:
            live = LiveSimulator(
                platform.trading,
                SimConfig(order_rate=rate, u_shape=False),
                {e.instrument.tradingsymbol: e.sector for e in equities},
            )
            live.start()
            platform.on_close.append(live.stop)
            counters.live = live
        token = platform.gateway.identity.login(credentials.email, credentials.password)
        tokens_path.write_text(json.dumps({"token": token.access_token}))

    with tempfile.TemporaryDirectory(prefix="bourse-bench-sim-") as directory:
        settings = bench_settings(directory, port)
        platform = create_platform(settings, hooks=[seed])
        platform.app.router.routes.insert(0, Route("/bench/sim", counters.answer, methods=["GET"]))
        serve(platform.app, port)


if __name__ == "__main__":
    main()

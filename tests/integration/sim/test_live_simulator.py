"""The live driver against a real journaled core (file journal, group commit, fsync)."""

import time
from pathlib import Path

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.journal.group_commit import JournaledCore
from bourse.sim.config import SimConfig
from bourse.sim.instruments import starter_instruments
from bourse.sim.live import LiveSimulator
from bourse.sim.market import agent_accounts

CONFIG = SimConfig(seed=5, order_rate=40.0, u_shape=False)
DEADLINE_SECONDS = 30


def _traded_everywhere(core: TradingCore) -> bool:
    return all(
        state.last_price != state.instrument.reference_price for state in core.instruments.values()
    )


def _agent_orders(core: TradingCore) -> set[int]:
    makers, takers = agent_accounts(CONFIG)
    agents = {*makers, *takers}
    return {order_id for order_id, order in core.orders.items() if order.account in agents}


def test_live_simulator_trades_through_the_journal_and_a_restart_clears_old_quotes(
    tmp_path: Path,
) -> None:
    with JournaledCore.open(tmp_path / "journal") as trading:
        trading.submit_many(
            [cmd.ListInstrument(instrument=i) for i in starter_instruments()]
        ).result()
        live = LiveSimulator(trading, CONFIG)
        live.start()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not trading.query(_traded_everywhere).result() and time.monotonic() < deadline:
            time.sleep(0.1)
        live.stop()
        traded = trading.query(_traded_everywhere).result()
        left_working = trading.query(_agent_orders).result()

    with JournaledCore.open(tmp_path / "journal") as trading:
        again = LiveSimulator(trading, CONFIG)
        again.start()
        again.stop()
        after_restart = trading.query(_agent_orders).result()
        rejected = again.simulator.desk.rejections if again.simulator else -1

    assert traded
    assert live.commands_sent > 0 and left_working
    assert not after_restart & left_working  # the old run's quotes were cancelled
    assert rejected == 0

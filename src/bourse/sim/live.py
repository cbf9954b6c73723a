"""The live driver: the simulator trading in the running platform, through the journal.

A daemon thread wakes every ``tick_seconds`` (wall clock), advances the simulator by the time
that passed, and sends the step's commands in groups with `JournaledCore.submit_many` (one
hand-over and one fsync share per group of up to 64 commands), waiting for each group to be
durable before the next, which keeps the simulator from running ahead of the journal and lets
people's orders in between groups. It listens to every durable event (the agents learn of fills
caused by people's orders too). The serving event loop is never touched: the thread only meets
it in the core.

On start it opens and funds the agent accounts that do not exist yet and cancels whatever the
agents left working in an earlier run (they remember nothing across restarts).
"""

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain.events import Event
from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, OrderId, Paise
from bourse.journal.file_log import JournalFailedError
from bourse.journal.group_commit import JournalClosedError, JournaledCore
from bourse.sim.config import SimConfig
from bourse.sim.market import MarketSimulator, agent_accounts

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.05
GROUP_SIZE = 64
"""A step is sent in groups of at most this many commands, each made durable before the next
is sent, so a person's order waits behind one small group at most, never a whole step."""
MAX_STEP_SECONDS = 0.5
"""After a stall (a slow fsync, a paused process) the simulator catches up this much at most."""


@dataclass(frozen=True)
class _Existing:
    instruments: list[Instrument]
    last_prices: list[Paise]
    accounts: set[AccountId]
    working: list[tuple[AccountId, OrderId]]


class LiveSimulator:
    def __init__(
        self,
        trading: JournaledCore[TradingCore],
        config: SimConfig,
        sectors: dict[str, str] | None = None,
        *,
        tick_seconds: float = TICK_SECONDS,
    ) -> None:
        self._trading = trading
        self._config = config
        self._sectors = sectors or {}
        self._tick = tick_seconds
        self._inbox: deque[list[Event]] = deque()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.simulator: MarketSimulator | None = None
        self.commands_sent = 0
        """Commands the agents sent since `start` (places and cancels)."""
        self.orders_placed = 0
        self.steps = 0

    def start(self) -> None:
        """Set the agents up (synchronously) and start trading in a daemon thread."""
        makers, takers = agent_accounts(self._config)
        agents = {*makers, *takers}
        existing = self._trading.query(lambda core: _existing(core, agents)).result()
        if not existing.instruments:
            raise RuntimeError("the simulator needs listed instruments; none are listed")
        sectors = [self._sectors.get(i.tradingsymbol, "") for i in existing.instruments]
        simulator = MarketSimulator(
            self._config, existing.instruments, sectors, start_prices=existing.last_prices
        )
        self.simulator = simulator
        commands: list[cmd.Command] = [
            cmd.CancelOrder(account=account, order_id=order_id)
            for account, order_id in existing.working
        ]
        commands += simulator.setup_commands(existing.accounts)
        self._trading.add_durable_listener(self._listen)
        if commands:
            self._trading.submit_many(commands).result()
        self._thread = threading.Thread(target=self._run, name="bourse-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._inbox.clear()

    def _listen(self, events: list[Event]) -> None:
        if not self._stopping.is_set():
            self._inbox.append(events)

    def _drain(self, simulator: MarketSimulator) -> None:
        inbox = self._inbox
        while inbox:
            simulator.apply(inbox.popleft())

    def _run(self) -> None:
        simulator = self.simulator
        assert simulator is not None
        last = time.monotonic()
        deadline = last
        try:
            while not self._stopping.is_set():
                now = time.monotonic()
                dt = min(now - last, MAX_STEP_SECONDS)
                last = now
                self._drain(simulator)
                commands = simulator.step(dt) if dt > 0 else []
                for start in range(0, len(commands), GROUP_SIZE):
                    group = commands[start : start + GROUP_SIZE]
                    self._trading.submit_many(group).result()
                    self.commands_sent += len(group)
                    self.orders_placed += sum(type(c) is cmd.PlaceOrder for c in group)
                self.steps += 1
                self._drain(simulator)
                deadline = max(deadline + self._tick, time.monotonic() - self._tick)
                self._stopping.wait(max(0.0, deadline - time.monotonic()))
        except (JournalClosedError, JournalFailedError):
            logger.info("the simulator stopped: the journal is closed")
        except Exception:
            logger.exception("the simulator failed and stopped")


def _existing(core: TradingCore, agents: set[AccountId]) -> _Existing:
    return _Existing(
        instruments=[state.instrument for state in core.instruments.values()],
        last_prices=[state.last_price for state in core.instruments.values()],
        accounts={account for account in core.accounts if account in agents},
        working=[
            (o.account, order_id) for order_id, o in core.orders.items() if o.account in agents
        ],
    )

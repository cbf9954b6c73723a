"""The market simulator: fair values, market makers and takers, stepped by a clock it is given.

`MarketSimulator` never applies anything itself. Each `step` returns the commands its agents
want to send (cancels before places, makers before takers); whoever drives it (the
deterministic runner over a bare core, the live driver over the journaled core) applies them
and hands every resulting event back through `apply`, which is how agents learn of their fills.
All randomness comes from one `random.Random(config.seed)`, so the same configuration, universe
and event stream give the same commands.
"""

import random
from collections.abc import Collection, Sequence

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, Paise
from bourse.sim.activity import intraday_activity
from bourse.sim.config import SimConfig
from bourse.sim.fair_value import FairValues
from bourse.sim.makers import MarketMaker
from bourse.sim.orders import Agent, OrderDesk
from bourse.sim.takers import Takers

SIM_ACCOUNT_BASE = 1_000_000_100_000
"""Simulator accounts live far above user ids, next to the house accounts."""
AGENT_LIMITS = cmd.AccountLimits(
    max_open_orders=10_000_000, max_order_value=10**15, max_orders_per_second=10**9
)
AGENT_CASH: Paise = 10**14
HOLDING_VALUE: Paise = 50 * 10**9
"""Each agent starts with about Rs 50 crore of every instrument (enough to sell for days)."""


def agent_accounts(
    config: SimConfig, base: AccountId = SIM_ACCOUNT_BASE
) -> tuple[list[AccountId], list[AccountId]]:
    """The makers' and the takers' account ids (noise traders, momentum, mean reversion)."""
    makers = [base + n for n in range(len(config.makers))]
    takers = [base + 100 + n for n in range(config.noise_accounts + 2)]
    return makers, takers


class MarketSimulator:
    def __init__(
        self,
        config: SimConfig,
        instruments: Sequence[Instrument],
        sectors: Sequence[str] | None = None,
        *,
        account_base: AccountId = SIM_ACCOUNT_BASE,
        start_prices: Sequence[Paise] | None = None,
    ) -> None:
        """``start_prices``: where the fair values start (default: the previous closes; the
        live driver passes the last prices, so a restart resumes the market where it was)."""
        problems = config.problems()
        if problems:
            raise ValueError("invalid simulator configuration: " + "; ".join(problems))
        if not instruments:
            raise ValueError("the simulator needs at least one listed instrument")
        self.config = config
        self.instruments = list(instruments)
        self.rng = random.Random(config.seed)
        sector_names = list(sectors) if sectors is not None else ["" for _ in instruments]
        self.fair = FairValues(self.instruments, sector_names, config, self.rng, start_prices)
        self.desk = OrderDesk([i.token for i in self.instruments], self.observe_trade)
        maker_accounts, taker_accounts = agent_accounts(config, account_base)
        self.makers = [
            MarketMaker(account, maker, self.instruments, self.desk)
            for account, maker in zip(maker_accounts, config.makers, strict=True)
        ]
        self.takers = Takers(config, self.instruments, self.desk, self.rng, taker_accounts)
        if start_prices is not None:
            self.takers.last_price[:] = start_prices
        agents: list[Agent] = [*self.makers, *self.takers.traders]
        for agent in agents:
            self.desk.register(agent)
        self.trades = [0] * len(self.instruments)
        self.volume = [0] * len(self.instruments)
        self.elapsed = 0.0
        self._minutes_recorded = 0
        self._opened = False

    @property
    def accounts(self) -> list[AccountId]:
        return list(self.desk.agents)

    def setup_commands(self, existing_accounts: Collection[AccountId] = ()) -> list[cmd.Command]:
        """Open and fund every agent account that does not exist yet."""
        commands: list[cmd.Command] = []
        for account in self.accounts:
            if account in existing_accounts:
                continue
            commands.append(cmd.OpenAccount(account=account, limits=AGENT_LIMITS))
            commands.append(cmd.Deposit(account=account, amount=AGENT_CASH, reference="sim"))
            commands.extend(
                cmd.DepositHoldings(
                    account=account,
                    token=i.token,
                    quantity=max(i.lot_size, HOLDING_VALUE // i.reference_price),
                    average_price=i.reference_price,
                )
                for i in self.instruments
            )
        return commands

    def step(self, dt: float) -> list[cmd.Command]:
        """Advance the simulated clock by ``dt`` seconds; the agents' commands for this step."""
        config = self.config
        self.elapsed += dt
        t = self.elapsed
        self.fair.advance(t, dt)
        values = self.fair.values
        for maker in self.makers:
            for index in range(len(self.instruments)):
                maker.requote(index, values[index], t)
        for maker in self.makers:
            maker.place_requoted()
        if not self._opened:
            self._opened = True
            self.takers.opening_trades()
        activity = intraday_activity(t, config) if config.u_shape else 1.0
        self.takers.act(dt, activity, self.fair.volatility_factor, values)
        while self._minutes_recorded < int(t // 60):
            self._minutes_recorded += 1
            self.takers.record_minute()
        return self.desk.take_outbox()

    def apply(self, events: Sequence[ev.Event]) -> None:
        """Every event of the market, in stream order (the agents' own and everyone else's)."""
        self.desk.apply(events)

    def observe_trade(self, index: int, buyer_aggressed: bool, quantity: int, price: Paise) -> None:
        """A trade in the market (last price, volume, impact on the fair value)."""
        self.trades[index] += 1
        self.volume[index] += quantity
        self.takers.last_price[index] = price
        notional = price * quantity
        self.fair.push(index, notional if buyer_aggressed else -notional)

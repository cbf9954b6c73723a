"""The deterministic runner: the simulator over a bare `TradingCore` with a simulated clock.

No journal, no threads, no wall clock: every command of a step is applied with the step's
simulated time, and its events go straight back to the simulator. The same configuration gives
the same event stream, byte for byte (`SimulatedMarket.event_digest`). Tests and the stylized
facts use it; it is also the quickest way to watch the agents.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import msgspec

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.instrument import Instrument
from bourse.sim.config import SimConfig
from bourse.sim.market import MarketSimulator

NS_PER_SECOND = 1_000_000_000
SESSION_OPEN_NS = 1_767_584_700 * NS_PER_SECOND
"""2026-01-05 09:15 IST (a Monday), in UTC nanoseconds."""

StepObserver = Callable[["SimulatedMarket"], None]


@dataclass
class SimulatedMarket:
    """A bare core and the simulator feeding it."""

    simulator: MarketSimulator
    core: TradingCore
    now_ns: int = SESSION_OPEN_NS
    commands: int = 0
    events: int = 0
    _digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)
    _encoder: msgspec.msgpack.Encoder = field(default_factory=msgspec.msgpack.Encoder)

    @classmethod
    def open(
        cls,
        config: SimConfig,
        instruments: Sequence[Instrument],
        sectors: Sequence[str] | None = None,
        core_config: CoreConfig | None = None,
    ) -> "SimulatedMarket":
        market = cls(MarketSimulator(config, instruments, sectors), TradingCore(core_config))
        listing: list[cmd.Command] = [cmd.ListInstrument(instrument=i) for i in instruments]
        market.apply(listing + market.simulator.setup_commands())
        return market

    @property
    def event_digest(self) -> str:
        """SHA-256 over every event so far, encoded: equal digests mean equal streams."""
        return self._digest.hexdigest()

    def apply(self, commands: Sequence[cmd.Command]) -> list[ev.Event]:
        core, simulator, encode = self.core, self.simulator, self._encoder.encode
        update = self._digest.update
        produced: list[ev.Event] = []
        for command in commands:
            events = core.apply(command, self.now_ns)
            simulator.apply(events)
            for event in events:
                update(encode(event))
            produced.extend(events)
        self.commands += len(commands)
        self.events += len(produced)
        return produced

    def run(self, seconds: float, observe: StepObserver | None = None) -> None:
        """Simulate ``seconds`` of trading in steps of ``config.step_seconds``."""
        dt = self.simulator.config.step_seconds
        steps = round(seconds / dt)
        for _ in range(steps):
            self.now_ns += round(dt * NS_PER_SECOND)
            self.apply(self.simulator.step(dt))
            if observe is not None:
                observe(self)

"""A real core with one instrument and funded accounts, for the non-stateful properties."""

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.instrument import Instrument, Segment, make_instrument_token

TOKEN = make_instrument_token(7, Segment.NSE)
TICK = 5
REFERENCE_PRICE = 100_00
LOWER, UPPER = 80_00, 120_00
"""The default 20 % circuit band around the reference price."""
START_NS = 1_767_225_600_000_000_000


class OneInstrument:
    """A core with one instrument and funded accounts; every command is 1 ms after the last."""

    def __init__(self, accounts: range, *, cash: int, shares: int, charges: str) -> None:
        self.core = TradingCore(CoreConfig(charge_schedule=charges))
        self.ts = START_NS
        self.last_price = REFERENCE_PRICE
        self.apply(
            cmd.ListInstrument(
                instrument=Instrument(
                    token=TOKEN,
                    exchange="NSE",
                    tradingsymbol="BUSY",
                    reference_price=REFERENCE_PRICE,
                )
            )
        )
        for account in accounts:
            self.apply(cmd.OpenAccount(account=account))
            self.apply(cmd.Deposit(account=account, amount=cash))
            if shares:
                self.apply(cmd.DepositHoldings(account=account, token=TOKEN, quantity=shares))

    def apply(self, command: cmd.Command) -> list[ev.Event]:
        self.ts += 1_000_000
        events = self.core.apply(command, self.ts)
        for e in events:
            if isinstance(e, ev.TradeExecuted):
                self.last_price = e.price
        return events

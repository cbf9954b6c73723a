"""Demo seeding for `bourse run`: the instrument universe and a funded demo user.

Idempotent: it reads the core first and only issues what is missing, so restarting `bourse run`
on the same data directory changes nothing. Everything goes through the journal like any other
command. The market itself (two-sided books, trades) comes from the simulator's agents
(`bourse.sim.live`), which `bourse run` starts right after seeding.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from bourse.app import Platform
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain.instrument import Instrument
from bourse.identity.errors import EmailAlreadyRegisteredError
from bourse.sim.instruments import starter_instruments

DEMO_EMAIL = "demo@bourse.local"
DEMO_PASSWORD = "bourse-demo-2026"
DEMO_CASH = 10_00_000_00  # Rs 10,00,000 in paise
DEMO_HOLDINGS = {"RELIANCE": 10, "INFY": 25, "TCS": 5}


@dataclass(frozen=True)
class DemoCredentials:
    email: str
    password: str
    account_id: int


def _seeded(core: TradingCore) -> tuple[set[int], set[int]]:
    return set(core.instruments), set(core.accounts)


def seed_demo(
    platform: Platform, instruments: Sequence[Instrument] | None = None
) -> DemoCredentials:
    """List ``instruments`` (default: the ten starters) and sign up and fund the demo user."""
    identity = platform.gateway.identity
    try:
        user_id = identity.sign_up(DEMO_EMAIL, DEMO_PASSWORD).account_id
    except EmailAlreadyRegisteredError:
        user_id = identity.login(DEMO_EMAIL, DEMO_PASSWORD).user_id
    trading = platform.trading
    listed, accounts = trading.query(_seeded).result()

    universe = list(instruments) if instruments is not None else starter_instruments()
    by_symbol = {instrument.tradingsymbol: instrument for instrument in universe}
    commands: list[cmd.Command] = [
        cmd.ListInstrument(instrument=instrument)
        for instrument in universe
        if instrument.token not in listed
    ]
    if user_id not in accounts:
        commands.append(cmd.OpenAccount(account=user_id))
        commands.append(cmd.Deposit(account=user_id, amount=DEMO_CASH, reference="demo-seed"))
        for symbol, quantity in DEMO_HOLDINGS.items():
            instrument = by_symbol.get(symbol)
            if instrument is None:
                continue
            commands.append(
                cmd.DepositHoldings(
                    account=user_id,
                    token=instrument.token,
                    quantity=quantity,
                    average_price=instrument.reference_price,
                )
            )
    if commands:
        trading.submit_many(commands).result()
    return DemoCredentials(DEMO_EMAIL, DEMO_PASSWORD, user_id)

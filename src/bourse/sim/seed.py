"""Demo seeding for `bourse run`: instruments, a funded demo user and a resting quote ladder.

Idempotent: it reads the core first and only issues what is missing, so restarting `bourse run`
on the same data directory changes nothing. Everything goes through the journal like any other
command. Until the simulator arrives (issue 6) the market is a static two-sided ladder posted by
a house liquidity account, enough for a MARKET order to fill.
"""

from dataclasses import dataclass

from bourse.app import Platform
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from bourse.identity.errors import EmailAlreadyRegisteredError
from bourse.sim.instruments import starter_instruments

DEMO_EMAIL = "demo@bourse.local"
DEMO_PASSWORD = "bourse-demo-2026"
DEMO_CASH = 10_00_000_00  # Rs 10,00,000 in paise
DEMO_HOLDINGS = {"RELIANCE": 10, "INFY": 25, "TCS": 5}

HOUSE_ACCOUNT = 1_000_000_000_001
"""House accounts live far above user ids (which are the identity database's user ids)."""
HOUSE_LIMITS = cmd.AccountLimits(
    max_open_orders=1_000_000, max_order_value=10**15, max_orders_per_second=1_000_000
)
LADDER_LEVELS = 5
LADDER_QUANTITY = 100


@dataclass(frozen=True)
class DemoCredentials:
    email: str
    password: str
    account_id: int


def _ladder(core_tokens: list[tuple[int, int, int]]) -> list[cmd.Command]:
    """Bids below and asks above each reference price, about 0.05 % apart."""
    orders: list[cmd.Command] = []
    for token, reference, tick in core_tokens:
        step = max(tick, reference * 5 // 10_000 // tick * tick)
        for level in range(1, LADDER_LEVELS + 1):
            for side, price in (
                (Side.BUY, reference - level * step),
                (Side.SELL, reference + level * step),
            ):
                orders.append(
                    cmd.PlaceOrder(
                        account=HOUSE_ACCOUNT,
                        token=token,
                        side=side,
                        order_type=OrderType.LIMIT,
                        product=Product.CNC,
                        quantity=LADDER_QUANTITY,
                        price=price,
                        tag="house-ladder",
                    )
                )
    return orders


def _seeded(core: TradingCore) -> tuple[set[int], set[int], bool]:
    house = core.accounts.get(HOUSE_ACCOUNT)
    return (
        set(core.instruments),
        set(core.accounts),
        house is not None and house.open_orders > 0,
    )


def seed_demo(platform: Platform) -> DemoCredentials:
    identity = platform.gateway.identity
    try:
        user_id = identity.sign_up(DEMO_EMAIL, DEMO_PASSWORD).account_id
    except EmailAlreadyRegisteredError:
        user_id = identity.login(DEMO_EMAIL, DEMO_PASSWORD).user_id
    trading = platform.trading
    listed, accounts, ladder_rests = trading.query(_seeded).result()

    instruments = starter_instruments()
    by_symbol = {instrument.tradingsymbol: instrument for instrument in instruments}
    commands: list[cmd.Command] = [
        cmd.ListInstrument(instrument=instrument)
        for instrument in instruments
        if instrument.token not in listed
    ]
    if user_id not in accounts:
        commands.append(cmd.OpenAccount(account=user_id))
        commands.append(cmd.Deposit(account=user_id, amount=DEMO_CASH, reference="demo-seed"))
        for symbol, quantity in DEMO_HOLDINGS.items():
            instrument = by_symbol[symbol]
            commands.append(
                cmd.DepositHoldings(
                    account=user_id,
                    token=instrument.token,
                    quantity=quantity,
                    average_price=instrument.reference_price,
                )
            )
    if HOUSE_ACCOUNT not in accounts:
        commands.append(cmd.OpenAccount(account=HOUSE_ACCOUNT, limits=HOUSE_LIMITS))
        commands.append(cmd.Deposit(account=HOUSE_ACCOUNT, amount=10**13, reference="house"))
        commands.extend(
            cmd.DepositHoldings(account=HOUSE_ACCOUNT, token=i.token, quantity=10_000_000)
            for i in instruments
        )
    if not ladder_rests:
        commands.extend(_ladder([(i.token, i.reference_price, i.tick_size) for i in instruments]))
    if commands:
        trading.submit_many(commands).result()
    return DemoCredentials(DEMO_EMAIL, DEMO_PASSWORD, user_id)

"""A seeded, mixed stream of trading commands for journal tests (not a test module).

Every PlaceOrder carries a unique ``client_order_id`` and every Deposit/Withdraw a unique
``reference``, so a test can tell whether a command reached the journal, and whether twice.
"""

import random

from bourse.domain.commands import (
    AccountLimits,
    CancelOrder,
    Command,
    Deposit,
    DepositHoldings,
    ListInstrument,
    ModifyOrder,
    OpenAccount,
    PlaceOrder,
    Withdraw,
)
from bourse.domain.enums import OrderType, Product, Side, Validity
from bourse.domain.instrument import Instrument, Segment, make_instrument_token

INSTRUMENTS = (
    Instrument(
        token=make_instrument_token(1, Segment.NSE),
        exchange="NSE",
        tradingsymbol="INFY",
        reference_price=150_000,
    ),
    Instrument(
        token=make_instrument_token(2, Segment.NSE),
        exchange="NSE",
        tradingsymbol="TCS",
        reference_price=25_000,
    ),
    Instrument(
        token=make_instrument_token(3, Segment.BSE),
        exchange="BSE",
        tradingsymbol="SBIN",
        reference_price=80_000,
    ),
)
ACCOUNTS = tuple(range(1, 9))
# Generous limits: the tests stamp thousands of commands a second and want them to trade.
LIMITS = AccountLimits(max_open_orders=100_000, max_orders_per_second=1_000_000)


def setup_commands() -> list[Command]:
    """List the instruments, open the accounts and fund them with cash and shares."""
    commands: list[Command] = [ListInstrument(instrument=i) for i in INSTRUMENTS]
    for account in ACCOUNTS:
        commands.append(OpenAccount(account=account, limits=LIMITS))
        commands.append(Deposit(account=account, amount=10**10, reference=f"setup-{account}"))
        commands.extend(
            DepositHoldings(account=account, token=i.token, quantity=5_000, average_price=1_000)
            for i in INSTRUMENTS
        )
    return commands


def command_key(command: Command) -> str | None:
    """The unique id a workload command carries, if any."""
    if isinstance(command, PlaceOrder):
        return command.client_order_id or None
    if isinstance(command, Deposit | Withdraw):
        return command.reference or None
    return None


class Workload:
    """Mixed commands after `setup_commands`; ids are ``<prefix>o<n>`` and ``<prefix>d<n>``."""

    def __init__(self, seed: int, prefix: str = "") -> None:
        self._random = random.Random(seed)
        self._prefix = prefix
        self._count = 0
        self._orders_placed = 0

    def commands(self, count: int) -> list[Command]:
        return [self.next_command() for _ in range(count)]

    def next_command(self) -> Command:
        rng = self._random
        self._count += 1
        account = rng.choice(ACCOUNTS)
        instrument = rng.choice(INSTRUMENTS)
        roll = rng.random()
        if roll < 0.55:
            return self._place(account, instrument, OrderType.LIMIT)
        if roll < 0.70:
            return self._place(account, instrument, OrderType.MARKET)
        if roll < 0.85:
            return CancelOrder(account=account, order_id=self._some_order_id())
        if roll < 0.89:
            return ModifyOrder(
                account=account,
                order_id=self._some_order_id(),
                price=self._limit_price(instrument),
            )
        if roll < 0.95:
            amount = rng.randint(1, 1_000) * 100
            return Deposit(account=account, amount=amount, reference=self._id("d"))
        if roll < 0.97:
            return Withdraw(
                account=account, amount=rng.randint(1, 100) * 100, reference=self._id("d")
            )
        return DepositHoldings(account=account, token=instrument.token, quantity=rng.randint(1, 50))

    def _place(self, account: int, instrument: Instrument, order_type: OrderType) -> PlaceOrder:
        rng = self._random
        self._orders_placed += 1
        return PlaceOrder(
            account=account,
            token=instrument.token,
            side=rng.choice((Side.BUY, Side.SELL)),
            order_type=order_type,
            product=Product.CNC,
            quantity=rng.randint(1, 40),
            price=self._limit_price(instrument) if order_type is OrderType.LIMIT else 0,
            validity=Validity.IOC if rng.random() < 0.1 else Validity.DAY,
            client_order_id=self._id("o"),
        )

    def _limit_price(self, instrument: Instrument) -> int:
        ticks = self._random.randint(-40, 40)
        return instrument.reference_price + ticks * instrument.tick_size * 20

    def _some_order_id(self) -> int:
        # Mostly recent orders, which are the ones likely still working.
        return self._random.randint(max(1, self._orders_placed - 30), max(1, self._orders_placed))

    def _id(self, kind: str) -> str:
        return f"{self._prefix}{kind}{self._count}"

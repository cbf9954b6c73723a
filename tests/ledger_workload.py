"""A seeded stream of everything that moves money or shares, for ledger tests (not a test
module): deposits, delivery and intraday orders, modifications, cancellations, immediate and
gateway withdrawals (requested, paid or reversed), demat transfers, T+1 settlement, the MIS
square-off and the session close, on the real charge schedule."""

import random

from bourse.core.config import CoreConfig
from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side, Validity
from bourse.domain.instrument import Instrument, Segment, make_instrument_token

CONFIG = CoreConfig()  # the real NSE equity schedule, leverage 5
INSTRUMENTS = (
    Instrument(
        token=make_instrument_token(1, Segment.NSE),
        exchange="NSE",
        tradingsymbol="INFY",
        reference_price=1_500_00,
    ),
    Instrument(
        token=make_instrument_token(2, Segment.NSE),
        exchange="NSE",
        tradingsymbol="TCS",
        reference_price=250_00,
    ),
)
ACCOUNTS = tuple(range(1, 7))
LIMITS = cmd.AccountLimits(max_open_orders=100_000, max_orders_per_second=1_000_000)


def setup_commands() -> list[cmd.Command]:
    commands: list[cmd.Command] = [cmd.ListInstrument(instrument=i) for i in INSTRUMENTS]
    for account in ACCOUNTS:
        commands.append(cmd.OpenAccount(account=account, limits=LIMITS))
        commands.append(cmd.Deposit(account=account, amount=50_000_00, reference=f"s{account}"))
        commands.extend(
            cmd.DepositHoldings(account=account, token=i.token, quantity=200, average_price=100_00)
            for i in INSTRUMENTS
        )
    return commands


class LedgerWorkload:
    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._count = 0
        self._orders = 0
        self._payouts: list[tuple[int, str]] = []

    def commands(self, count: int) -> list[cmd.Command]:
        return [self.next_command() for _ in range(count)]

    def next_command(self) -> cmd.Command:
        rng = self._random
        self._count += 1
        account = rng.choice(ACCOUNTS)
        instrument = rng.choice(INSTRUMENTS)
        roll = rng.random()
        if roll < 0.60:
            return self._place(account, instrument)
        if roll < 0.72:
            return cmd.CancelOrder(account=account, order_id=self._some_order())
        if roll < 0.76:
            return cmd.ModifyOrder(
                account=account, order_id=self._some_order(), price=self._price(instrument)
            )
        if roll < 0.82:
            amount = rng.randint(1, 5_000) * 100
            return cmd.Deposit(account=account, amount=amount, reference=f"d{self._count}")
        if roll < 0.84:
            return cmd.Withdraw(account=account, amount=rng.randint(1, 500) * 100)
        if roll < 0.89:
            reference = f"w{self._count}"
            self._payouts.append((account, reference))
            return cmd.RequestWithdrawal(
                account=account, amount=rng.randint(1, 2_000) * 100, reference=reference
            )
        if roll < 0.93 and self._payouts:
            payout_account, reference = self._payouts.pop(rng.randrange(len(self._payouts)))
            if rng.random() < 0.7:
                return cmd.CompleteWithdrawal(account=payout_account, reference=reference)
            return cmd.ReverseWithdrawal(account=payout_account, reference=reference, reason="x")
        if roll < 0.95:
            return cmd.DepositHoldings(
                account=account, token=instrument.token, quantity=rng.randint(1, 20)
            )
        if roll < 0.97:
            return cmd.SettleTrades()
        if roll < 0.985:
            return cmd.SquareOffIntraday()
        return cmd.CloseSession()

    def _place(self, account: int, instrument: Instrument) -> cmd.PlaceOrder:
        rng = self._random
        self._orders += 1
        market = rng.random() < 0.2
        return cmd.PlaceOrder(
            account=account,
            token=instrument.token,
            side=rng.choice((Side.BUY, Side.SELL)),
            order_type=OrderType.MARKET if market else OrderType.LIMIT,
            product=rng.choice((Product.CNC, Product.CNC, Product.MIS, Product.NRML)),
            quantity=rng.randint(1, 30),
            price=0 if market else self._price(instrument),
            validity=Validity.IOC if rng.random() < 0.1 else Validity.DAY,
        )

    def _price(self, instrument: Instrument) -> int:
        return (
            instrument.reference_price + self._random.randint(-20, 20) * instrument.tick_size * 10
        )

    def _some_order(self) -> int:
        return self._random.randint(max(1, self._orders - 20), max(1, self._orders))

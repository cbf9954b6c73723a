"""The bookkeeper against a real core, without SQL: every entry balances and, after every
command, the postings add up to the core's own balances."""

import pytest

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import OrderType, Product, Side
from bourse.ledger import chart
from bourse.ledger.bookkeeper import Bookkeeper
from bourse.ledger.chart import BANK, CLEARING, INR
from bourse.ledger.entries import Entry
from bourse.ledger.errors import EventGapError
from bourse.ledger.reconcile import compare
from tests.ledger_workload import CONFIG, INSTRUMENTS, LedgerWorkload, setup_commands

INFY = INSTRUMENTS[0].token
START_NS = 1_767_225_600_000_000_000


class Books:
    """A core, a bookkeeper fed by its events, and the balances the entries add up to."""

    def __init__(self) -> None:
        self.core = TradingCore(CONFIG)
        self.bookkeeper = Bookkeeper(CONFIG)
        self.balances: dict[tuple[str, str], int] = {}
        self.entries: list[Entry] = []
        self.ts = START_NS

    def run(self, command: cmd.Command) -> list[ev.Event]:
        self.ts += 1_000_000
        events = self.core.apply(command, self.ts)
        entries, _ = self.bookkeeper.post(events)
        for entry in entries:
            for account, asset, amount in entry.postings:
                key = (account, asset)
                self.balances[key] = self.balances.get(key, 0) + amount
        self.entries.extend(entries)
        return events

    def differences(self) -> list[str]:
        balances = {k: v for k, v in self.balances.items() if v}
        return [
            f"{d.what}: ledger {d.ledger} core {d.core}"
            for d in compare(balances, balances, self.core)
        ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_workload_keeps_the_ledger_equal_to_the_core(seed: int) -> None:
    books = Books()
    for command in setup_commands():
        books.run(command)
    workload = LedgerWorkload(seed)

    for step in range(1_500):
        books.run(workload.next_command())
        if step % 50 == 0:
            assert books.differences() == [], f"after step {step}"

    assert books.differences() == []
    kinds = {entry.kind for entry in books.entries}
    assert {"TradeExecuted", "WithdrawalCompleted", "AccountSettled", "OrderCancelled"} <= kinds


def test_deposit_is_one_entry_from_the_gateway_bank_to_available_cash() -> None:
    books = Books()
    books.run(cmd.OpenAccount(account=1))

    books.run(cmd.Deposit(account=1, amount=1_000_00, reference="pay_1"))

    (entry,) = books.entries
    assert (entry.kind, entry.reference) == ("FundsDeposited", "pay_1")
    assert entry.postings == [
        (BANK, INR, -1_000_00),
        (chart.cash_available(1), INR, 1_000_00),
    ]


def test_delivery_trade_moves_cash_shares_and_each_charge_through_clearing() -> None:
    books = Books()
    for command in setup_commands():
        books.run(command)
    books.run(
        cmd.PlaceOrder(
            account=1,
            token=INFY,
            side=Side.SELL,
            order_type=OrderType.LIMIT,
            product=Product.CNC,
            quantity=10,
            price=1_500_00,
        )
    )
    books.run(
        cmd.PlaceOrder(
            account=2,
            token=INFY,
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            product=Product.CNC,
            quantity=10,
            price=1_500_00,
        )
    )

    trade = books.entries[-1]
    assert trade.kind == "TradeExecuted"
    postings: dict[tuple[str, str], int] = {}
    for account, asset, amount in trade.postings:
        postings[(account, asset)] = postings.get((account, asset), 0) + amount
    # 10 x 1500.00 = 15000.00 each way. Buyer: STT 15.00, exchange 0.45 (0.4455), SEBI 0.02
    # (0.015), GST 18 % of 0.47 = 0.08 (0.0846), stamp 2.25: 17.80. Seller: the same but no
    # stamp: 15.55. The buyer's unused block (its estimate equalled the charges) comes back 0.
    asset = str(INFY)
    assert postings[(chart.cash_blocked(2), INR)] == -(15_000_00 + 17_80)
    assert postings[(chart.securities_unsettled(2), asset)] == 10
    assert postings[(chart.securities_blocked(1), asset)] == -10
    assert postings[(chart.cash_unsettled(1), INR)] == 15_000_00 - 15_55
    assert postings[(chart.STT_PAYABLE, INR)] == 30_00
    assert postings[(chart.STAMP_PAYABLE, INR)] == 2_25
    assert postings[(chart.EXCHANGE_PAYABLE, INR)] == 90
    assert postings[(chart.SEBI_PAYABLE, INR)] == 4
    assert postings[(chart.GST_PAYABLE, INR)] == 16
    assert postings[(CLEARING, INR)] == 0  # both legs through clearing: nets to zero
    assert books.differences() == []


def test_an_event_out_of_order_stops_the_bookkeeper() -> None:
    bookkeeper = Bookkeeper(CONFIG)
    opened = ev.AccountOpened(seq=2, command_seq=1, ts_ns=1, account=1, limits=cmd.AccountLimits())

    with pytest.raises(EventGapError, match="event 2 does not follow event 0"):
        bookkeeper.post([opened])

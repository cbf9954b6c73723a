"""Rebuilding read models at startup: the journal's commands replayed give the live events."""

from pathlib import Path

from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.codec import encode_events
from bourse.domain.enums import OrderType, Product, Side
from bourse.journal.group_commit import JournaledCore
from bourse.readmodel.replay import journal_events, replay_into
from tests.unit.core.market import INFY, instrument


def order(account: int, side: Side, quantity: int, price: int) -> cmd.PlaceOrder:
    return cmd.PlaceOrder(
        account=account,
        token=INFY,
        side=side,
        order_type=OrderType.LIMIT,
        product=Product.MIS,
        quantity=quantity,
        price=price,
    )


COMMANDS: list[cmd.Command] = [
    cmd.ListInstrument(instrument=instrument(INFY, 100_00)),
    cmd.OpenAccount(account=1),
    cmd.OpenAccount(account=2),
    cmd.Deposit(account=1, amount=10_000_000),
    cmd.Deposit(account=2, amount=10_000_000),
    order(1, Side.BUY, 10, 100_00),
    order(2, Side.SELL, 4, 100_00),
    order(2, Side.SELL, 4, 100_03),
    cmd.CancelOrder(account=1, order_id=1),
]


def test_replaying_the_journal_gives_the_live_events_byte_for_byte(tmp_path: Path) -> None:
    live: list[ev.Event] = []
    trading = JournaledCore.open(tmp_path, on_durable=[live.extend])
    try:
        trading.submit_many(COMMANDS).result(timeout=10)
    finally:
        trading.close()

    replayed = [event for events in journal_events(tmp_path) for event in events]

    assert encode_events(replayed) == encode_events(live)


def test_replay_into_feeds_batches_and_counts_commands(tmp_path: Path) -> None:
    with JournaledCore.open(tmp_path) as trading:
        trading.submit_many(COMMANDS).result(timeout=10)
    seen: list[int] = []

    commands = replay_into(tmp_path, lambda events: seen.extend(e.seq for e in events), batch=3)

    assert commands == len(COMMANDS)
    assert seen == list(range(1, len(seen) + 1))


def test_a_journal_not_yet_created_replays_nothing(tmp_path: Path) -> None:
    assert list(journal_events(tmp_path / "nothing-here")) == []
    assert replay_into(tmp_path / "nothing-here", lambda events: None) == 0

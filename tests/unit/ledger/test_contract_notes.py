"""Worked contract notes: an order filled in several fills is charged, fill by fill, exactly
what its contract note shows for the whole order — component by component, to the paisa."""

from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from bourse.ledger.bookkeeper import Bookkeeper
from bourse.ledger.entries import TradeLeg
from bourse.ledger.statements import CHARGE_COLUMNS, contract_note
from bourse.ledger.statements import trading_day as day_of
from tests.ledger_workload import CONFIG, INSTRUMENTS, setup_commands

INFY = INSTRUMENTS[0].token
START_NS = 1_767_225_600_000_000_000


def buyer_legs(sells: list[tuple[int, int]], buy_quantity: int, buy_price: int) -> list[TradeLeg]:
    """Account 1 sells each (quantity, price) as its own order; account 2 buys across them
    with one delivery order; the buyer's legs."""
    core, bookkeeper, ts = TradingCore(CONFIG), Bookkeeper(CONFIG), START_NS
    legs: list[TradeLeg] = []
    commands: list[cmd.Command] = list(setup_commands())
    for quantity, price in sells:
        commands.append(
            cmd.PlaceOrder(
                account=1, token=INFY, side=Side.SELL, order_type=OrderType.LIMIT,
                product=Product.CNC, quantity=quantity, price=price,
            )
        )  # fmt: skip
    commands.append(
        cmd.PlaceOrder(
            account=2, token=INFY, side=Side.BUY, order_type=OrderType.LIMIT,
            product=Product.CNC, quantity=buy_quantity, price=buy_price,
        )
    )  # fmt: skip
    for command in commands:
        ts += 1_000_000
        legs.extend(bookkeeper.post(core.apply(command, ts))[1])
    return [leg for leg in legs if leg.account == 2]


def test_three_fills_of_one_delivery_buy_add_up_to_its_contract_note() -> None:
    # Fills: 10 @ 1,500.00, 10 @ 1,500.05, 10 @ 1,500.10 = 45,001.50 (4,500,150 paise).
    # Contract note for the whole order (each charge on the total, half-even to the paisa):
    #   STT 0.1 %            = 4,500.150 paise -> 4,500   (45.00)
    #   exchange 0.00297 %   =   133.654       ->   134   ( 1.34)
    #   SEBI 10 per crore    =     4.500 15    ->     5   ( 0.05; above the half)
    #   GST 18 % of 139      =    25.02        ->    25   ( 0.25)
    #   stamp 0.015 %        =   675.0225      ->   675   ( 6.75)
    #   total                                    5,339   (53.39)
    # Fill by fill the core charges the cumulative schedule less what it charged before:
    #   after 15,000.00: 1,500 + 45 + 2 + 8 + 225 = 1,780
    #   after 30,000.50: 3,000 + 89 + 3 + 17 + 450 = 3,559 -> this fill 1,779
    #   after 45,001.50: 5,339                            -> this fill 1,780
    legs = buyer_legs([(10, 1_500_00), (10, 1_500_05), (10, 1_500_10)], 30, 1_500_10)

    per_fill = [sum(leg[10:16]) for leg in legs]
    note = contract_note([leg._asdict() for leg in legs], day_of(legs[0].ts_ns))

    assert per_fill == [1_780, 1_779, 1_780]
    assert note["charges"] == dict(zip(CHARGE_COLUMNS, (0, 4_500, 134, 5, 25, 675), strict=True))
    assert note["total_charges"] == 53_39
    assert note["bought"] == 45_001_50
    assert note["net"] == -(45_001_50 + 53_39)


def test_intraday_buy_brokerage_is_capped_per_order_across_its_fills() -> None:
    # 2 x 100 @ 1,500.00 = 3,00,000.00 intraday: 0.03 % = 90.00, capped at 20.00 for the order,
    # not per fill: the first fill (1,50,000.00 -> 45.00) already reaches the cap.
    core, bookkeeper, ts = TradingCore(CONFIG), Bookkeeper(CONFIG), START_NS
    legs: list[TradeLeg] = []
    commands: list[cmd.Command] = [*setup_commands(), cmd.Deposit(account=2, amount=10**9)]
    commands += [
        cmd.PlaceOrder(
            account=1, token=INFY, side=Side.SELL, order_type=OrderType.LIMIT,
            product=Product.CNC, quantity=100, price=1_500_00,
        )
        for _ in range(2)
    ]  # fmt: skip
    commands.append(
        cmd.PlaceOrder(
            account=2, token=INFY, side=Side.BUY, order_type=OrderType.LIMIT,
            product=Product.MIS, quantity=200, price=1_500_00,
        )
    )  # fmt: skip
    for command in commands:
        ts += 1_000_000
        legs.extend(bookkeeper.post(core.apply(command, ts))[1])
    mine = [leg for leg in legs if leg.account == 2]

    assert [leg.brokerage for leg in mine] == [20_00, 0]
    # Exchange 0.00297 % of 3,00,000.00 = 8.91; SEBI 0.30; GST 18 % of (20.00 + 8.91 + 0.30)
    # = 5.2578 -> 5.26; stamp 0.003 % = 9.00; no STT on intraday buys.
    note = contract_note([leg._asdict() for leg in mine], day_of(mine[0].ts_ns))
    assert note["charges"] == dict(
        zip(CHARGE_COLUMNS, (20_00, 0, 8_91, 30, 5_26, 9_00), strict=True)
    )

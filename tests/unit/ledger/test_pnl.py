"""FIFO P&L and the tax buckets, worked by hand."""

from bourse.ledger.pnl import NS_PER_DAY, TradeRow, profit_and_loss

INFY = 257


def trade(day: int, side: str, quantity: int, price: int, product: str = "CNC") -> TradeRow:
    return TradeRow(day * NS_PER_DAY, INFY, side, product, quantity, price, charges=10)


def test_fifo_closes_the_oldest_lot_first_and_marks_the_rest_to_the_last_price() -> None:
    # Buy 10 @ 100.00, buy 10 @ 110.00, sell 15 @ 120.00:
    # realized = 10 x (120 - 100) + 5 x (120 - 110) = 200 + 50 = 250.00
    # open: 5 @ 110.00, last 105.00: unrealized 5 x (105 - 110) = -25.00
    report = profit_and_loss(
        [trade(0, "BUY", 10, 100_00), trade(1, "BUY", 10, 110_00), trade(2, "SELL", 15, 120_00)],
        {INFY: 105_00},
    )

    item = report.instruments[INFY]
    assert (item.realized, item.unrealized, item.open_quantity) == (250_00, -25_00, 5)
    assert (item.short_term, item.long_term, item.charges) == (250_00, 0, 30)


def test_holding_longer_than_a_year_is_long_term() -> None:
    # Lot 1 (day 0) held 400 days: long term 10 x 50 = 500.00; lot 2 (day 300) 100 days: short
    # term 5 x (150 - 120) = 150.00.
    report = profit_and_loss(
        [trade(0, "BUY", 10, 100_00), trade(300, "BUY", 5, 120_00), trade(400, "SELL", 15, 150_00)],
        {},
    )

    item = report.instruments[INFY]
    assert (item.long_term, item.short_term, item.realized) == (500_00, 150_00, 650_00)


def test_intraday_short_then_cover_is_speculative_income() -> None:
    # Short 10 @ 200.00, cover 10 @ 190.00: gain 100.00, intraday.
    report = profit_and_loss(
        [trade(0, "SELL", 10, 200_00, "MIS"), trade(0, "BUY", 10, 190_00, "MIS")], {INFY: 1}
    )

    item = report.instruments[INFY]
    assert (item.intraday, item.realized, item.unrealized, item.open_quantity) == (
        100_00,
        100_00,
        0,
        0,
    )


def test_delivery_sale_of_shares_without_a_buy_trade_is_unmatched() -> None:
    report = profit_and_loss([trade(0, "BUY", 5, 100_00), trade(1, "SELL", 8, 90_00)], {})

    item = report.instruments[INFY]
    assert (item.realized, item.unmatched_quantity, item.open_quantity) == (-50_00, 3, 0)

"""MIS positions are financed by margin: each open position must hold at least what it can
lose before the circuit limit stops the price, or a loss can take an account's available cash
below zero (DESIGN.md §5: no available balance below zero)."""

from collections.abc import Iterator
from dataclasses import dataclass

from hypothesis import example, given
from hypothesis import strategies as st

from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side
from tests.property.one_instrument import LOWER, REFERENCE_PRICE, TICK, TOKEN, UPPER, OneInstrument


@dataclass(frozen=True)
class Trade:
    account: int
    side: Side
    quantity: int
    price: int


@dataclass(frozen=True)
class WithdrawAllBut:
    account: int
    keep: int


mis_flows = st.lists(
    st.one_of(
        st.builds(
            Trade,
            account=st.sampled_from((1, 1, 2, 3, 4)),
            side=st.sampled_from(Side),
            quantity=st.integers(1, 20),
            price=st.one_of(
                st.integers(-40, 40).map(lambda ticks: REFERENCE_PRICE + ticks * TICK),
                st.sampled_from((LOWER, UPPER)),
            ),
        ),
        st.builds(WithdrawAllBut, account=st.integers(1, 2), keep=st.integers(0, 50_000)),
    ),
    min_size=10,
    max_size=50,
)

REOPENED_POSITION = [
    # Account 1's MIS buy of 15 takes 10 at 99.70 and rests 5 at 100.30; its MIS sell of 10
    # at 100.50 closes that position; the buy's last 5 then fill at 100.30, but the buy's
    # margin grows by only max(299.70, 298.50) - 199.40 = 100.30 although a long of 5 at 100.30
    # can lose 101.50 before the lower circuit (80.00) stops the price.
    Trade(3, Side.SELL, 10, 99_70),
    Trade(1, Side.BUY, 15, 100_30),
    Trade(1, Side.SELL, 10, 100_50),
    Trade(3, Side.BUY, 10, 100_50),
    Trade(3, Side.SELL, 5, 100_30),
    # The loss is realised at the lower circuit while the account has only the block of its
    # closing order left available: cash_available ends at -1.20.
    Trade(4, Side.BUY, 5, 80_00),
    WithdrawAllBut(1, 40_000),
    Trade(1, Side.SELL, 10, 80_00),
]


def trade_mis(flow: list[Trade | WithdrawAllBut]) -> Iterator[OneInstrument]:
    """Accounts 1 and 2 trade MIS, 3 and 4 delivery with ample cash and shares (no charges, so
    the arithmetic stays readable); yields the market after every step."""
    market = OneInstrument(range(1, 5), cash=100_000_000, shares=0, charges="zero")
    for account in (3, 4):
        market.apply(cmd.DepositHoldings(account=account, token=TOKEN, quantity=100_000))
    for step in flow:
        if isinstance(step, WithdrawAllBut):
            available = market.core.accounts[step.account].cash_available
            if available > step.keep:
                market.apply(cmd.Withdraw(account=step.account, amount=available - step.keep))
        else:
            market.apply(
                cmd.PlaceOrder(
                    account=step.account,
                    token=TOKEN,
                    side=step.side,
                    order_type=OrderType.LIMIT,
                    product=Product.MIS if step.account <= 2 else Product.CNC,
                    quantity=step.quantity,
                    price=step.price,
                )
            )
        yield market


@given(mis_flows)
@example(REOPENED_POSITION)
def test_mis_positions_hold_their_worst_loss_and_cash_never_goes_negative(
    flow: list[Trade | WithdrawAllBut],
) -> None:
    for market in trade_mis(flow):
        for account_id, account in market.core.accounts.items():
            assert account.cash_available >= 0, (
                f"account {account_id} cash_available {account.cash_available}"
            )
            position = account.positions.get((TOKEN, Product.MIS))
            if position is None or position.net_quantity == 0:
                continue
            net = position.net_quantity
            worst_loss = position.cost - net * LOWER if net > 0 else -net * UPPER - position.cost
            assert position.margin >= worst_loss, (
                f"account {account_id}: MIS position {net} at cost {position.cost} holds margin "
                f"{position.margin} but can lose {worst_loss} before the circuit limit"
            )


def test_loss_on_a_reopened_mis_position_keeps_cash_available_non_negative() -> None:
    *_, market = trade_mis(REOPENED_POSITION)

    account = market.core.accounts[1]
    assert account.cash_available >= 0, (
        f"account 1 cash_available {account.cash_available} after the loss on its reopened "
        "MIS position"
    )

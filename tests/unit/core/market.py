"""A tiny driver around a real TradingCore for scenario tests: numbered time, short helpers."""

from typing import TypeVar

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.enums import OrderType, Product, Side, Validity
from bourse.domain.instrument import Instrument, Segment, make_instrument_token

INFY = make_instrument_token(1, Segment.NSE)
TCS = make_instrument_token(2, Segment.NSE)
START_NS = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z


def instrument(token: int = INFY, reference_price: int = 100_00, **overrides: object) -> Instrument:
    fields: dict[str, object] = {
        "token": token,
        "exchange": "NSE",
        "tradingsymbol": f"SYM{token >> 8}",
        "reference_price": reference_price,
    }
    fields.update(overrides)
    return Instrument(**fields)  # type: ignore[arg-type]


class Market:
    """A core with instruments and funded accounts; every command advances time by 1 ms."""

    def __init__(self, *, charges: str = "zero", instruments: tuple[Instrument, ...] = ()) -> None:
        self.core = TradingCore(CoreConfig(charge_schedule=charges))
        self.ts = START_NS
        self.log: list[tuple[cmd.Command, int]] = []
        for item in instruments or (instrument(),):
            self.apply(cmd.ListInstrument(instrument=item))

    def apply(self, command: cmd.Command, *, advance_ns: int = 1_000_000) -> list[ev.Event]:
        self.ts += advance_ns
        self.log.append((command, self.ts))
        return self.core.apply(command, self.ts)

    def account(self, account: int, cash: int = 0, holdings: dict[int, int] | None = None) -> None:
        self.apply(cmd.OpenAccount(account=account))
        if cash:
            self.apply(cmd.Deposit(account=account, amount=cash))
        for token, quantity in (holdings or {}).items():
            self.apply(cmd.DepositHoldings(account=account, token=token, quantity=quantity))

    def place(
        self,
        account: int,
        side: Side,
        quantity: int,
        price: int = 0,
        *,
        order_type: OrderType = OrderType.LIMIT,
        product: Product = Product.CNC,
        token: int = INFY,
        **extra: object,
    ) -> list[ev.Event]:
        return self.apply(
            cmd.PlaceOrder(
                account=account,
                token=token,
                side=side,
                order_type=order_type,
                product=product,
                quantity=quantity,
                price=price,
                **extra,  # type: ignore[arg-type]
            )
        )

    def buy(self, account: int, quantity: int, price: int = 0, **extra: object) -> list[ev.Event]:
        return self.place(account, Side.BUY, quantity, price, **extra)  # type: ignore[arg-type]

    def sell(self, account: int, quantity: int, price: int = 0, **extra: object) -> list[ev.Event]:
        return self.place(account, Side.SELL, quantity, price, **extra)  # type: ignore[arg-type]


E = TypeVar("E", bound=ev.Event)


def of_type(events: list[ev.Event], kind: type[E]) -> list[E]:
    return [event for event in events if isinstance(event, kind)]


def order_id(events: list[ev.Event]) -> int:
    (accepted,) = of_type(events, ev.OrderAccepted)
    return accepted.order_id


def trades(events: list[ev.Event]) -> list[tuple[int, int, int, int]]:
    """(price, quantity, buy order, sell order) of each trade."""
    return [
        (t.price, t.quantity, t.buy_order_id, t.sell_order_id)
        for t in of_type(events, ev.TradeExecuted)
    ]


__all__ = ["INFY", "TCS", "Market", "OrderType", "Product", "Side", "Validity", "instrument"]

"""Commands: imperative requests to the trading core, journaled before their effects are released.

Commands carry no time and no sequence number: the journal stamps both when a command enters
the log, and the core receives them alongside (``TradingCore.apply(command, ts_ns)``). All
prices and amounts are integer paise; a price of 0 means "none" (MARKET orders, no trigger).
"""

import msgspec

from bourse.domain.enums import OrderType, Product, Side, Validity, Variety
from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, InstrumentToken, OrderId, Paise, Quantity


class AccountLimits(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Per-account guard rails checked on every order."""

    max_open_orders: int = 500
    max_order_value: Paise = 100_000_000_000  # Rs 100 crore
    max_orders_per_second: int = 50


class Command(msgspec.Struct, frozen=True, kw_only=True, tag=True, gc=False):
    """Base of every command; the class name is the tag in the encoded form."""


class ListInstrument(Command, frozen=True):
    instrument: Instrument


class HaltInstrument(Command, frozen=True):
    token: InstrumentToken
    reason: str = ""


class ResumeInstrument(Command, frozen=True):
    token: InstrumentToken


class SetCancelOnly(Command, frozen=True):
    """Market-wide switch: while enabled, only cancellations are accepted."""

    enabled: bool
    reason: str = ""


class OpenAccount(Command, frozen=True):
    account: AccountId
    limits: AccountLimits = AccountLimits()


class SetAccountLimits(Command, frozen=True):
    account: AccountId
    limits: AccountLimits


class Deposit(Command, frozen=True):
    account: AccountId
    amount: Paise
    reference: str = ""


class Withdraw(Command, frozen=True):
    """Take cash out; never more than is available (blocked cash stays)."""

    account: AccountId
    amount: Paise
    reference: str = ""


class RequestWithdrawal(Command, frozen=True):
    """Start a payout to the user's bank: the amount leaves the withdrawable cash (available
    less unsettled sale proceeds) and waits as a pending payout under ``reference``."""

    account: AccountId
    amount: Paise
    reference: str


class CompleteWithdrawal(Command, frozen=True):
    """The bank paid the pending payout ``reference``: the money has left the broker."""

    account: AccountId
    reference: str


class ReverseWithdrawal(Command, frozen=True):
    """The payout ``reference`` failed: its amount goes back to the available cash."""

    account: AccountId
    reference: str
    reason: str = ""


class DepositHoldings(Command, frozen=True):
    """Credit shares transferred in from outside (a demat transfer); ``average_price`` is the
    cost basis used for P&L."""

    account: AccountId
    token: InstrumentToken
    quantity: Quantity
    average_price: Paise = 0


class PlaceOrder(Command, frozen=True):
    account: AccountId
    token: InstrumentToken
    side: Side
    order_type: OrderType
    product: Product
    quantity: Quantity
    price: Paise = 0
    trigger_price: Paise = 0
    validity: Validity = Validity.DAY
    validity_ttl: int = 0
    """Minutes an order with validity TTL stays open."""
    disclosed_quantity: Quantity = 0
    variety: Variety = Variety.REGULAR
    client_order_id: str = ""
    tag: str = ""


class ModifyOrder(Command, frozen=True):
    """Change an open or trigger-pending order; fields left as None keep their value."""

    account: AccountId
    order_id: OrderId
    quantity: Quantity | None = None
    price: Paise | None = None
    trigger_price: Paise | None = None
    order_type: OrderType | None = None
    disclosed_quantity: Quantity | None = None


class CancelOrder(Command, frozen=True):
    account: AccountId
    order_id: OrderId


class ClockTick(Command, frozen=True):
    """Carries nothing but its journal time: lets TTL orders expire while the market is quiet."""


class CloseSession(Command, frozen=True):
    """End of the trading session: every DAY and TTL order still working expires."""


class SquareOffIntraday(Command, frozen=True):
    """The MIS cut-off (issued by a scheduler at the configured time, never by the core's own
    clock): cancel every working MIS order, then close every open MIS position at the
    instrument's last price against the broker's clearing account."""


class SettleTrades(Command, frozen=True):
    """T+1 settlement: every unsettled credit (delivery sale proceeds, delivery buys' shares)
    becomes settled, so withdrawable and free of the T1 mark."""


AnyCommand = (
    ListInstrument
    | HaltInstrument
    | ResumeInstrument
    | SetCancelOnly
    | OpenAccount
    | SetAccountLimits
    | Deposit
    | Withdraw
    | RequestWithdrawal
    | CompleteWithdrawal
    | ReverseWithdrawal
    | DepositHoldings
    | PlaceOrder
    | ModifyOrder
    | CancelOrder
    | ClockTick
    | CloseSession
    | SquareOffIntraday
    | SettleTrades
)

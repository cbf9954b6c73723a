"""Events: what the trading core decided, past tense, numbered in one stream.

``seq`` is the event's number in the core's single stream (1, 2, 3, ...), ``command_seq`` the
journal number of the command that caused it and ``ts_ns`` that command's journal time. Replaying
the journal yields byte-identical events.
"""

import msgspec

from bourse.domain.commands import AccountLimits
from bourse.domain.enums import (
    CancelReason,
    OrderStatus,
    OrderType,
    Product,
    Side,
    Validity,
    Variety,
)
from bourse.domain.errors import RejectReason
from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, InstrumentToken, OrderId, Paise, Quantity, TradeId


class Event(msgspec.Struct, frozen=True, kw_only=True, tag=True, gc=False):
    seq: int
    command_seq: int
    ts_ns: int


# --- market administration -------------------------------------------------------------------


class InstrumentListed(Event, frozen=True):
    instrument: Instrument


class InstrumentHalted(Event, frozen=True):
    token: InstrumentToken
    reason: str


class InstrumentResumed(Event, frozen=True):
    token: InstrumentToken


class CancelOnlyChanged(Event, frozen=True):
    enabled: bool
    reason: str


# --- accounts and funds ------------------------------------------------------------------------


class AccountOpened(Event, frozen=True):
    account: AccountId
    limits: AccountLimits


class AccountLimitsChanged(Event, frozen=True):
    account: AccountId
    limits: AccountLimits


class FundsDeposited(Event, frozen=True):
    account: AccountId
    amount: Paise
    reference: str
    cash_available: Paise


class FundsWithdrawn(Event, frozen=True):
    account: AccountId
    amount: Paise
    reference: str
    cash_available: Paise


class WithdrawalRequested(Event, frozen=True):
    """``amount`` left the available cash and waits as a pending payout."""

    account: AccountId
    amount: Paise
    reference: str
    cash_available: Paise


class WithdrawalCompleted(Event, frozen=True):
    """The pending payout was paid out: the money left the broker."""

    account: AccountId
    amount: Paise
    reference: str


class WithdrawalReversed(Event, frozen=True):
    """The pending payout failed; its amount is available again."""

    account: AccountId
    amount: Paise
    reference: str
    reason: str
    cash_available: Paise


class HoldingsDeposited(Event, frozen=True):
    account: AccountId
    token: InstrumentToken
    quantity: Quantity
    average_price: Paise


class CommandRejected(Event, frozen=True):
    """A non-order command refused; ``command`` is its type name."""

    command: str
    account: AccountId
    reason: RejectReason
    message: str


# --- orders ------------------------------------------------------------------------------------


class OrderAccepted(Event, frozen=True):
    order_id: OrderId
    account: AccountId
    token: InstrumentToken
    side: Side
    order_type: OrderType
    product: Product
    validity: Validity
    variety: Variety
    quantity: Quantity
    price: Paise
    trigger_price: Paise
    disclosed_quantity: Quantity
    expires_at_ns: int
    """0 when the order does not expire by time (DAY orders end with the session)."""
    status: OrderStatus
    blocked_cash: Paise
    blocked_quantity: Quantity
    client_order_id: str
    tag: str


class OrderRejected(Event, frozen=True):
    """A PlaceOrder refused; nothing changed and no order id was used."""

    account: AccountId
    token: InstrumentToken
    side: Side
    order_type: OrderType
    product: Product
    quantity: Quantity
    price: Paise
    trigger_price: Paise
    client_order_id: str
    tag: str
    reason: RejectReason
    message: str


class OrderModified(Event, frozen=True):
    order_id: OrderId
    account: AccountId
    token: InstrumentToken
    order_type: OrderType
    quantity: Quantity
    price: Paise
    trigger_price: Paise
    disclosed_quantity: Quantity
    status: OrderStatus
    priority_kept: bool
    blocked_cash: Paise
    blocked_quantity: Quantity


class ModifyRejected(Event, frozen=True):
    order_id: OrderId
    account: AccountId
    reason: RejectReason
    message: str


class CancelRejected(Event, frozen=True):
    order_id: OrderId
    account: AccountId
    reason: RejectReason
    message: str


class OrderTriggered(Event, frozen=True):
    """A stop order's trigger was crossed by the last price; it now works as LIMIT/MARKET."""

    order_id: OrderId
    account: AccountId
    token: InstrumentToken
    last_price: Paise


class OrderCancelled(Event, frozen=True):
    """The rest of an order is gone (user cancel, IOC/market remainder, self-trade, expiry)."""

    order_id: OrderId
    account: AccountId
    token: InstrumentToken
    reason: CancelReason
    cancelled_quantity: Quantity
    filled_quantity: Quantity
    released_cash: Paise
    released_quantity: Quantity


class TradeExecuted(Event, frozen=True):
    """One fill between a buy and a sell order. Charges are what each side paid for this fill
    (the change in its order's cumulative charges)."""

    trade_id: TradeId
    token: InstrumentToken
    price: Paise
    quantity: Quantity
    aggressor: Side
    buy_order_id: OrderId
    sell_order_id: OrderId
    buy_account: AccountId
    sell_account: AccountId
    buy_filled_quantity: Quantity
    sell_filled_quantity: Quantity
    buy_pending_quantity: Quantity
    sell_pending_quantity: Quantity
    buy_charges: Paise
    sell_charges: Paise


class PositionSquaredOff(Event, frozen=True):
    """An open MIS position closed at the cut-off against the broker's clearing account at
    ``price`` (the last price). ``side`` is the closing side; ``charges`` what the closing order
    cost; ``margin_released`` and ``pnl`` what moved from blocked to available cash."""

    account: AccountId
    token: InstrumentToken
    side: Side
    quantity: Quantity
    price: Paise
    charges: Paise
    margin_released: Paise
    pnl: Paise


class SettledShares(msgspec.Struct, frozen=True, array_like=True, gc=False):
    token: InstrumentToken
    quantity: Quantity


class AccountSettled(Event, frozen=True):
    """T+1 settlement of one account: ``cash`` of sale proceeds became withdrawable and the
    ``shares`` bought for delivery lost their T1 mark."""

    account: AccountId
    cash: Paise
    shares: tuple[SettledShares, ...]


class BookChanged(Event, frozen=True):
    """The new visible total at one price level (quantity 0: the level is gone)."""

    token: InstrumentToken
    side: Side
    price: Paise
    quantity: Quantity
    orders: int


AnyEvent = (
    InstrumentListed
    | InstrumentHalted
    | InstrumentResumed
    | CancelOnlyChanged
    | AccountOpened
    | AccountLimitsChanged
    | FundsDeposited
    | FundsWithdrawn
    | WithdrawalRequested
    | WithdrawalCompleted
    | WithdrawalReversed
    | HoldingsDeposited
    | CommandRejected
    | OrderAccepted
    | OrderRejected
    | OrderModified
    | ModifyRejected
    | CancelRejected
    | OrderTriggered
    | OrderCancelled
    | TradeExecuted
    | PositionSquaredOff
    | AccountSettled
    | BookChanged
)

"""Snapshots of the whole core state in canonical bytes, and the state hash.

The snapshot lists everything in a fixed order (instruments, accounts and orders by id; resting
orders per level in queue order), so equal states give equal bytes. The state hash covers the
business state and leaves out the stream counters, so a rejected command, which only advances
the counters, leaves the hash unchanged.
"""

import hashlib

import msgspec

from bourse.core.config import CoreConfig
from bourse.domain.commands import AccountLimits
from bourse.domain.enums import OrderStatus, OrderType, Product, Side, TradingStatus, Validity
from bourse.domain.instrument import Instrument

FORMAT_VERSION = 2


class OrderRecord(msgspec.Struct, array_like=True, frozen=True):
    order_id: int
    account: int
    token: int
    side: Side
    order_type: OrderType
    product: Product
    validity: Validity
    variety: str
    quantity: int
    price: int
    trigger_price: int
    disclosed_quantity: int
    expires_at_ns: int
    client_order_id: str
    tag: str
    status: OrderStatus
    filled_quantity: int
    filled_value: int
    charges_paid: int
    blocked_cash: int
    blocked_quantity: int
    visible_quantity: int
    in_book: bool


class HoldingRecord(msgspec.Struct, array_like=True, frozen=True):
    token: int
    available: int
    blocked: int
    cost: int
    unsettled: int


class PayoutRecord(msgspec.Struct, array_like=True, frozen=True):
    reference: str
    amount: int


class PositionRecord(msgspec.Struct, array_like=True, frozen=True):
    token: int
    product: Product
    net_quantity: int
    cost: int
    margin: int
    realized_pnl: int
    buy_quantity: int
    buy_value: int
    sell_quantity: int
    sell_value: int


class AccountRecord(msgspec.Struct, array_like=True, frozen=True):
    account_id: int
    limits: AccountLimits
    cash_available: int
    cash_blocked: int
    open_orders: int
    rate_second: int
    rate_count: int
    holdings: list[HoldingRecord]
    positions: list[PositionRecord]
    cash_unsettled: int
    payouts: list[PayoutRecord]


class InstrumentRecord(msgspec.Struct, array_like=True, frozen=True):
    instrument: Instrument
    status: TradingStatus
    last_price: int


class CoreState(msgspec.Struct, array_like=True, frozen=True):
    """The business state: what the state hash covers."""

    config: CoreConfig
    next_order_id: int
    next_trade_id: int
    cancel_only: bool
    clearing: int
    fees: int
    deposits: int
    withdrawals: int
    instruments: list[InstrumentRecord]
    accounts: list[AccountRecord]
    orders: list[OrderRecord]
    """Resting orders per instrument, bids then asks, best level first in queue order; then
    trigger-pending stops in id order."""


class Snapshot(msgspec.Struct, array_like=True, frozen=True):
    format_version: int
    command_seq: int
    event_seq: int
    state: CoreState


_encoder = msgspec.msgpack.Encoder()
_snapshot_decoder = msgspec.msgpack.Decoder(Snapshot)


def encode_snapshot(snapshot: Snapshot) -> bytes:
    return _encoder.encode(snapshot)


def decode_snapshot(data: bytes) -> Snapshot:
    snapshot = _snapshot_decoder.decode(data)
    if snapshot.format_version != FORMAT_VERSION:
        raise ValueError(
            f"snapshot format {snapshot.format_version} is not the supported {FORMAT_VERSION}"
        )
    return snapshot


def hash_state(state: CoreState) -> str:
    return hashlib.sha256(_encoder.encode(state)).hexdigest()

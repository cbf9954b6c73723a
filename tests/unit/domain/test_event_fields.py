"""The field order of the events the core builds positionally (bourse.core.engine).

The order path passes these events' own fields by position, so a reordered declaration would
put values in the wrong fields without any type error (most of them are ints), and would
change the encoded stream as well: this test must change together with those calls.
"""

import msgspec
import pytest

from bourse.domain import events as ev
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

STREAM_FIELDS = ("seq", "command_seq", "ts_ns")

POSITIONAL: dict[type[ev.Event], tuple[str, ...]] = {
    ev.OrderAccepted: (
        "order_id",
        "account",
        "token",
        "side",
        "order_type",
        "product",
        "validity",
        "variety",
        "quantity",
        "price",
        "trigger_price",
        "disclosed_quantity",
        "expires_at_ns",
        "status",
        "blocked_cash",
        "blocked_quantity",
        "client_order_id",
        "tag",
    ),
    ev.OrderRejected: (
        "account",
        "token",
        "side",
        "order_type",
        "product",
        "quantity",
        "price",
        "trigger_price",
        "client_order_id",
        "tag",
        "reason",
        "message",
    ),
    ev.TradeExecuted: (
        "trade_id",
        "token",
        "price",
        "quantity",
        "aggressor",
        "buy_order_id",
        "sell_order_id",
        "buy_account",
        "sell_account",
        "buy_filled_quantity",
        "sell_filled_quantity",
        "buy_pending_quantity",
        "sell_pending_quantity",
        "buy_charges",
        "sell_charges",
    ),
    ev.OrderTriggered: ("order_id", "account", "token", "last_price"),
    ev.OrderCancelled: (
        "order_id",
        "account",
        "token",
        "reason",
        "cancelled_quantity",
        "filled_quantity",
        "released_cash",
        "released_quantity",
    ),
    ev.CancelRejected: ("order_id", "account", "reason", "message"),
    ev.BookChanged: ("token", "side", "price", "quantity", "orders"),
}


@pytest.mark.parametrize("event_type", list(POSITIONAL), ids=lambda t: t.__name__)
def test_positionally_built_event_keeps_its_field_order(event_type: type[ev.Event]) -> None:
    assert event_type.__struct_fields__ == POSITIONAL[event_type] + STREAM_FIELDS


def test_positional_and_keyword_construction_encode_identically() -> None:
    by_keyword = ev.OrderAccepted(
        seq=7,
        command_seq=5,
        ts_ns=1_000,
        order_id=42,
        account=3,
        token=257,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        product=Product.CNC,
        validity=Validity.DAY,
        variety=Variety.REGULAR,
        quantity=10,
        price=150_000,
        trigger_price=0,
        disclosed_quantity=0,
        expires_at_ns=0,
        status=OrderStatus.OPEN,
        blocked_cash=1_500_300,
        blocked_quantity=0,
        client_order_id="c1",
        tag="t",
    )
    values = [getattr(by_keyword, name) for name in POSITIONAL[ev.OrderAccepted]]
    by_position = ev.OrderAccepted(*values, seq=7, command_seq=5, ts_ns=1_000)

    assert by_position == by_keyword
    assert msgspec.msgpack.encode(by_position) == msgspec.msgpack.encode(by_keyword)


def test_keyword_only_stream_fields_cannot_be_passed_by_position() -> None:
    with pytest.raises(TypeError):
        ev.CancelRejected(1, 2, RejectReason.ORDER_NOT_FOUND, "m", 1, 1, 1)  # type: ignore[call-arg]


def test_cancel_reason_is_a_positional_field() -> None:
    cancelled = ev.OrderCancelled(
        1, 2, 257, CancelReason.USER, 5, 0, 100, 0, seq=1, command_seq=1, ts_ns=1
    )
    assert cancelled.reason is CancelReason.USER
    assert cancelled.cancelled_quantity == 5

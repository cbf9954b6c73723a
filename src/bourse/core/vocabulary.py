"""Enum members the hot path compares against, as Final module constants.

On Python 3.11 every ``Side.BUY`` is a metaclass attribute lookup; under mypyc a Final
module constant is a C static, so the order path reads these instead.
"""

from typing import Final

from bourse.domain.enums import (
    CancelReason,
    OrderStatus,
    OrderType,
    Product,
    Side,
    TradingStatus,
    Validity,
    Variety,
)

BUY: Final = Side.BUY
SELL: Final = Side.SELL
MARKET: Final = OrderType.MARKET
LIMIT: Final = OrderType.LIMIT
SL: Final = OrderType.SL
SL_M: Final = OrderType.SL_M
CNC: Final = Product.CNC
MIS: Final = Product.MIS
NRML: Final = Product.NRML
DAY: Final = Validity.DAY
IOC: Final = Validity.IOC
TTL: Final = Validity.TTL
REGULAR: Final = Variety.REGULAR
ICEBERG: Final = Variety.ICEBERG
AMO: Final = Variety.AMO
CO: Final = Variety.CO
OPEN: Final = OrderStatus.OPEN
COMPLETE: Final = OrderStatus.COMPLETE
CANCELLED: Final = OrderStatus.CANCELLED
TRIGGER_PENDING: Final = OrderStatus.TRIGGER_PENDING
ACTIVE: Final = TradingStatus.ACTIVE
HALTED: Final = TradingStatus.HALTED
USER_CANCEL: Final = CancelReason.USER
EXPIRED: Final = CancelReason.EXPIRED
SELF_TRADE: Final = CancelReason.SELF_TRADE
MARKET_REMAINDER: Final = CancelReason.MARKET_REMAINDER
IOC_REMAINDER: Final = CancelReason.IOC_REMAINDER

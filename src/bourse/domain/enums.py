"""Trading vocabulary, spelled as Kite Connect v3 spells it on the wire."""

from enum import StrEnum


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    SL = "SL"
    """Stop-limit: rests off-book until the last price crosses the trigger, then a LIMIT."""
    SL_M = "SL-M"
    """Stop-market: rests off-book until the last price crosses the trigger, then a MARKET."""


class Product(StrEnum):
    CNC = "CNC"
    """Cash and carry (delivery): buys pay in full, sells need holdings."""
    MIS = "MIS"
    """Intraday, leveraged; positions carry margin instead of full value."""
    NRML = "NRML"
    """Normal; for cash equities it behaves as CNC."""


class Validity(StrEnum):
    DAY = "DAY"
    IOC = "IOC"
    TTL = "TTL"
    """Good for ``validity_ttl`` minutes from acceptance."""


class Variety(StrEnum):
    REGULAR = "regular"
    ICEBERG = "iceberg"
    AMO = "amo"
    CO = "co"


class OrderStatus(StrEnum):
    OPEN = "OPEN"
    COMPLETE = "COMPLETE"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    TRIGGER_PENDING = "TRIGGER PENDING"
    AMO_REQ_RECEIVED = "AMO REQ RECEIVED"


class CancelReason(StrEnum):
    USER = "USER"
    IOC_REMAINDER = "IOC_REMAINDER"
    MARKET_REMAINDER = "MARKET_REMAINDER"
    """A MARKET order's unfilled rest once the book is empty or past the protection price."""
    SELF_TRADE = "SELF_TRADE"
    """A resting order cancelled because the same account's incoming order would match it."""
    EXPIRED = "EXPIRED"
    INSTRUMENT_DELISTED = "INSTRUMENT_DELISTED"
    SQUARE_OFF = "SQUARE_OFF"
    """A working MIS order cancelled at the intraday cut-off."""


class TradingStatus(StrEnum):
    ACTIVE = "ACTIVE"
    HALTED = "HALTED"

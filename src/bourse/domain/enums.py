"""Trading vocabulary, spelled as Kite Connect v3 spells it on the wire."""

from enum import Enum


class Side(str, Enum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(str, Enum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    SL = "SL"
    """Stop-limit: rests off-book until the last price crosses the trigger, then a LIMIT."""
    SL_M = "SL-M"
    """Stop-market: rests off-book until the last price crosses the trigger, then a MARKET."""


class Product(str, Enum):
    CNC = "CNC"
    """Cash and carry (delivery): buys pay in full, sells need holdings."""
    MIS = "MIS"
    """Intraday, leveraged; positions carry margin instead of full value."""
    NRML = "NRML"
    """Normal; for cash equities it behaves as CNC."""


class Validity(str, Enum):
    DAY = "DAY"
    IOC = "IOC"
    TTL = "TTL"
    """Good for ``validity_ttl`` minutes from acceptance."""


class Variety(str, Enum):
    REGULAR = "regular"
    ICEBERG = "iceberg"
    AMO = "amo"
    CO = "co"


class OrderStatus(str, Enum):
    OPEN = "OPEN"
    COMPLETE = "COMPLETE"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    TRIGGER_PENDING = "TRIGGER PENDING"
    AMO_REQ_RECEIVED = "AMO REQ RECEIVED"


class CancelReason(str, Enum):
    USER = "USER"
    IOC_REMAINDER = "IOC_REMAINDER"
    MARKET_REMAINDER = "MARKET_REMAINDER"
    """A MARKET order's unfilled rest once the book is empty or past the protection price."""
    SELF_TRADE = "SELF_TRADE"
    """A resting order cancelled because the same account's incoming order would match it."""
    EXPIRED = "EXPIRED"
    INSTRUMENT_DELISTED = "INSTRUMENT_DELISTED"


class TradingStatus(str, Enum):
    ACTIVE = "ACTIVE"
    HALTED = "HALTED"

"""Leaf module of type aliases shared by every layer.

Money and prices are integer paise; quantities are integer shares; time is integer
nanoseconds since the Unix epoch, UTC. Aliases (not NewTypes) keep the hot path free of
wrapper calls while still documenting intent in signatures.
"""

from typing import TypeAlias

Paise: TypeAlias = int
"""An amount of money or a price, in paise (1/100 rupee)."""

Quantity: TypeAlias = int
"""A number of shares."""

AccountId: TypeAlias = int
"""The trading account that owns orders, cash and holdings."""

OrderId: TypeAlias = int
"""Exchange order id, assigned by the trading core in acceptance order."""

TradeId: TypeAlias = int
"""Trade id, assigned by the trading core in execution order."""

InstrumentToken: TypeAlias = int
"""Kite-style instrument token: ``(instrument_id << 8) | segment``."""

TimestampNs: TypeAlias = int
"""Nanoseconds since the Unix epoch, UTC."""

BasisPoints: TypeAlias = int
"""Hundredths of a percent: 100 bp = 1 %."""

"""The one conversion point between integer paise and decimal rupees, plus exact rounding.

The core never sees a Decimal or a float: wire schemas and reports call ``to_paise`` on the
way in and ``to_rupees`` on the way out.
"""

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

from bourse.domain.types import Paise

PAISE_PER_RUPEE = 100

_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Scaling by a power of ten under this context never rounds, whatever the thread's context."""


class AmountError(ValueError):
    """A rupee amount that cannot be represented exactly in paise."""


def to_paise(rupees: Decimal | str | int, *, field: str = "amount") -> Paise:
    """Convert rupees to paise exactly; refuse anything finer than one paisa (never round)."""
    try:
        value = Decimal(rupees)
    except (InvalidOperation, ValueError, TypeError):
        raise AmountError(f"{field} {rupees!r} is not a number") from None
    if not value.is_finite():
        raise AmountError(f"{field} {rupees!r} is not a finite number")
    scaled = value.scaleb(2, _EXACT)
    if scaled != scaled.to_integral_value(context=_EXACT):
        raise AmountError(f"{field} {rupees} has more than 2 decimal places")
    return int(scaled)


def to_rupees(paise: Paise) -> Decimal:
    """Paise as a Decimal number of rupees with exactly two decimal places."""
    return Decimal(paise).scaleb(-2)


def format_rupees(paise: Paise) -> str:
    """Rupees as people read them in messages: ``1234.50``."""
    return f"{to_rupees(paise):.2f}"


def div_round_half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half to even, in exact integer arithmetic."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    # Floor division and its remainder without divmod(): compiled, this stays in machine ints.
    quotient = numerator // denominator
    remainder = numerator - quotient * denominator
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def ceil_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded up, for amounts that must be fully covered."""
    return -((-numerator) // denominator)

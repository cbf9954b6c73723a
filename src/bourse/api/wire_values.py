"""Values at the wire edge: rupee amounts in, rupees and timestamps out.

Prices and amounts travel as JSON numbers of rupees, decoded exactly into ``Decimal`` by
msgspec and converted with ``bourse.domain.money`` (never rounded: more than two decimals is a
422). Timestamps go out as RFC 3339 UTC strings.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, TypeVar

import msgspec

from bourse.api.bodies import FORM_MEDIA_TYPE, parse_form
from bourse.api.errors import ApiError
from bourse.domain.money import AmountError, div_round_half_even, to_paise, to_rupees
from bourse.domain.types import Paise

MAX_RUPEES = Decimal(1_000_000_000)
"""Largest price or amount accepted (Rs 100 crore); anything above is a typo or an attack."""
MAX_QUANTITY = 1_000_000_000
_RUPEE_SCHEMA = {"minimum": 0, "maximum": int(MAX_RUPEES), "multipleOf": 0.01}
Rupees = Annotated[Decimal, msgspec.Meta(extra_json_schema=_RUPEE_SCHEMA)]
"""A price: at most two decimals, 0 to Rs 100 crore (the document says so; the code checks)."""
PositiveRupees = Annotated[
    Decimal, msgspec.Meta(extra_json_schema={**_RUPEE_SCHEMA, "minimum": 0.01})
]
"""An amount of money moved: at least one paisa."""
_MAX_DIGITS = 40
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
T = TypeVar("T")


_loose_decoder = msgspec.json.Decoder(float_hook=Decimal)
_INTEGRAL_DIGITS = 19


def decode_body(
    content_type: str | None, body: bytes, decoder: "msgspec.json.Decoder[T]", schema: type[T]
) -> T:
    """A JSON body with the module's decoder, or a form body (Kite Connect clients) converted
    leniently ("12" to 12) into the same Struct.

    JSON numbers with a zero fraction (``5.0``) are integers to JSON Schema, and so to the API
    document; msgspec refuses them for ``int`` fields, so a body it refuses is retried once
    with such numbers read as integers (off the fast path: only bodies that failed get here).
    """
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if media_type == FORM_MEDIA_TYPE:
        return msgspec.convert(parse_form(body), type=schema, strict=False)
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as error:
        loose = _loose_decoder.decode(body)
        if not isinstance(loose, dict):
            raise
        integral = {name: _as_integer(value) for name, value in loose.items()}
        if all(type(integral[name]) is type(value) for name, value in loose.items()):
            raise
        try:
            return msgspec.convert(integral, type=schema, strict=True)
        except msgspec.ValidationError:
            raise error from None


def _as_integer(value: object) -> object:
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and value.adjusted() < _INTEGRAL_DIGITS
        and value == value.to_integral_value()
    ):
        return int(value)
    return value


def invalid(message: str) -> ApiError:
    return ApiError(422, "InputException", message)


def paise_from_rupees(value: Decimal, field: str) -> Paise:
    """Exact paise of a rupee value from the wire, or a 422 naming the field and value."""
    if not value.is_finite():
        raise invalid(f"{field} {value} is not a finite number")
    if value < 0:
        raise invalid(f"{field} {value} must not be negative")
    if value > MAX_RUPEES:
        raise invalid(f"{field} {value} is above the maximum {MAX_RUPEES}")
    if len(value.as_tuple().digits) > _MAX_DIGITS:
        raise invalid(f"{field} has more than {_MAX_DIGITS} digits")
    try:
        return to_paise(value, field=field)  # exact whatever the ambient context
    except AmountError as error:
        raise invalid(str(error)) from None


def optional_paise(value: Decimal | None, field: str) -> Paise | None:
    return None if value is None else paise_from_rupees(value, field)


def rupees(paise: Paise) -> Decimal:
    return to_rupees(paise)


def average_rupees(value: Paise, quantity: int) -> Decimal:
    """``value / quantity`` in rupees, rounded half-even to the paisa (0 with no quantity)."""
    if quantity <= 0:
        return to_rupees(0)
    return to_rupees(div_round_half_even(value, quantity))


def timestamp(ns: int) -> datetime:
    """Nanoseconds since the epoch as an aware UTC datetime (microsecond precision)."""
    return _EPOCH + timedelta(microseconds=ns // 1000)


def optional_timestamp(ns: int) -> datetime | None:
    return timestamp(ns) if ns else None

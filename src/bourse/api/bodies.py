"""Request bodies and parameters decoded into msgspec types, errors left to the handlers.

``msgspec.DecodeError`` becomes a 400 (not JSON) and ``msgspec.ValidationError`` a 422 (JSON of
the wrong shape) in ``bourse.api.errors``; nothing here catches them. Kite Connect clients post
``application/x-www-form-urlencoded``, so ``form_or_json`` accepts both: form values are
strings, converted leniently ("12" to 12) into the same Struct a JSON body decodes into.
"""

import re
from typing import TypeVar
from urllib.parse import parse_qsl

import msgspec
from starlette.requests import ClientDisconnect, Request

from bourse.api.errors import ApiError, input_error, not_found

T = TypeVar("T")

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
_MAX_FORM_FIELDS = 64


async def read_body(request: Request) -> bytes:
    """The whole body, as ``request.body()`` gives it (and then gives again), read straight
    from ``receive``: ``request.body()`` goes through an async generator, which cost ~2 us more
    than the read of the usual one-message body itself, on every order."""
    already: bytes | None = getattr(request, "_body", None)
    if already is not None:
        return already
    chunks: list[bytes] = []
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    request._body = body  # where Starlette keeps a body read, for any later request.body()
    return body


async def json_body(request: Request, schema: type[T]) -> T:
    return msgspec.json.decode(await read_body(request), type=schema)


async def form_or_json(request: Request, schema: type[T]) -> T:
    """The body as ``schema``, from a form (by its Content-Type) or else from JSON."""
    body = await read_body(request)
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == FORM_MEDIA_TYPE:
        return msgspec.convert(parse_form(body), type=schema, strict=False)
    return msgspec.json.decode(body, type=schema)


def parse_form(body: bytes) -> dict[str, str]:
    """Fields of a urlencoded body; a field given twice is refused (422), not guessed at."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=_MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise input_error(f"malformed form body: {error}") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise ApiError(422, "InputException", f"form field {name!r} is given more than once")
        fields[name] = value
    return fields


def query(request: Request, schema: type[T]) -> T:
    """Query parameters as ``schema`` (a Struct of optional strings, usually); unknown ones
    are ignored, as HTTP clients and proxies add their own."""
    names: tuple[str, ...] = schema.__struct_fields__  # type: ignore[attr-defined]
    present = {name: request.query_params[name] for name in names if name in request.query_params}
    return msgspec.convert(present, type=schema, strict=False)


def path_identifier(request: Request, name: str, pattern: re.Pattern[str], what: str) -> str:
    """A path parameter that must have the shape of one of our identifiers.

    Anything else cannot name an existing object, so it is a 404 without a lookup (which
    also keeps arbitrary bytes such as NUL away from the database).
    """
    value = str(request.path_params[name])
    if not pattern.fullmatch(value):
        raise not_found(what)
    return value

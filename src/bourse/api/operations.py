"""Routes declared once, as operations: the router and the OpenAPI document both read them.

A route module exposes ``operations(gateway) -> list[Operation]``; each operation names its
method, path, endpoint, the msgspec types of its body and of its ``data`` payload, and whether
it needs authentication. ``bourse.api.openapi`` builds the document from the same list, so the
document cannot drift from the routes.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path", "query" or "header"
    schema: type | object
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    endpoint: Endpoint
    summary: str
    tag: str
    body: type | None = None
    """msgspec type of the JSON body (None: no body)."""
    response: type | object = None
    """msgspec type of the envelope's ``data`` (None: null)."""
    status: int = 200
    authenticated: bool = True
    idempotent_key: bool = False
    """Accepts an ``Idempotency-Key`` header."""
    parameters: tuple[Parameter, ...] = ()
    errors: tuple[int, ...] = field(default=(400, 401, 422, 429))
    form: bool = False
    """Body is ``application/x-www-form-urlencoded`` (Kite endpoints) as well as JSON."""
    include_in_schema: bool = True
    """False for routes that are not part of the API proper (the document and its docs page)."""

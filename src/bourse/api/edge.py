"""The one layer between the ASGI server and the router: body limit and the error envelope.

Starlette stacks three middlewares in front of every route (server errors, exception handlers,
and ours for the body limit) and wraps every endpoint in two more closures; on the order path,
the busiest, that plumbing cost more than the order's own handling. This module replaces them
with one layer and lean endpoint apps:

* ``Edge`` refuses a declared ``Content-Length`` above the limit with a 413 before any route
  runs, counts a body without a length (chunked) as the endpoint reads it, and turns every
  exception an endpoint raises into the envelope through ``errors.EXCEPTION_HANDLERS`` (the
  router's own 404 and 405 included) — or, once a response has started, lets it propagate.
  (Starlette's ``max_body_size`` is not used: its plain-text 413 escapes the envelope.)
* ``EndpointApp`` runs ``endpoint(request)`` and sends its response; errors go to ``Edge``.

WebSocket and lifespan scopes pass through untouched: the stream handles its own errors.
"""

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bourse.api.envelope import failure
from bourse.api.errors import ApiError, error_response

Endpoint = Callable[[Request], Awaitable[Response]]


def body_too_large(max_body_size: int) -> ApiError:
    return ApiError(
        413, "InputException", f"request body is larger than the limit of {max_body_size} bytes"
    )


class EndpointApp:
    """An endpoint as an ASGI app, without Starlette's per-route exception wrapper."""

    __slots__ = ("endpoint",)

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.endpoint(Request(scope, receive, send))
        await response(scope, receive, send)


class Edge:
    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        if max_body_size < 0:
            raise ValueError(f"max_body_size {max_body_size} must not be negative")
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = content_length(scope)
        if declared is not None and declared > self.max_body_size:
            error = body_too_large(self.max_body_size)
            await failure(error.status, error.error_type, error.message)(scope, receive, send)
            return
        if declared is None:
            receive = self._counting(receive)
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as error:
            if started:
                raise
            response = await error_response(Request(scope, receive), error)
            await response(scope, receive, send)

    def _counting(self, receive: Receive) -> Receive:
        limit = self.max_body_size
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise body_too_large(limit)
            return message

        return receive_within_limit


def content_length(scope: Scope) -> int | None:
    """The declared ``Content-Length`` (None when absent or unreadable)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None

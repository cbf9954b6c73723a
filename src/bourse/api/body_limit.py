"""Refuse request bodies above a size limit with a 413 in the error envelope.

Starlette's own ``max_body_size`` answers some oversized requests with a plain-text
"Content Too Large" of its own (a declared ``Content-Length`` above the limit on a route that
never reads the body, a 404 or a 405), bypassing the exception handlers and so the envelope.
This middleware replaces it:

* a declared ``Content-Length`` above the limit is answered at once, before any route runs;
* a body without a length (chunked) is counted as the endpoint reads it; crossing the limit
  raises ``ApiError(413)`` inside the endpoint, which the exception handlers turn into the
  envelope like any other error (and, should it escape them, this middleware does).
"""

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bourse.api.envelope import failure
from bourse.api.errors import ApiError


def body_too_large(max_body_size: int) -> ApiError:
    return ApiError(
        413, "InputException", f"request body is larger than the limit of {max_body_size} bytes"
    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        if max_body_size < 0:
            raise ValueError(f"max_body_size {max_body_size} must not be negative")
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_size:
            error = body_too_large(self.max_body_size)
            response = failure(error.status, error.error_type, error.message)
            await response(scope, receive, send)
            return

        received = 0
        response_started = False

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_size:
                    raise body_too_large(self.max_body_size)
            return message

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_tracking)
        except ApiError as error:
            if response_started or error.status != 413:
                raise
            response = failure(error.status, error.error_type, error.message)
            await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None

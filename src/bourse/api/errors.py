"""API errors and their mapping to HTTP statuses and Kite ``error_type`` values.

    ApiError(status, error_type, message, data)
     ├── 400 InputException     malformed JSON, bad query parameters
     ├── 401 TokenException     missing, invalid, expired or revoked credentials
     ├── 403 PermissionException
     ├── 404 DataException      unknown object, or one the caller does not own
     ├── 409 InputException     idempotency key reused with another body, duplicates
     ├── 413 InputException     body above the limit
     ├── 422 InputException     well-formed JSON of the wrong shape (types, enums, fields)
     ├── 400 OrderException     the trading core rejected the command (``data.reason``)
     └── 429 GeneralException   rate limited (``Retry-After`` header)

Identity errors map by family; anything unexpected is a 500 GeneralException that says
nothing about internals (and is logged).
"""

import logging
import math

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.envelope import failure
from bourse.identity import errors as identity

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        data: object = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.data = data
        self.headers = headers


def input_error(message: str, status: int = 400) -> ApiError:
    return ApiError(status, "InputException", message)


def not_found(what: str) -> ApiError:
    return ApiError(404, "DataException", f"{what} not found")


def order_rejected(reason: str, message: str) -> ApiError:
    return ApiError(400, "OrderException", message, {"reason": reason})


def rate_limited(retry_after_seconds: float, data: object = None) -> ApiError:
    seconds = max(1, math.ceil(retry_after_seconds))
    return ApiError(
        429,
        "GeneralException",
        f"too many requests; retry after {seconds} s",
        data,
        headers={"Retry-After": str(seconds)},
    )


_IDENTITY_STATUS: list[tuple[type[identity.IdentityError], int, str]] = [
    (identity.InvalidInputError, 400, "InputException"),
    (identity.AuthError, 401, "TokenException"),
    (identity.ForbiddenError, 403, "PermissionException"),
    (identity.NotFoundError, 404, "DataException"),
    (identity.ConflictError, 409, "InputException"),
    (identity.ThrottledError, 429, "GeneralException"),
]

_HTTP_ERROR_TYPES = {
    401: "TokenException",
    403: "PermissionException",
    404: "DataException",
    405: "InputException",
    413: "InputException",
}


def from_identity(error: identity.IdentityError) -> ApiError:
    for family, status, error_type in _IDENTITY_STATUS:
        if isinstance(error, family):
            if isinstance(error, identity.ThrottledError):
                return rate_limited(error.retry_after_seconds, {"code": error.code})
            return ApiError(status, error_type, error.message, {"code": error.code})
    return ApiError(500, "GeneralException", "internal error")


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return failure(exc.status, exc.error_type, exc.message, exc.data, exc.headers)


async def handle_identity_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, identity.IdentityError)
    return await handle_api_error(request, from_identity(exc))


async def handle_decode_error(request: Request, exc: Exception) -> Response:
    # msgspec.ValidationError is a DecodeError: wrong shape is 422, broken JSON is 400.
    if isinstance(exc, msgspec.ValidationError):
        return failure(422, "InputException", str(exc))
    return failure(400, "InputException", f"malformed JSON: {exc}")


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error_type = _HTTP_ERROR_TYPES.get(exc.status_code, "GeneralException")
    message = exc.detail if exc.status_code != 413 else "request body is too large"
    return failure(exc.status_code, error_type, str(message), headers=exc.headers)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return failure(500, "GeneralException", "internal error")


EXCEPTION_HANDLERS = {
    ApiError: handle_api_error,
    identity.IdentityError: handle_identity_error,
    msgspec.DecodeError: handle_decode_error,
    HTTPException: handle_http_error,
    Exception: handle_unexpected,
}


async def error_response(request: Request, error: Exception) -> Response:
    """The response the application's exception handlers give for ``error``."""
    for family in type(error).__mro__:
        handler = EXCEPTION_HANDLERS.get(family)
        if handler is not None:
            response: Response = await handler(request, error)
            return response
    raise error

"""The one response envelope (Kite's): ``{"status": "success", "data": ...}`` or
``{"status": "error", "error_type": ..., "message": ..., "data": ...}``.

Bodies are encoded with msgspec; Decimal values (rupees) are written as JSON numbers.
"""

from collections.abc import Mapping

import msgspec
from starlette.responses import Response

_encoder = msgspec.json.Encoder(decimal_format="number")
JSON = "application/json"


def encode(value: object) -> bytes:
    return _encoder.encode(value)


def success(
    data: object, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    body = b'{"status":"success","data":' + _encoder.encode(data) + b"}"
    return Response(body, status_code=status_code, headers=headers, media_type=JSON)


def failure(
    status_code: int,
    error_type: str,
    message: str,
    data: object = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = _encoder.encode(
        {"status": "error", "error_type": error_type, "message": message, "data": data}
    )
    return Response(body, status_code=status_code, headers=headers, media_type=JSON)

"""Liveness and the platform's own status."""

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.envelope import success
from bourse.api.gateway import Gateway
from bourse.api.operations import Operation


class Health(msgspec.Struct, frozen=True):
    status: str
    durable_seq: int
    mode: str


def operations(gateway: Gateway) -> list[Operation]:
    async def health(request: Request) -> Response:
        return success(
            Health(
                status="ok",
                durable_seq=gateway.trading.durable_seq,
                mode=gateway.settings.mode,
            )
        )

    return [
        Operation(
            "GET",
            "/api/v1/health",
            health,
            summary="Liveness: the platform is up and its journal is writable",
            tag="system",
            response=Health,
            authenticated=False,
            errors=(),
        )
    ]
